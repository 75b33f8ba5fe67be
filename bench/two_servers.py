"""`make bench-two-servers`: one app server against two behind nginx, in the same run (issue 18, point 5).

The production layout of ``deploy/`` on loopback, sharing one PostgreSQL (the bench database) and one
Redis (a ``redis-server`` of this run's own, no persistence):

- server A and server B: gunicorn with ``deploy/gunicorn.conf.py`` (``SHAMY_BIND``, ``GUNICORN_WORKERS``,
  2 x CPUs + 1 sync workers each unless ``--workers``), DEBUG off, the shared Redis cache;
- server C, the same with twice the workers (a control, below);
- nginx (Debian's) three times, each with a site rendered from ``deploy/nginx/shamy.conf.template`` by
  ``deploy/render_nginx.py``: in front of A alone, of A and B, and of C.

Four ways in, loaded in turn for each page and each number of clients, so that their ratios come from
the same minutes of a noisy machine:

1. "one server": wrk straight to A (the baseline);
2. "one server behind nginx": through nginx to A alone (what nginx itself costs);
3. "two servers behind nginx": through nginx to A and B;
4. "one server, twice the workers, behind nginx": through nginx to C. On one machine the second server
   mostly adds worker processes; C has as many as A and B together, so 3 against 4 separates "two
   servers" from "more processes" (which also take a larger share of a CPU shared with other work).

Pages: the trivial view (the framework's floor, ``SHAMY_BENCH=1``), the school list, the region page
(the region with the most schools) and the API school list (bench/scenarios.py), at 16 and 64 clients
(``--connections``). Each measurement: a warm-up, then wrk for ``--duration`` seconds with
bench/report.lua; between measurements the server works off its queue (bench/run.py's drain).

On one machine the two servers share the same CPUs (and PostgreSQL, Redis, nginx and wrk run there
too): the ratio shows what the second server and nginx cost or save on the same cores, not what a
second machine would add. Prints a table, saves it under bench/results/two-servers-<time>.md and .json,
and with --write-docs puts it into docs/benchmarks.md ("Two app servers behind nginx").
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run as harness  # noqa: E402
from bench.scenarios import SCENARIOS, Scenario  # noqa: E402

DOCS = ROOT / "docs" / "benchmarks.md"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
GUNICORN = Path(sys.executable).with_name("gunicorn")
PAGES = ("trivial view (baseline)", "school list", "region page", "API school list")
LAYOUTS = (
    "one server",
    "one server behind nginx",
    "two servers behind nginx",
    "one server, twice the workers, behind nginx",
)
# SAME_SESSION: every server is started in this run's own session (a process group of its own, so it
# can be stopped alone, but not a new session). Linux's scheduler shares a busy CPU fairly between
# sessions (autogroups, kernel.sched_autogroup_enabled), not processes: a server in a session of its
# own would get a share of its own, and two such servers twice the share of one on a machine shared
# with other work, which would look like a gain of the layout (a first run did exactly that).
BEGIN, END = "<!-- two servers: results begin -->", "<!-- two servers: results end -->"


@dataclass
class Measurement:
    page: str
    layout: str
    connections: int
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: dict[str, int]
    load_before: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "") or harness.DEFAULT_DATABASE_URL,
        help="the bench database (default: shamy_bench, the national demo of `make bench`)",
    )
    parser.add_argument("--scale", type=float, default=1.0, help="seed_demo --scale when seeding (default 1)")
    parser.add_argument("--connections", default="16,64", help="comma-separated numbers of concurrent clients")
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of unrecorded load before each")
    parser.add_argument(
        "--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1, help="gunicorn workers per app server"
    )
    parser.add_argument(
        "--rounds", type=int, default=2, help="measure each page this many times; the order of the ways in turns"
    )
    parser.add_argument("--only", action="append", default=[], help="only pages whose name contains this")
    parser.add_argument("--skip-seed", action="store_true", help="use the database as it is (migrated, seeded)")
    parser.add_argument("--write-docs", action="store_true", help="put the table into docs/benchmarks.md")
    return parser.parse_args()


# --- set-up ---------------------------------------------------------------------------------------


def prepare_database(args: argparse.Namespace, environment: dict[str, str]) -> None:
    harness.ensure_database(args.database_url)
    if not args.skip_seed:
        harness.log("migrate, compiletranslations, seed_demo (idempotent)")
        harness.manage(environment, "migrate", "--noinput", "-v0")
        harness.manage(environment, "compiletranslations", "-v0")
        harness.log(harness.manage(environment, "seed_demo", f"--scale={args.scale}"))
    harness.analyse(args.database_url)
    if not harness.static_is_current():
        harness.log(f"collectstatic into {harness.STATIC_ROOT.relative_to(ROOT)}")
        harness.manage(environment, "collectstatic", "--noinput", "--clear", "-v0")


def demo_context(environment: dict[str, str]) -> dict[str, Any]:
    """Inside Django: the demo analyst's login, a fresh API token, the region with the most schools."""
    os.environ.update(environment)
    import django

    django.setup()
    from django.db.models import Count

    from shamy.access.roles import Role
    from shamy.accounts.models import User
    from shamy.accounts.services.users import api_token_create
    from shamy.registry.demo.loader import DEMO_LOGINS, DEMO_PASSWORD
    from shamy.registry.models import Person, Region, School

    email = next(login.email for login in DEMO_LOGINS if login.role == Role.MINISTRY_ANALYST)
    analyst = User.objects.filter(email=email).first()
    if analyst is None:
        raise SystemExit(f"no demo analyst ({email}) in the bench database: run without --skip-seed")
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")
    token, raw_token = api_token_create(actor=analyst, name=f"bench two servers {stamp}")
    region = Region.objects.annotate(schools_count=Count("schools")).order_by("-schools_count", "pk").first()
    if region is None:
        raise SystemExit("no regions in the bench database: seed_demo did not run")
    return {
        "email": email,
        "password": DEMO_PASSWORD,
        "token": raw_token,
        "token_id": token.pk,
        "analyst_id": analyst.pk,
        "region_id": region.pk,
        "region_name": region.name_en,
        "schools": School.objects.count(),
        "people": Person.objects.count(),
        "regions": Region.objects.count(),
    }


def revoke_token(context: dict[str, Any]) -> None:
    from shamy.accounts.models import ApiToken, User
    from shamy.accounts.services.users import api_token_revoke

    analyst = User.objects.get(pk=context["analyst_id"])
    api_token_revoke(actor=analyst, token=ApiToken.objects.get(pk=context["token_id"]))


def start_app_server(environment: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    """One app server as deploy/ runs it (systemd's shamy-web@PORT): gunicorn -c deploy/gunicorn.conf.py."""
    harness.log(f"app server on 127.0.0.1:{port}: deploy/gunicorn.conf.py, {workers} sync workers")
    return subprocess.Popen(  # noqa: S603 (the venv's gunicorn with the repository's configuration)
        [str(GUNICORN), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
        cwd=ROOT,
        env={**environment, "SHAMY_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers)},
        stdout=log.open("wb"),  # its access log, as journald would keep it
        stderr=subprocess.STDOUT,
        process_group=0,  # see SAME_SESSION
    )


def wait_ready(base: str, process: subprocess.Popen[bytes], seconds: float = 300) -> None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{process.args!r} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise SystemExit(f"{base} did not answer /healthz within {seconds:.0f} s")


def start_nginx(prefix: Path, servers: list[str], port: int) -> subprocess.Popen[bytes]:
    """Debian's nginx with the repository's site (deploy/render_nginx.py), its own prefix, pid and logs."""
    site = subprocess.run(  # noqa: S603 (this interpreter, the repository's own script)
        [sys.executable, str(ROOT / "deploy" / "render_nginx.py"), "--servers", ",".join(servers),
         "--server-name", "127.0.0.1 localhost", "--listen", f"127.0.0.1:{port}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / "temp" / kind).mkdir(parents=True, exist_ok=True)
    temp = "\n".join(
        f"    {kind}_temp_path {prefix / 'temp' / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""
    # As Debian's /etc/nginx/nginx.conf: a worker per CPU; the access log off (wrk's requests would fill it).
    (prefix / "nginx.conf").write_text(
        f"{user}worker_processes auto;\npid {prefix / 'nginx.pid'};\nerror_log {prefix / 'error.log'} warn;\n"
        f"events {{ worker_connections 1024; }}\nhttp {{\n    access_log off;\n{temp}\n{site}\n}}\n",
        encoding="utf-8",
    )
    harness.log(f"nginx on 127.0.0.1:{port} in front of {', '.join(servers)}")
    process = subprocess.Popen(  # noqa: S603 (Debian's nginx, a configuration this script wrote)
        [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
        stdout=(prefix / "nginx.log").open("wb"),
        stderr=subprocess.STDOUT,
        process_group=0,  # see SAME_SESSION
    )
    return process


# --- load -----------------------------------------------------------------------------------------


def measure(
    wrk: str, base: str, scenario: Scenario, layout: str, connections: int, headers: dict[str, str], args: Any
) -> Measurement:
    url = base + scenario.path.format(**args.context)
    load_before = os.getloadavg()[0]
    if args.warmup:
        harness.run_wrk(wrk, url, headers, args.warmup, connections)
    raw = harness.run_wrk(wrk, url, headers, args.duration, connections)
    errors = {
        key.removeprefix("errors_"): int(value) for key, value in raw.items() if key.startswith("errors_") and value
    }
    result = Measurement(
        page=scenario.name,
        layout=layout,
        connections=connections,
        requests=int(raw["requests"]),
        seconds=raw["duration_us"] / 1e6,
        p50_ms=raw["p50_us"] / 1000,
        p95_ms=raw["p95_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        errors=errors,
        load_before=load_before,
    )
    harness.log(
        f"{scenario.name}, {layout}, {connections} clients: {result.rps:.1f} req/s, p50 {result.p50_ms:.0f} ms, "
        f"p95 {result.p95_ms:.0f} ms" + (f"; errors {errors}" if errors else "")
    )
    return result


# --- report ---------------------------------------------------------------------------------------


def median_of(runs: list[Measurement]) -> tuple[float, float, bool]:
    """The median requests per second and p95 of a layout's rounds, and whether any had errors (-1: none run)."""
    if not runs:
        return -1.0, 0.0, False
    return (
        statistics.median(r.rps for r in runs),
        statistics.median(r.p95_ms for r in runs),
        any(r.errors for r in runs),
    )


def table(results: list[Measurement]) -> str:
    lines = [
        "| page | clients | one server req/s (p95 ms) | one behind nginx req/s (p95 ms) "
        "| two behind nginx req/s (p95 ms) | one with twice the workers behind nginx req/s (p95 ms) "
        "| nginx / direct | two / one, both behind nginx | two behind nginx / one direct "
        "| two / one with twice the workers |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for page in dict.fromkeys(r.page for r in results):
        for connections in sorted({r.connections for r in results if r.page == page}):
            row = [median_of([r for r in results if (r.page, r.layout, r.connections) == (page, layout, connections)])
                   for layout in LAYOUTS]  # fmt: skip
            cells = [
                f"{rps:.1f} ({p95:.0f})" + (" errors" if errors else "") if rps >= 0 else "—"
                for rps, p95, errors in row
            ]
            one, one_nginx, two, doubled = (max(rps, 0.0) for rps, _p95, _errors in row)
            ratio = lambda a, b: f"{a / b:.2f}" if a and b else "—"  # noqa: E731
            lines.append(
                f"| {page} | {connections} | {' | '.join(cells)} | {ratio(one_nginx, one)} | {ratio(two, one_nginx)} "
                f"| {ratio(two, one)} | {ratio(two, doubled)} |"
            )
    return "\n".join(lines)


def report(results: list[Measurement], info: dict[str, str], args: Any, loads: tuple[str, str], command: str) -> str:
    context = args.context
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    two_over_one = []
    for page, connections in dict.fromkeys((r.page, r.connections) for r in results):
        same = [r for r in results if (r.page, r.connections) == (page, connections)]
        one, _p95, _errors = median_of([r for r in same if r.layout == LAYOUTS[0]])
        two, _p95, _errors = median_of([r for r in same if r.layout == LAYOUTS[2]])
        if one > 0 and two >= 0:
            two_over_one.append(two / one)
    median = f"{statistics.median(two_over_one):.2f}" if two_over_one else "—"
    return (
        f"Run on {when} with `{command}`: {context['schools']:,} demo schools in {context['regions']} regions and "
        f"{context['people']:,} people in PostgreSQL {info['postgresql']}; every app server is gunicorn with "
        f"`deploy/gunicorn.conf.py` ({args.workers} sync workers, its access log on, DEBUG=0), all sharing that "
        f"database and one Redis (`SHAMY_REDIS_URL`, a redis-server of the run's own); nginx with the site of "
        f"`deploy/render_nginx.py` (`worker_processes auto`, access log off); servers, nginx, Redis and wrk all "
        f"in the run's own session (one scheduler autogroup: SAME_SESSION in bench/two_servers.py). "
        f"wrk: {args.warmup} s warm-up, then "
        f"{args.duration} s per measurement, {args.rounds} rounds (each figure is the median of the rounds; each "
        "round starts with another way in), signed in as the demo ministry analyst (API: bearer token); "
        f"region page: {context['region_name']}, the region with the most schools. The four ways in run one "
        "after another for each page and number of clients.\n\n"
        f"Machine: {info['cpus']} CPUs ({info['cpu_model']}), {info['ram']} RAM, {info['os']}, Python "
        f"{info['python']}, Django {info['django']}. **The two app servers share these {info['cpus']} CPUs** "
        "with PostgreSQL, Redis, nginx and wrk: the figures show what a second server and nginx cost (or save) "
        "on the same cores, not the scale-out of a second machine. Load average (1, 5, 15 min) at the start: "
        f"{loads[0]}; at the end: {loads[1]}.\n\n"
        f"{table(results)}\n\n"
        f"Median of *two behind nginx / one direct* over the rows: {median}. *req/s (p95 ms)*: requests per "
        "second and the 95th percentile latency; *nginx / direct*: one server behind nginx against wrk straight "
        "to it; *two / one, both behind nginx*: what the second server adds behind the same nginx; *two / one with "
        "twice the workers*: two servers against one server with as many workers as both (server C). Each row's "
        "four figures were measured within minutes of each other; *load* per measurement is in the saved "
        "JSON (`load_before`).\n"
    )


def write_docs(text: str) -> None:
    docs = DOCS.read_text(encoding="utf-8")
    block = f"{BEGIN}\n{text.strip()}\n{END}"
    if BEGIN not in docs or END not in docs:
        raise SystemExit(f"{DOCS} has no {BEGIN} … {END} block (section 'Two app servers behind nginx')")
    start, end = docs.index(BEGIN), docs.index(END) + len(END)
    DOCS.write_text(docs[:start] + block + docs[end:], encoding="utf-8")
    harness.log(f"updated {DOCS.relative_to(ROOT)}")


def main() -> int:
    args = parse_args()
    command = "bench/two_servers.py " + shlex.join(sys.argv[1:])
    connection_counts = [int(part) for part in args.connections.split(",") if part.strip()]
    by_name = {scenario.name: scenario for scenario in SCENARIOS}
    pages = [by_name[name] for name in PAGES if not args.only or any(part in name for part in args.only)]
    if not GUNICORN.exists() or not Path(NGINX).exists():
        raise SystemExit(f"needs gunicorn ({GUNICORN}) and nginx ({NGINX}): apt-get install nginx-light")
    from shamy.core.testing.servers import RedisServer, free_port

    wrk = harness.ensure_wrk()
    environment = harness.django_environment(args.database_url, str(harness.STATIC_ROOT))
    prepare_database(args, environment)
    loads_start = "{:.1f}, {:.1f}, {:.1f}".format(*os.getloadavg())
    processes: list[subprocess.Popen[bytes]] = []
    results: list[Measurement] = []
    with tempfile.TemporaryDirectory(prefix="shamy-two-servers-") as directory:
        tmp = Path(directory)
        redis = RedisServer(tmp / "redis").start()
        shared = {
            **environment,
            "CACHE_BACKEND": "redis",
            "SHAMY_REDIS_URL": redis.url,
            "TRUSTED_PROXY_COUNT": "1",
            "GUNICORN_LOG_LEVEL": "warning",
        }
        args.context = demo_context(shared)
        try:
            ports = {name: free_port() for name in ("a", "b", "c", "nginx_a", "nginx_ab", "nginx_c")}
            servers = {name: f"127.0.0.1:{ports[name]}" for name in ("a", "b", "c")}
            workers = {"a": args.workers, "b": args.workers, "c": 2 * args.workers}
            for name in ("a", "b", "c"):
                processes.append(start_app_server(shared, ports[name], workers[name], tmp / f"gunicorn-{name}.log"))
            for name, process in zip(("a", "b", "c"), processes, strict=True):
                wait_ready(f"http://{servers[name]}", process)
            for name, upstream in (("a", ["a"]), ("ab", ["a", "b"]), ("c", ["c"])):
                nginx = start_nginx(tmp / f"nginx-{name}", [servers[s] for s in upstream], ports[f"nginx_{name}"])
                processes.append(nginx)
                wait_ready(f"http://127.0.0.1:{ports[f'nginx_{name}']}", nginx)
            bases = {
                LAYOUTS[0]: f"http://{servers['a']}",
                LAYOUTS[1]: f"http://127.0.0.1:{ports['nginx_a']}",
                LAYOUTS[2]: f"http://127.0.0.1:{ports['nginx_ab']}",
                LAYOUTS[3]: f"http://127.0.0.1:{ports['nginx_c']}",
            }
            session = harness.sign_in(bases[LAYOUTS[1]], args.context["email"], args.context["password"])
            for scenario in pages:
                headers = harness.headers_for(scenario, session, args.context["token"])
                for base in bases.values():  # each way in answers 200 itself (not a redirect to sign in)
                    harness.preflight(base + scenario.path.format(**args.context), headers)
                for connections in connection_counts:
                    for round_number in range(args.rounds):
                        # Each round starts with another way in, so none is always measured first.
                        order = list(bases.items())
                        order = order[round_number % len(order) :] + order[: round_number % len(order)]
                        for layout, base in order:
                            results.append(measure(wrk, base, scenario, layout, connections, headers, args))
                            for server in servers.values():
                                harness.drain(f"http://{server}")
        finally:
            for process in reversed(processes):
                harness.stop(process)
            redis.kill()
            revoke_token(args.context)
    loads_end = "{:.1f}, {:.1f}, {:.1f}".format(*os.getloadavg())
    text = report(results, harness.machine(), args, (loads_start, loads_end), command)
    print(f"\n### Two app servers behind nginx\n\n{text}")  # noqa: T201
    harness.RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    (harness.RESULTS / f"two-servers-{stamp}.md").write_text(text, encoding="utf-8")
    (harness.RESULTS / f"two-servers-{stamp}.json").write_text(
        json.dumps([asdict(r) | {"rps": r.rps} for r in results], indent=2), encoding="utf-8"
    )
    harness.log(f"saved bench/results/two-servers-{stamp}.md and .json")
    if args.write_docs:
        write_docs(text)
    failed = sorted({f"{r.page} ({r.layout}, {r.connections})" for r in results if r.errors})
    if failed:
        harness.log("requests failed during " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
