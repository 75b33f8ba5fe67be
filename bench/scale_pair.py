"""Issue 18, point 5: is each key page's time at scale 4 within 1.2 × its time at scale 1?
Measured paired, in one run, so that the shared machine's noise falls on both scales alike.

Runs made at different times cannot answer it on a shared machine: between two runs the load moves
pages that read none of the scaled data by 0.2-3 × (docs/benchmarks.md, "Cost as the data grows").
Here two gunicorn servers run at once, one per database (scale A, default 1, and scale B, default 4),
with the same settings, workers and code (bench/run.py's start-up, sign-in, preflight, drain and wrk).
Then, for --rounds rounds, for every page in an order shuffled each round:

- a burst of load: wrk with --connections clients for --burst seconds on one server, then on the
  other (a coin decides which goes first), each after the server has drained (bench/run.py's drain).
  The round's ratio is the time per request at B over the time per request at A (= requests/s at A
  over requests/s at B); wrk's p95 is kept for each side;
- --pairs pairs of one-client requests, one at a time, A then B or B then A (a coin each), each timed
  around its own connection: the service time without queueing. A pair's ratio is B's time over A's.

Per page: the median of the rounds' ratios with a distribution-free confidence interval for the
median (order statistics, the binomial's ≥ 95 %), the same for the one-client pairs, the median p95
and one-client time of each side, and the queries of one request at each scale (bench/run.py's
count_queries, in a child process per database). The page is flat when both intervals' upper ends
are at most 1.2 and the query counts are the same; not flat when either interval lies wholly above
1.2; undecided otherwise. The minimal page (50 schools by primary key: no scaled work) is the control:
its ratios should straddle 1.

--cache warm: caches on, as in production (CACHE_BACKEND=database); off: both servers with every cache
off (CACHE_BACKEND=dummy, REGISTRY_CACHE_SECONDS=0), the cache-off scenarios of bench/scenarios.py.

The databases are seeded when missing, as by `make bench SCALE=N` (bench/run.py prepare_database;
--skip-seed uses them as they are). Results: bench/results/pair-<time>.md and .json; --write-docs
puts the table between the scale-pair markers of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402
from bench.scenarios import MINIMAL, SCENARIOS, Scenario  # noqa: E402

FLAT = 1.2
LEVEL = 0.95
BEGIN, END = "<!-- scale pair: results begin -->", "<!-- scale pair: results end -->"
CACHE_OFF = {"CACHE_BACKEND": "dummy", "REGISTRY_CACHE_SECONDS": "0"}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale-a", type=float, default=1.0, help="the reference scale (default 1)")
    parser.add_argument("--scale-b", type=float, default=4.0, help="the scale compared with it (default 4)")
    parser.add_argument("--database-a", default="", help="default: bench/run.py's database for scale A")
    parser.add_argument("--database-b", default="", help="default: bench/run.py's database for scale B")
    parser.add_argument("--cache", choices=["warm", "off", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--burst", type=int, default=3, help="seconds of wrk load per page, server and round")
    parser.add_argument(
        "--max-burst", type=int, default=12, help="longest burst for a slow page (5 × its one-client time)"
    )
    parser.add_argument("--warmup", type=int, default=2, help="seconds of unrecorded load per page and server")
    parser.add_argument("--connections", type=int, default=8, help="wrk's concurrent clients in a burst")
    parser.add_argument("--pairs", type=int, default=2, help="one-client request pairs per page and round")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1, help="gunicorn workers each")
    parser.add_argument("--only", action="append", default=[], help="only the key pages whose name contains this")
    parser.add_argument("--seed", type=int, default=18, help="random order of pages and servers")
    parser.add_argument("--skip-seed", action="store_true", help="use the databases as they are")
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument(
        "--report",
        action="append",
        default=[],
        metavar="FILE",
        help="print the tables of a saved bench/results/pair-*.json again (repeat for several runs)",
    )
    parser.add_argument("--child-context", default="", help=argparse.SUPPRESS)  # internal: see child_context
    parser.add_argument("--child-revoke", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    for side in ("a", "b"):
        if not getattr(args, f"database_{side}"):
            scale = getattr(args, f"scale_{side}")
            suffix = "" if scale == 1 else f"_s{scale:g}".replace(".", "_")
            setattr(args, f"database_{side}", run.DEFAULT_DATABASE_URL + suffix)
    return args


# --- statistics -----------------------------------------------------------------------------


def median_interval(values: list[float], level: float = LEVEL) -> tuple[float, float, float, float]:
    """The median, and a distribution-free interval for it: the k-th smallest and k-th largest value,
    k the largest for which the chance that the true median lies outside is at most 1 - level
    (Binomial(n, 1/2)). Returns (median, low, high, the interval's exact coverage)."""
    ordered = sorted(values)
    n = len(ordered)
    if not n:
        return math.nan, math.nan, math.nan, 0.0

    def below(k: int) -> float:  # P(Binomial(n, 1/2) <= k - 1): the median lies below the k-th value
        return sum(math.comb(n, i) for i in range(k)) / 2**n

    k = 1
    while k + 1 <= n // 2 and 2 * below(k + 1) <= 1 - level:
        k += 1
    return statistics.median(ordered), ordered[k - 1], ordered[n - k], 1 - 2 * below(k)


# --- one side: a server on one database -----------------------------------------------------


@dataclass
class Side:
    label: str  # "A" or "B"
    scale: float
    database_url: str
    environment: dict[str, str]
    context: dict[str, Any] = field(default_factory=dict)
    queries: dict[str, int] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)
    base: str = ""
    server: Any = None

    def url(self, scenario: Scenario) -> str:
        return self.base + scenario.path.format(**self.context)

    def headers(self, scenario: Scenario) -> dict[str, str]:
        return run.headers_for(scenario, self.sessions.get(scenario.user, ""), self.context["token"])


def child(environment: dict[str, str], *arguments: str) -> None:
    subprocess.run(  # noqa: S603 (this interpreter and this script)
        [run.PYTHON, str(Path(__file__).resolve()), *arguments], cwd=ROOT, env=environment, check=True
    )


def child_context(out: str) -> None:
    """In a child process (Django set up on one database): the demo context (API token, region and
    school ids) and the queries of one request to every key page, warm and cache off."""
    context = run.demo_context(dict(os.environ))
    scenarios = [s for s in SCENARIOS if s.key]
    queries = run.count_queries(scenarios, context)
    Path(out).write_text(json.dumps({"context": context, "queries": queries}, default=str), encoding="utf-8")


def child_revoke(token: str) -> None:
    token_id, analyst_id = token.split(":")
    import django

    django.setup()
    run.revoke_token({"token_id": int(token_id), "analyst_id": int(analyst_id)})


def one_request(side: Side, scenario: Scenario) -> float:
    """One request alone on a fresh connection (gunicorn's sync workers close it after each
    response anyway); seconds until the whole body is read."""
    parts = urllib.parse.urlsplit(side.url(scenario))
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=180)
    started = time.perf_counter()
    try:
        connection.request(
            "GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=side.headers(scenario)
        )
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    elapsed = time.perf_counter() - started
    if response.status != 200:
        raise SystemExit(f"{scenario.name} answered {response.status} on scale {side.scale:g}")
    return elapsed


def burst(
    wrk: str, sides: tuple[Side, Side], side: Side, scenario: Scenario, seconds: int, connections: int
) -> dict[str, float]:
    for each in sides:  # neither server still working off the last burst's queue
        run.drain(each.base)
    raw = run.run_wrk(wrk, side.url(scenario), side.headers(scenario), seconds, connections)
    requests = int(raw["requests"])
    errors = sum(int(value) for key, value in raw.items() if key.startswith("errors_"))
    return {
        "requests": requests,
        "seconds": raw["duration_us"] / 1e6,
        "per_request_ms": raw["duration_us"] / 1000 / requests if requests else math.nan,
        "p95_ms": raw["p95_us"] / 1000,
        "errors": errors,
    }


# --- the paired run -------------------------------------------------------------------------


@dataclass
class PageResult:
    name: str
    queries_a: int
    queries_b: int
    bursts: list[dict[str, Any]] = field(default_factory=list)  # one per round: a, b, first
    singles: list[dict[str, float]] = field(default_factory=list)  # one per pair: a, b (seconds)


def phase(
    wrk: str, sides: tuple[Side, Side], pages: list[Scenario], args: argparse.Namespace, extra: dict[str, str]
) -> tuple[list[PageResult], list[float]]:
    rng = random.Random(args.seed)
    loads: list[float] = []
    a, b = sides
    try:
        ports = [run.free_port(), run.free_port()]
        with ThreadPoolExecutor(2) as pool:  # both start at once: a start takes a minute on a busy machine
            servers = list(
                pool.map(
                    lambda pair: run.start_gunicorn({**pair[0].environment, **extra}, pair[1], args.workers),
                    zip(sides, ports, strict=True),
                )
            )
        for side, port, server in zip(sides, ports, servers, strict=True):
            side.base, side.server = f"http://127.0.0.1:{port}", server
        for side in sides:
            for scenario in pages:
                if scenario.auth == "session" and scenario.user not in side.sessions:
                    side.sessions[scenario.user] = run.sign_in(
                        side.base, run.LOGINS[scenario.user], side.context["password"]
                    )
                run.preflight(side.url(scenario), side.headers(scenario))
        run.log("warm-up: every page on both servers")
        lengths: dict[str, int] = {}
        for scenario in pages:
            slowest = 0.0
            for side in sides:
                if args.warmup:
                    run.run_wrk(wrk, side.url(scenario), side.headers(scenario), args.warmup, args.connections)
                run.drain(side.base)
                slowest = max(slowest, one_request(side, scenario))
            # A slow page gets a longer burst (the same on both servers), so that a round counts
            # about ten requests on two cores rather than one or two.
            lengths[scenario.name] = max(args.burst, min(args.max_burst, math.ceil(5 * slowest)))
        run.log("burst seconds: " + ", ".join(f"{name} {seconds}" for name, seconds in lengths.items()))
        results = {s.name: PageResult(s.name, a.queries.get(s.name, -1), b.queries.get(s.name, -1)) for s in pages}
        for number in range(1, args.rounds + 1):
            loads.append(os.getloadavg()[0])
            order = list(pages)
            rng.shuffle(order)
            for scenario in order:
                first = rng.choice("AB")
                measured = {}
                for side in sides if first == "A" else sides[::-1]:
                    measured[side.label] = burst(wrk, sides, side, scenario, lengths[scenario.name], args.connections)
                results[scenario.name].bursts.append({"A": measured["A"], "B": measured["B"], "first": first})
                for side in sides:
                    run.drain(side.base)
                for _ in range(args.pairs):
                    single = {}
                    for side in sides if rng.random() < 0.5 else sides[::-1]:
                        single[side.label] = one_request(side, scenario)
                    results[scenario.name].singles.append(single)
            run.log(f"round {number}/{args.rounds} done (load {os.getloadavg()[0]:.1f})")
        loads.append(os.getloadavg()[0])
        return [results[s.name] for s in pages], loads
    finally:
        for side in sides:
            if side.server is not None:
                run.stop(side.server)
                side.server = None


def summary(page: PageResult) -> dict[str, Any]:
    rounds = [r for r in page.bursts if r["A"]["requests"] and r["B"]["requests"]]
    load = [r["B"]["per_request_ms"] / r["A"]["per_request_ms"] for r in rounds]
    one = [s["B"] / s["A"] for s in page.singles]
    load_median, load_low, load_high, load_cover = median_interval(load)
    one_median, one_low, one_high, one_cover = median_interval(one)
    same_queries = page.queries_a == page.queries_b and page.queries_a >= 0
    control = page.queries_a < 0  # the minimal page (one query by primary key, not counted)
    return {
        "name": page.name,
        "rounds": len(rounds),
        "dropped_rounds": len(page.bursts) - len(rounds),
        "errors": sum(r["A"]["errors"] + r["B"]["errors"] for r in page.bursts),
        "rps_a": statistics.median(r["A"]["requests"] / r["A"]["seconds"] for r in page.bursts),
        "rps_b": statistics.median(r["B"]["requests"] / r["B"]["seconds"] for r in page.bursts),
        "p95_a": statistics.median(r["A"]["p95_ms"] for r in rounds) if rounds else math.nan,
        "p95_b": statistics.median(r["B"]["p95_ms"] for r in rounds) if rounds else math.nan,
        "load_ratio": (load_median, load_low, load_high, load_cover),
        "single_a_ms": statistics.median(s["A"] for s in page.singles) * 1000,
        "single_b_ms": statistics.median(s["B"] for s in page.singles) * 1000,
        "single_ratio": (one_median, one_low, one_high, one_cover),
        "pairs": len(one),
        "queries": (page.queries_a, page.queries_b),
        "load_verdict": "control" if control else verdict(load, load_low, load_high, same_queries),
        "single_verdict": "control" if control else verdict(one, one_low, one_high, same_queries),
    }


def verdict(ratios: list[float], low: float, high: float, same_queries: bool) -> str:
    """Flat: the interval ends at or below 1.2, with the same queries; not flat: it lies wholly
    above 1.2, or the queries differ; undecided: it straddles 1.2."""
    if not same_queries:
        return "**not flat** (queries)"
    if not ratios:
        return "not measured"
    if high <= FLAT:
        return "flat"
    return "**not flat**" if low > FLAT else "undecided"


def table(results: list[PageResult], scales: tuple[float, float]) -> str:
    a, b = (f"{scale:g}" for scale in scales)

    def interval(values: tuple[float, float, float, float]) -> str:
        median, low, high, cover = values
        return "—" if math.isnan(median) else f"**{median:.2f}** [{low:.2f}, {high:.2f}] ({cover:.0%})"

    lines = [
        f"| page | queries {a} / {b} | rounds | req/s {a} / {b} (median) | p95 ms {a} / {b} (median) "
        f"| time {b} / {a} under load: median [interval] | one client p50 ms {a} / {b} "
        f"| one client {b} / {a}: median [interval] | ≤ {FLAT}× under load | ≤ {FLAT}× one client |",
        "|---|---|---:|---|---|---|---|---|---|---|",
    ]
    for page in results:
        row = summary(page)
        queries = "—" if row["queries"][0] < 0 else f"{row['queries'][0]} / {row['queries'][1]}"
        rounds = f"{row['rounds']}" + (
            f" ({row['dropped_rounds']} without a finished request)" if row["dropped_rounds"] else ""
        )
        errors = f"; {row['errors']} errors" if row["errors"] else ""
        lines.append(
            f"| {row['name']} | {queries} | {rounds} | {row['rps_a']:.1f} / {row['rps_b']:.1f} "
            f"| {row['p95_a']:.0f} / {row['p95_b']:.0f} | {interval(row['load_ratio'])} "
            f"| {row['single_a_ms']:.1f} / {row['single_b_ms']:.1f} | {interval(row['single_ratio'])} "
            f"| {row['load_verdict']}{errors} | {row['single_verdict']} |"
        )
    return "\n".join(lines)


def pages_for(cached: bool, only: list[str]) -> list[Scenario]:
    minimal = next(s for s in SCENARIOS if s.baseline == MINIMAL)
    keys = [s for s in SCENARIOS if s.key and s.registry_cache == cached]
    if only:
        keys = [s for s in keys if any(part in s.name for part in only)]
    return [minimal, *keys]


def main() -> int:
    args = parse_args()
    if args.child_context:
        child_context(args.child_context)
        return 0
    if args.child_revoke:
        child_revoke(args.child_revoke)
        return 0
    if args.report:
        text = "\n".join(report_from(Path(path)) for path in args.report)
        print(text)
        if args.write_docs:
            write_docs(text)
        return 0
    if args.rounds < 1 or args.pairs < 1:
        raise SystemExit("--rounds and --pairs must be at least 1")
    wrk = run.ensure_wrk()
    sides = (
        Side("A", args.scale_a, args.database_a, run.django_environment(args.database_a, str(run.STATIC_ROOT))),
        Side("B", args.scale_b, args.database_b, run.django_environment(args.database_b, str(run.STATIC_ROOT))),
    )
    key_pages = [s for s in SCENARIOS if s.key]
    for side in sides:
        run.log(f"scale {side.scale:g}: {urllib.parse.urlsplit(side.database_url).path.lstrip('/')}")
        run.prepare_database(side.environment, side.database_url, side.scale, key_pages, skip_seed=args.skip_seed)
    run.RESULTS.mkdir(parents=True, exist_ok=True)
    outputs = [run.RESULTS / f"pair-context-{side.label}.json" for side in sides]
    run.log("the demo context and the queries of each page, in-process, one child per database")
    with ThreadPoolExecutor(2) as pool:
        pairs = zip(sides, outputs, strict=True)
        list(pool.map(lambda pair: child(pair[0].environment, "--child-context", str(pair[1])), pairs))
    for side, out in zip(sides, outputs, strict=True):
        loaded = json.loads(out.read_text(encoding="utf-8"))
        out.unlink()
        side.context, side.queries = loaded["context"], loaded["queries"]
    started = datetime.datetime.now(datetime.UTC)
    uptime_before = Path("/proc/loadavg").read_text(encoding="utf-8").split()[:3]
    sections: list[str] = []
    raw: dict[str, Any] = {}
    a, b = sides
    try:
        for cached, extra, title in ((True, {}, "warm"), (False, CACHE_OFF, "off")):
            if args.cache not in (title, "both"):
                continue
            run.log(f"paired run, caches {'on' if cached else 'off'}: {args.rounds} rounds")
            results, loads = phase(wrk, sides, pages_for(cached, args.only), args, extra)
            heading = (
                "Caches on (as in production: CACHE_BACKEND=database)"
                if cached
                else "Every cache off (CACHE_BACKEND=dummy, REGISTRY_CACHE_SECONDS=0)"
            )
            sections.append(
                f"{heading}; 1-minute load average at the start of each round: "
                f"{min(loads):.1f}–{max(loads):.1f}.\n\n{table(results, (a.scale, b.scale))}"
            )
            raw[title] = {"heading": sections[-1].split("\n")[0], "pages": [asdict(r) for r in results]}
    finally:
        for side in sides:
            if side.context:
                child(side.environment, "--child-revoke", f"{side.context['token_id']}:{side.context['analyst_id']}")
    finished = datetime.datetime.now(datetime.UTC)
    header = (
        f"Paired run of {started:%Y-%m-%d %H:%M}–{finished:%H:%M} UTC (`bench/scale_pair.py`): scale {a.scale:g} "
        f"({a.context['schools']:,} schools, {a.context['people']:,} people) and scale {b.scale:g} "
        f"({b.context['schools']:,} schools, {b.context['people']:,} people), one gunicorn each ({args.workers} sync "
        f"workers, DEBUG=0) serving at the same time; {args.rounds} rounds, pages shuffled each round; per page "
        f"and round a wrk burst of {args.burst} s (up to {args.max_burst} s for a slow page: 5 × its one-client "
        f"time) with {args.connections} connections on each server (the first "
        f"drawn at random), then {args.pairs} one-client pairs in random order. Region page: "
        f"{a.context['region_name']} (scale {a.scale:g}) and {b.context['region_name']} (scale {b.scale:g}). "
        f"Load average (1, 5, 15 min) at the start: {', '.join(uptime_before)}; at the end: "
        f"{', '.join(Path('/proc/loadavg').read_text(encoding='utf-8').split()[:3])}. Intervals: distribution-free "
        f"for the median, coverage in brackets. *time {b.scale:g} / {a.scale:g} under load* is the round's time per "
        f"request at scale {b.scale:g} over scale {a.scale:g} (requests/s {a.scale:g} over {b.scale:g}); p95: the "
        "median of the rounds' p95s.\n"
    )
    text = header + "\n" + "\n\n".join(sections) + "\n"
    print("\n" + text)
    stamp = finished.strftime("%Y%m%dT%H%M%SZ")
    (run.RESULTS / f"pair-{stamp}.md").write_text(text, encoding="utf-8")
    (run.RESULTS / f"pair-{stamp}.json").write_text(
        json.dumps({"args": vars(args), "scales": [a.scale, b.scale], "header": header, **raw}, indent=2, default=str),
        encoding="utf-8",
    )
    run.log(f"saved bench/results/pair-{stamp}.md and .json")
    if args.write_docs:
        write_docs(text)
    return 0


def report_from(path: Path) -> str:
    """The report of a saved run, from its raw figures (with this script's current tables)."""
    saved = json.loads(path.read_text(encoding="utf-8"))
    scales = (float(saved["scales"][0]), float(saved["scales"][1]))
    header = saved.get("header") or path.with_suffix(".md").read_text(encoding="utf-8").split("\n\n")[0]
    sections = []
    for title in ("warm", "off"):
        if title not in saved:
            continue
        results = [PageResult(**page) for page in saved[title]["pages"]]
        heading = saved[title].get("heading") or (
            f"1-minute load average at the start of each round: {min(saved[title]['loads']):.1f}–"
            f"{max(saved[title]['loads']):.1f} ({'caches on' if title == 'warm' else 'every cache off'})."
        )
        sections.append(f"{heading}\n\n{table(results, scales)}")
    return header.strip() + "\n\n" + "\n\n".join(sections) + "\n"


def write_docs(text: str) -> None:
    docs = run.DOCS.read_text(encoding="utf-8")
    block = f"{BEGIN}\n{text.strip()}\n{END}"
    if BEGIN in docs and END in docs:
        docs = docs[: docs.index(BEGIN)] + block + docs[docs.index(END) + len(END) :]
    else:
        docs = docs.rstrip("\n") + f"\n\n### Paired run: scale 4 against scale 1 at the same time\n\n{block}\n"
    run.DOCS.write_text(docs, encoding="utf-8")
    run.log(f"updated {run.DOCS.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
