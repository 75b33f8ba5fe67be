"""`make bench`: load-test the national demo on PostgreSQL behind gunicorn, beside two baselines.

1. Makes sure wrk is there (apt-get install wrk when missing) and the bench database exists
   (postgres://postgres@127.0.0.1:5432/shamy_bench at scale 1, shamy_bench_s2 at scale 2, ..., unless
   --database-url or BENCH_DATABASE_URL).
2. migrate, compiletranslations, seed_demo --scale (--scale or BENCH_SCALE, default 1; above 1 the
   country plus synthetic copies; idempotent: a second run changes nothing; the first run's seeding
   times are kept in bench/results/seeding-<database>.json and reported),
   collectstatic into var/bench/static (again only when a static file or the lock files changed:
   compressing the admin's and the API docs' assets takes minutes on a small machine).
3. Serves it with gunicorn on 127.0.0.1 (DEBUG=0, SHAMY_BENCH=1 mounts the /bench/ baselines),
   signs the demo ministry analyst in over HTTP and gives them an API token.
4. For each scenario in bench/scenarios.py: checks it answers 200, warms up, then runs wrk with
   16 connections for --duration seconds and reads requests/s, p50, p95 and p99. The "cache off"
   scenarios run on a second gunicorn with CACHE_BACKEND=dummy (no cache at all). The queries of each
   page are counted in-process (Django's test client, CaptureQueriesContext), warm and cache off.
5. Prints a table with the ratios and the targets, saves it under bench/results/, and with
   --write-docs replaces the "## Load test" section of docs/benchmarks.md.

Loopback only; the server and the load generator share the machine, which the report says.
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import http.cookiejar
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import checkin  # noqa: E402
from bench.scenarios import MINIMAL, SCENARIOS, TRIVIAL, Scenario  # noqa: E402

PYTHON = sys.executable
RESULTS = ROOT / "bench" / "results"
DOCS = ROOT / "docs" / "benchmarks.md"
LUA = ROOT / "bench" / "report.lua"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/shamy_bench"
# Who signs in for the session scenarios (Scenario.user): the demo logins of seed_demo and
# seed_demo_programmes, all with the published demo password.
LOGINS = {
    "analyst": "analyst@demo.shamy.kz",
    "admin": "admin@demo.shamy.kz",
    "teacher": "teacher@demo.shamy.kz",
    "facilitator": "facilitator@demo.shamy.kz",
    "coordinator": "coordinator@demo.shamy.kz",
}
SECTION = "## Load test"
STATIC_ROOT = ROOT / "var" / "bench" / "static"


@dataclass
class Result:
    scenario: Scenario
    url: str
    response_bytes: int
    requests: int = 0
    seconds: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    errors: dict[str, int] = field(default_factory=dict)
    load_before: float = 0.0  # 1-minute load average: the machine may be shared
    single_p50_ms: float = 0.0  # one client alone: the service time, without queueing
    queries: int = -1  # SQL queries of one request, counted in-process (-1: not counted)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S', time.gmtime())}] {message}", flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 20)), help="seconds per scenario"
    )
    parser.add_argument("--warmup", type=int, default=3, help="seconds of unrecorded load before each scenario")
    parser.add_argument("--connections", type=int, default=16, help="concurrent clients")
    parser.add_argument(
        "--single", type=int, default=5, help="seconds of one client alone after each scenario (0: skip)"
    )
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1, help="gunicorn workers")
    parser.add_argument(
        "--scale",
        type=float,
        default=float(os.environ.get("BENCH_SCALE") or 1),
        help="demo data scale for seed_demo (1: the country; 2, 4: plus synthetic copies); `make bench SCALE=4`",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", ""),
        help="default: shamy_bench at scale 1, shamy_bench_s<scale> otherwise (one database per scale)",
    )
    parser.add_argument("--only", action="append", default=[], help="run only scenarios whose name contains this")
    parser.add_argument(
        "--scenario", action="append", default=[], metavar="NAME=PATH", help="an extra page to load (session auth)"
    )
    parser.add_argument("--no-checkins", action="store_true", help="skip the summit check-in throughput run")
    parser.add_argument(
        "--skip-seed", action="store_true", help="use the database as it is (already migrated and seeded)"
    )
    parser.add_argument("--write-docs", action="store_true", help="update the Load test section of docs/benchmarks.md")
    args = parser.parse_args()
    if not args.database_url:
        suffix = "" if args.scale == 1 else f"_s{args.scale:g}".replace(".", "_")
        args.database_url = DEFAULT_DATABASE_URL + suffix
    return args


# --- set-up ---------------------------------------------------------------------------------


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    log("wrk is missing: installing it with apt-get")
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*prefix, "apt-get", "update", "-qq"], check=True, env=environment)
    subprocess.run([*prefix, "apt-get", "install", "-y", "-qq", "wrk"], check=True, env=environment)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk could not be installed; install it (Debian package `wrk`) and run again")
    return found


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    server = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            log(f"creating database {name}")
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def analyse(url: str) -> None:
    """Fresh planner statistics and visibility map, as autovacuum would have them on a server that
    has been running (where autovacuum is off, as on some development clusters, counts over many
    rows would otherwise read the heap for every row instead of using index-only scans)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")


def django_environment(database_url: str, static_root: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shamy.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "SHAMY_BENCH": "1",
        "SHAMY_DEMO_ALLOWED": "1",
        # The demo's certificates are signed with development keys (derived from SECRET_KEY): with
        # DEBUG off they are refused unless allowed, and seed_demo_assessment would stop.
        "CREDENTIALS_DEV_KEYS": "1",
        # As in production (README): one cache shared by the workers, in PostgreSQL.
        "CACHE_BACKEND": "database",
        "STATIC_ROOT": static_root,
        # Plain HTTP on loopback: no redirect to HTTPS, cookies without the Secure flag.
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }


def static_is_current() -> bool:
    manifest = STATIC_ROOT / "staticfiles.json"
    if not manifest.exists():
        return False
    built = manifest.stat().st_mtime
    sources = [ROOT / "requirements.lock", ROOT / "requirements-dev.lock", *ROOT.glob("shamy/*/static/**/*")]
    return all(source.stat().st_mtime <= built for source in sources if source.is_file())


def manage(environment: dict[str, str], *arguments: str) -> str:
    completed = subprocess.run(
        [PYTHON, "manage.py", *arguments], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    if completed.returncode:
        raise SystemExit(f"manage.py {' '.join(arguments)} failed:\n{completed.stdout}\n{completed.stderr}")
    return completed.stdout.strip()


def seeding_file_for(database_url: str) -> Path:
    return RESULTS / f"seeding-{urllib.parse.urlsplit(database_url).path.lstrip('/')}.json"


def prepare_database(
    environment: dict[str, str], database_url: str, scale: float, scenarios: list[Scenario], *, skip_seed: bool
) -> str:
    """Steps 1-2 of the module's docstring for one database: migrate, seed (idempotent; the first
    seeding's times saved in bench/results/seeding-<database>.json), ANALYZE, collectstatic when
    stale. Returns the donor report's timing line. Also used by bench/scale_pair.py for each scale."""
    ensure_database(database_url)
    seeding_file = seeding_file_for(database_url)
    donor_report = "not run (--skip-seed)"
    if not skip_seed:
        log("migrate")
        manage(environment, "migrate", "--noinput", "-v0")
        manage(environment, "createcachetable")
        manage(environment, "compiletranslations", "-v0")
        log(f"seed_demo --scale {scale:g} (idempotent)")
        load = os.getloadavg()[0]
        seconds: dict[str, float] = {}
        started = time.monotonic()
        output = manage(environment, "seed_demo", f"--scale={scale}")
        log(output)
        first_seed = "already loaded" not in output
        seconds["seed_demo"] = time.monotonic() - started
        log("monitoring and evaluation data: programmes, portfolios, surveys, results, commons (idempotent)")
        for command in (
            "seed_demo_programmes",
            "seed_demo_portfolios",
            "seed_demo_assessment",
            "seed_demo_surveys",
            "seed_demo_results",
            "seed_demo_commons",
        ):
            started = time.monotonic()
            log(manage(environment, command))
            seconds[command] = time.monotonic() - started
        if first_seed:
            RESULTS.mkdir(parents=True, exist_ok=True)
            record = {"scale": scale, "seconds": seconds, "load": f"{load:.1f}", "when": time.strftime("%Y-%m-%d")}
            seeding_file.write_text(json.dumps(record, indent=2), encoding="utf-8")
        # The two large bench seeds only when a chosen scenario reads them (--only may leave them out).
        if any("/commons/" in s.path for s in scenarios):
            log(manage(environment, "seed_bench_commons", "--items=100000"))
        if any("{survey_id}" in s.path for s in scenarios):
            log(manage(environment, "seed_bench_survey", "--pairs=5000"))
        donor_report = manage(environment, "time_donor_report").strip().splitlines()[-1]
        log(donor_report)
    # The analytics' stored teacher counts (shamy/analytics/tally.py): a database seeded before they
    # existed has none, and its panels would count live; recounting takes seconds and is idempotent.
    log(manage(environment, "teacher_tally_refresh").strip())
    analyse(database_url)
    if not static_is_current():
        log(f"collectstatic into {STATIC_ROOT.relative_to(ROOT)}")
        manage(environment, "collectstatic", "--noinput", "--clear", "-v0")
    return donor_report


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_gunicorn(environment: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [
        str(Path(PYTHON).parent / "gunicorn"),
        "shamy.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--worker-class=sync",
        "--backlog=256",
        "--timeout=60",
        "--log-level=warning",
    ]
    log(f"gunicorn with {workers} sync workers on 127.0.0.1:{port}")
    server = subprocess.Popen(command, cwd=ROOT, env=environment, start_new_session=True)
    # Five workers importing Django at once take well over a minute on two cores shared with other
    # test suites (measured: 19 s for one process under load 18): wait up to four minutes.
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    stop(server)
    raise SystemExit("gunicorn did not answer /healthz within 240 s")


def drain(base: str, limit: float = 120.0) -> None:
    """Wait until the server has worked off what the last page left queued (wrk stops sending, but
    gunicorn's sync workers still serve the requests already accepted): /healthz must answer in
    under half a second. Otherwise the next page would be measured behind a slow page's queue."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=limit) as response:  # noqa: S310
                response.read()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
            continue
        if time.monotonic() - started < 0.5:
            return
    log(f"the server was still busy after {limit:.0f} s; measuring anyway")


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def sign_in(base: str, email: str, password: str) -> str:
    """Sign in through the login form like a browser; returns the session cookie's value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base}/accounts/login/", timeout=30).read()
    csrf = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    form = urllib.parse.urlencode({"username": email, "password": password, "csrfmiddlewaretoken": csrf}).encode()
    request = urllib.request.Request(  # noqa: S310 (loopback http URL we built)
        f"{base}/accounts/login/", data=form, headers={"Referer": f"{base}/accounts/login/"}
    )
    opener.open(request, timeout=30).read()
    session = next((cookie.value for cookie in jar if cookie.name == "sessionid"), None)
    if session is None:
        raise SystemExit(f"could not sign in as {email}: is the demo loaded (seed_demo)?")
    return session


def demo_context(environment: dict[str, str]) -> dict[str, Any]:
    """Inside Django (bench database): the analyst's login, a fresh API token and the path parameters."""
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
    analyst = User.objects.get(email=email)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")
    token, raw_token = api_token_create(actor=analyst, name=f"make bench {stamp}")
    # Ties (the synthetic copies above scale 1 have the real regions' sizes) go to the first created:
    # the real region, so every scale loads the same region page.
    region = Region.objects.annotate(schools_count=Count("schools")).order_by("-schools_count", "pk").first()
    if region is None:
        raise SystemExit("no regions in the bench database: seed_demo did not run")
    school = School.objects.filter(region=region).order_by("-pupils", "id").first()
    from shamy.credentials.models import Certificate
    from shamy.programmes.demo import PILOT_NAME_EN
    from shamy.programmes.models import Programme
    from shamy.surveys.bench import BENCH_PROGRAMME
    from shamy.surveys.models import Survey

    survey = Survey.objects.filter(programme__name_en=BENCH_PROGRAMME, phase="post").first()
    certificate = Certificate.objects.filter(revoked_at__isnull=True).order_by("id").first()
    credential_file = RESULTS / "credential.json"
    if certificate is not None:
        RESULTS.mkdir(parents=True, exist_ok=True)
        credential_file.write_text(json.dumps(certificate.credential, ensure_ascii=False), encoding="utf-8")
    pilot = Programme.objects.filter(name_en=PILOT_NAME_EN).first()
    missing = [email for email in LOGINS.values() if not User.objects.filter(email=email).exists()]
    if missing:
        raise SystemExit(f"demo logins missing (seed_demo_programmes?): {', '.join(missing)}")
    return {
        "survey_id": survey.pk if survey else 0,
        "credential_file": str(credential_file) if certificate is not None else "",
        "programme_id": pilot.pk if pilot else 0,
        "email": email,
        "password": DEMO_PASSWORD,
        "token": raw_token,
        "token_id": token.pk,
        "analyst_id": analyst.pk,
        "schools": School.objects.count(),
        "people": Person.objects.count(),
        "region_id": region.pk,
        "region_name": region.name_en,
        "school_id": school.pk if school else 0,
        "regions": Region.objects.count(),
    }


def count_queries(scenarios: list[Scenario], context: dict[str, Any]) -> dict[str, int]:
    """Queries of one request to each page, in-process with Django's test client (same database,
    same settings as the server): warm (the second request, caches filled) for the cached
    scenarios, with Django's dummy cache for the "cache off" ones."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from shamy.accounts.models import User

    users = {key: User.objects.get(email=email) for key, email in LOGINS.items()}
    counts: dict[str, int] = {}
    for scenario in scenarios:
        if scenario.baseline or scenario.body:
            continue
        client = Client(SERVER_NAME="127.0.0.1", HTTP_ACCEPT_ENCODING="gzip")
        if scenario.auth == "session":
            client.force_login(users[scenario.user])
            client.cookies["shamy_language"] = "kk"
        headers = {"Authorization": f"Bearer {context['token']}"} if scenario.auth == "token" else {}
        path = scenario.path.format(**context)
        dummy = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
        with override_settings(**({} if scenario.registry_cache else {"CACHES": dummy, "REGISTRY_CACHE_SECONDS": 0})):
            client.get(path, headers=headers)  # fills the caches (and the session's own lookups)
            connection.queries_log.clear()  # a full log (9,000 entries) would make the capture empty
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code} in-process for {scenario.name}")
        counts[scenario.name] = len(captured.captured_queries)
    return counts


def revoke_token(context: dict[str, Any]) -> None:
    from shamy.accounts.models import ApiToken, User
    from shamy.accounts.services.users import api_token_revoke

    analyst = User.objects.get(pk=context["analyst_id"])
    api_token_revoke(actor=analyst, token=ApiToken.objects.get(pk=context["token_id"]))


# --- load -----------------------------------------------------------------------------------


def headers_for(scenario: Scenario, session: str, token: str) -> dict[str, str]:
    # Like a browser, every request accepts gzip: the compression is part of what a page costs.
    headers = {"Accept-Encoding": "gzip"}
    if scenario.auth == "session":
        headers["Cookie"] = f"sessionid={session}; shamy_language=kk"
    elif scenario.auth == "token":
        headers["Authorization"] = f"Bearer {token}"
    return headers


def preflight(url: str, headers: dict[str, str], body: bytes | None = None) -> int:
    """The page must answer 200 itself (a redirect to the login page would make a fast, false result);
    a verification must answer "valid" (a fast refusal would be as false)."""
    if body is not None:
        headers = {**headers, "Content-Type": "application/json"}
    request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310 (loopback http URL we built)
    opener = urllib.request.build_opener(_NoRedirect())
    try:
        with opener.open(request, timeout=180) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status, body = error.code, b""
    if status != 200:
        raise SystemExit(f"{url} answered {status}, not 200: fix it before measuring")
    if request.data is not None and json.loads(gzip_aware(body)).get("status") != "valid":
        raise SystemExit(f'{url} did not answer "valid" for the bench credential: {body[:200]!r}')
    return len(body)


def gzip_aware(body: bytes) -> bytes:
    return gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def run_wrk(
    wrk: str, url: str, headers: dict[str, str], seconds: int, connections: int, body_file: str = ""
) -> dict[str, Any]:
    threads = max(1, min(connections, os.cpu_count() or 1))
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout=10s", "--latency", "-s", str(LUA)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    environment = {**os.environ, "BENCH_BODY_FILE": body_file}
    completed = subprocess.run([*command, url], capture_output=True, text=True, check=True, env=environment)
    match = re.search(r"^BENCH_JSON (.*)$", completed.stdout, re.MULTILINE)
    if match is None:
        raise SystemExit(f"wrk gave no result for {url}:\n{completed.stdout}\n{completed.stderr}")
    return dict(json.loads(match.group(1)))


def measure(
    wrk: str, base: str, scenario: Scenario, context: dict[str, Any], session: str, args: argparse.Namespace
) -> Result:
    url = base + scenario.path.format(**context)
    headers = headers_for(scenario, session, context["token"])
    body_file = str(context[scenario.body]) if scenario.body else ""
    if scenario.body and not body_file:
        raise SystemExit(f"{scenario.name}: no {scenario.body} in the bench database (seed_demo_assessment)")
    size = preflight(url, headers, Path(body_file).read_bytes() if body_file else None)
    load_before = os.getloadavg()[0]
    if args.warmup:
        run_wrk(wrk, url, headers, args.warmup, args.connections, body_file)
    raw = run_wrk(wrk, url, headers, args.duration, args.connections, body_file)
    errors = {
        key.removeprefix("errors_"): int(value) for key, value in raw.items() if key.startswith("errors_") and value
    }
    if not raw["requests"]:
        errors["none_completed"] = 1  # every request outlived the run: lengthen --duration
    single = run_wrk(wrk, url, headers, args.single, 1, body_file) if args.single else {"p50_us": 0}
    result = Result(
        scenario=scenario,
        url=url,
        response_bytes=size,
        requests=int(raw["requests"]),
        seconds=raw["duration_us"] / 1e6,
        p50_ms=raw["p50_us"] / 1000,
        p95_ms=raw["p95_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        errors=errors,
        load_before=load_before,
        single_p50_ms=single["p50_us"] / 1000,
    )
    log(
        f"{scenario.name}: {result.rps:.1f} req/s, p50 {result.p50_ms:.1f} ms, p95 {result.p95_ms:.1f} ms, "
        f"p99 {result.p99_ms:.1f} ms; one client alone: p50 {result.single_p50_ms:.1f} ms"
        + (f"; errors {errors}" if errors else "")
    )
    return result


# --- report ---------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8") if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    meminfo = Path("/proc/meminfo").read_text(encoding="utf-8") if Path("/proc/meminfo").exists() else ""
    memory = re.search(r"^MemTotal:\s*(\d+) kB", meminfo, re.MULTILINE)
    import django
    from django.db import connection

    return {
        "cpus": str(os.cpu_count()),
        "cpu_model": model.group(1).strip() if model else platform.processor() or "unknown",
        "ram": f"{int(memory.group(1)) / 1024 / 1024:.0f} GiB" if memory else "unknown",
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": ".".join(str(part) for part in divmod(connection.pg_version, 10000)),  # type: ignore[attr-defined]
    }


def verdicts(results: list[Result]) -> dict[str, str]:
    minimal = next((r for r in results if r.scenario.baseline == MINIMAL), None)
    out = {}
    for result in results:
        if result.scenario.baseline:
            continue
        misses = []
        if result.scenario.registry_cache and result.p95_ms >= result.scenario.p95_target_ms:
            misses.append(f"p95 ≥ {result.scenario.p95_target_ms:.0f} ms")
        if minimal and result.rps < result.scenario.throughput_target * minimal.rps:
            misses.append(f"throughput < {result.scenario.throughput_target:.0%} of the minimal page")
        if result.errors:
            misses.append("errors")
        out[result.scenario.name] = "met" if not misses else "missed: " + "; ".join(misses)
    return out


def table(results: list[Result]) -> str:
    minimal = next((r for r in results if r.scenario.baseline == MINIMAL), None)
    trivial = next((r for r in results if r.scenario.baseline == TRIVIAL), None)
    verdict = verdicts(results)
    lines = [
        "| Scenario | Path | req/s | p50 ms | p95 ms | p99 ms | 1 client p50 ms | vs minimal page | queries | Target "
        "| load |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for result in results:
        if result.scenario.baseline == TRIVIAL:
            ratio = "—"
            target = "baseline"
        elif result.scenario.baseline == MINIMAL:
            ratio = "1.00"
            share = f"{result.rps / trivial.rps:.2f} of trivial" if trivial and trivial.rps else ""
            target = f"baseline ({share})" if share else "baseline"
        else:
            ratio = f"{result.rps / minimal.rps:.2f}" if minimal and minimal.rps else "—"
            target = verdict[result.scenario.name]
        path = result.scenario.path
        lines.append(
            f"| {result.scenario.name} | `{path}` | {result.rps:.1f} | {result.p50_ms:.1f} | {result.p95_ms:.1f} "
            f"| {result.p99_ms:.1f} | {result.single_p50_ms:.1f} | {ratio} "
            f"| {result.queries if result.queries >= 0 else '—'} | {target} | {result.load_before:.1f} |"
        )
    return "\n".join(lines)


def report(results: list[Result], info: dict[str, str], context: dict[str, Any], args: argparse.Namespace) -> str:
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    minimal = next((r for r in results if r.scenario.baseline == MINIMAL), None)
    trivial = next((r for r in results if r.scenario.baseline == TRIVIAL), None)
    ratio = (
        f"The minimal page reaches {minimal.rps / trivial.rps:.2f} of the trivial view's throughput.\n"
        if minimal and trivial and trivial.rps
        else ""
    )
    seeding = context.get("seeding") or {}
    seeded = (
        "Seeding this database (first run, "
        + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in seeding.get("seconds", {}).items())
        + f"; load average {seeding.get('load', '?')})."
        if seeding
        else "Seeding times: not recorded for this database (seeded outside `make bench`)."
    )
    return (
        f"Run by `make bench` on {when}: {context['schools']:,} demo schools in {context['regions']} regions and "
        f"{context['people']:,} people "
        f"(seed_demo --scale {args.scale:g}) in PostgreSQL {info['postgresql']}, served by gunicorn "
        f"({args.workers} sync workers, DEBUG=0) and loaded by wrk with {args.connections} connections for "
        f"{args.duration} s per scenario after a {args.warmup} s warm-up, signed in as the demo ministry analyst "
        f"(API: bearer token). Region page: {context['region_name']}, the region with the most schools.\n\n"
        f"Machine: {info['cpus']} CPUs ({info['cpu_model']}), {info['ram']} RAM, {info['os']}, Python "
        f"{info['python']}, Django {info['django']}. Server, database and load generator share the machine.\n\n"
        f"{seeded}\n\n"
        f"{table(results)}\n\n"
        f"{ratio}"
        "Donor report of the demo pilot programme, rendered once in-process before the load: "
        f"{context.get('donor_report', '—')}.\n\n"
        "Targets (issue 3): p95 under 200 ms, and at least half the minimal page's requests per second; "
        'issue 18: the same half with every cache off ("cache off": a second server with Django\'s dummy cache). '
        "*queries*: SQL queries of one request, counted in-process (warm; cache off for the cache-off rows). "
        "*1 client p50* is the median with one client alone (the service time, no queueing): with "
        f"{args.connections} clients always waiting, latency is about {args.connections} / throughput. "
        "*load* is the machine's 1-minute load average when the scenario started: the bench itself keeps it "
        "near 2–4 on two CPUs; far above that, other work shared the machine and the figures are pessimistic.\n"
    )


BEGIN, END = "<!-- make bench: results begin -->", "<!-- make bench: results end -->"


def write_docs(results_text: str) -> None:
    """Put the latest results between the markers of the "## Load test" section (made when missing);
    the analysis written around them stays as it is, and the other sections are not touched."""
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    block = f"{BEGIN}\n{results_text.strip()}\n{END}"
    if BEGIN in text and END in text:
        start, end = text.index(BEGIN), text.index(END) + len(END)
        text = text[:start] + block + text[end:]
    else:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\n{block}\n"
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    DOCS.write_text(text, encoding="utf-8")
    log(f"updated {DOCS.relative_to(ROOT)}")


def main() -> int:
    args = parse_args()
    scenarios = list(SCENARIOS)
    for extra in args.scenario:
        name, _, path = extra.partition("=")
        if not path.startswith("/"):
            raise SystemExit(f"--scenario wants NAME=/path/, got {extra!r}")
        scenarios.append(Scenario(name.strip(), path.strip()))
    if args.only:
        scenarios = [s for s in scenarios if s.baseline or any(part in s.name for part in args.only)]

    wrk = ensure_wrk()
    environment = django_environment(args.database_url, str(STATIC_ROOT))
    donor_report = prepare_database(environment, args.database_url, args.scale, scenarios, skip_seed=args.skip_seed)
    seeding_file = seeding_file_for(args.database_url)
    context = demo_context(environment)
    context["donor_report"] = donor_report
    context["seeding"] = json.loads(seeding_file.read_text(encoding="utf-8")) if seeding_file.exists() else None
    queries = count_queries(scenarios, context)
    results: list[Result] = []
    sessions: dict[str, str] = {}
    checkin_section = ""
    cache_off = {"CACHE_BACKEND": "dummy", "REGISTRY_CACHE_SECONDS": "0"}
    try:
        for cached, extra in ((True, {}), (False, cache_off)):
            group = [s for s in scenarios if s.registry_cache == cached]  # the baselines run with the first
            if not group:
                continue
            if not cached:
                log("a second server with every cache off (CACHE_BACKEND=dummy)")
            port = free_port()
            server = start_gunicorn({**environment, **extra}, port, args.workers)
            try:
                base = f"http://127.0.0.1:{port}"
                for scenario in group:
                    if scenario.user not in sessions:  # sessions live in the database: valid on both servers
                        sessions[scenario.user] = sign_in(base, LOGINS[scenario.user], context["password"])
                    try:
                        result = measure(wrk, base, scenario, context, sessions[scenario.user], args)
                    except (SystemExit, OSError, subprocess.CalledProcessError) as error:
                        # One page failing (e.g. a server still busy with a slow page's queue) must not
                        # lose the others' figures: recorded as an error, the run goes on.
                        log(f"{scenario.name}: failed: {error}")
                        url = base + scenario.path.format(**context)
                        result = Result(scenario=scenario, url=url, response_bytes=0, errors={"failed": 1})
                    result.queries = queries.get(scenario.name, -1)
                    drain(base)
                    results.append(result)
                session = sessions.get("analyst", "")
                if cached and not args.no_checkins:
                    log("check-in throughput: 600 tickets at three doors (bench/checkin.py)")
                    prepared = checkin.prepare(context["analyst_id"])
                    checkin_results = checkin.measure(base, session, prepared)
                    checkin_section = checkin.table(checkin_results, checkin.checked_in(prepared["event_id"]))
            finally:
                stop(server)
    finally:
        revoke_token(context)

    section = report(results, machine(), context, args)
    if checkin_section:
        section += "\n\n### Check-in throughput (issue 16)\n\n" + checkin_section
    print(f"\n{SECTION}\n\n{section}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"{stamp}.md").write_text(section, encoding="utf-8")
    (RESULTS / f"{stamp}.json").write_text(
        json.dumps(
            [asdict(r) | {"rps": r.rps, "scale": args.scale, "load_now": os.getloadavg()[0]} for r in results],
            ensure_ascii=False,
            indent=2,
            default=str,
        ),
        encoding="utf-8",
    )
    log(f"saved bench/results/{stamp}.md and .json")
    if args.write_docs:
        write_docs(section)
    failed = [r.scenario.name for r in results if r.errors]
    if failed:
        log("requests failed during " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
