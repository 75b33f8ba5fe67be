"""In-process service time of the harness's pages beside a baseline page (`make bench`'s scenarios).

One process, one seeded bench database, no server and no load generator: Django's test client
loads the baseline (the minimal 50-school page, or the trivial view with ``--baseline trivial``) and
each chosen page alternately, ``--rounds`` times, with the same sign-in, token, headers and body as
``bench/run.py`` gives that scenario (``bench/scenarios.py``), then prints per page the median and
p95 wall time, the median CPU time of this process (``time.process_time``: waiting for a core or for
PostgreSQL does not count), the ratio of the baseline's median to the page's (the share of the
baseline's throughput the page would reach on one core) and the queries of one request.

``--cache off`` (the default) runs as the harness's cache-off server (Django's dummy cache,
``REGISTRY_CACHE_SECONDS=0``); ``--cache warm`` with a local-memory cache filled by the warm-up.
``--explain`` prints PostgreSQL's planning and execution time of every query of each page (best of
three) and ``--profile N`` a cProfile of N requests of each page, timed by CPU.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shamy_bench_NAME \\
        .venv/bin/python bench/page_profile.py --page "analytics" --page "home, analyst" --rounds 15
    ... --cache warm --page "home, teacher"
    ... --baseline trivial --page "credential verify" --rounds 300
    ... --baseline trivial --page "commons search" --public "rare word=/commons/?q=сыни+ойлау"

``--page`` takes a scenario's name or part of it (as ``bench/run.py --only``; the "cache off" twins
are chosen by ``--cache``); without it, the key pages of issue 18. ``--scenario NAME=PATH`` adds a
page loaded as the analyst, ``--public NAME=PATH`` one loaded with no sign-in. The pages link
hashed static files: the manifest `make bench` collects into var/bench/static (``STATIC_ROOT``).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import LOGINS, STATIC_ROOT, demo_context, django_environment, revoke_token  # noqa: E402
from bench.scenarios import MINIMAL, SCENARIOS, TRIVIAL, Scenario  # noqa: E402


def chosen(args: argparse.Namespace) -> list[Scenario]:
    pages = [s for s in SCENARIOS if not s.baseline and s.registry_cache]  # the cache-off twins are --cache
    if args.page:
        pages = [s for s in pages if any(part in s.name for part in args.page)]
    elif not (args.scenario or args.public):
        pages = [s for s in pages if s.key]
    for option, auth in ((args.scenario, "session"), (args.public, "none")):
        for spec in option or []:
            name, _, path = spec.partition("=")
            pages.append(Scenario(name, path, auth=auth))
    if not pages:
        raise SystemExit("no page chosen: see bench/scenarios.py for the names")
    baseline = next(s for s in SCENARIOS if s.baseline == (TRIVIAL if args.baseline == "trivial" else MINIMAL))
    return [baseline, *pages]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""), help="default: $DATABASE_URL")
    parser.add_argument("--page", action="append", help="a scenario's name or part of it (repeatable)")
    parser.add_argument("--scenario", action="append", metavar="NAME=PATH", help="a page loaded as the analyst")
    parser.add_argument("--public", action="append", metavar="NAME=PATH", help="a page loaded with no sign-in")
    parser.add_argument("--baseline", choices=("minimal", "trivial"), default="minimal")
    parser.add_argument("--cache", choices=("off", "warm"), default="off")
    parser.add_argument(
        "--language",
        choices=("kk", "ru", "en"),
        default="kk",
        help="the language cookie (as the harness sends it; a signed-in user's account language wins over it)",
    )
    parser.add_argument("--rounds", type=int, default=30, help="timed rounds (every page once per round)")
    parser.add_argument("--explain", action="store_true", help="planning and execution time of every query")
    parser.add_argument("--profile", type=int, default=0, help="requests of each page under cProfile (0: none)")
    parser.add_argument("--top", type=int, default=30, help="rows of each profile to print")
    args = parser.parse_args()
    if not args.database_url:
        raise SystemExit("give --database-url or DATABASE_URL (a bench database seeded by `make bench`)")
    pages = chosen(args)

    environment = django_environment(args.database_url, os.environ.get("STATIC_ROOT", str(STATIC_ROOT)))
    environment["ALLOWED_HOSTS"] = "127.0.0.1,testserver"
    if args.cache == "off":  # as bench/run.py's cache-off server
        environment |= {"CACHE_BACKEND": "dummy", "REGISTRY_CACHE_SECONDS": "0"}
    else:
        environment["CACHE_BACKEND"] = "locmem"
    context = demo_context(environment)  # also django.setup() with this environment
    try:
        measure(args, pages, context)
    finally:
        revoke_token(context)


def measure(args: argparse.Namespace, pages: list[Scenario], context: dict[str, Any]) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from shamy.accounts.models import User

    clients: dict[str, Client] = {}

    def client_for(scenario: Scenario) -> Client:
        key = scenario.user if scenario.auth == "session" else scenario.auth
        if key not in clients:
            headers = {"Accept-Encoding": "gzip"}
            if scenario.auth == "token":
                headers["Authorization"] = f"Bearer {context['token']}"
            client = Client(headers=headers, SERVER_NAME="127.0.0.1")
            if scenario.auth == "session":
                client.force_login(User.objects.get(email=LOGINS[scenario.user]))
            client.cookies["shamy_language"] = args.language
            clients[key] = client
        return clients[key]

    def loader(scenario: Scenario) -> Any:
        client, path = client_for(scenario), scenario.path.format(**context)
        body = Path(context[scenario.body]).read_bytes() if scenario.body else b""

        def load() -> None:
            if scenario.body:
                response = client.post(path, body, content_type="application/json", secure=True)
            else:
                response = client.get(path, secure=True)
            if response.status_code != 200:
                raise SystemExit(f"{scenario.name} ({path}): {response.status_code}")

        return load

    loads = {scenario.name: loader(scenario) for scenario in pages}
    names = list(loads)
    for _ in range(3):  # warm-up: URL configuration, templates, connections (and the cache, warm)
        for load in loads.values():
            load()

    queries: dict[str, list[dict[str, Any]]] = {}
    for name, load in loads.items():
        with CaptureQueriesContext(connection) as captured:
            load()
        queries[name] = captured.captured_queries

    wall: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    started_load = os.getloadavg()[0]
    for _ in range(args.rounds):
        for name in names[1:]:
            for timed in (names[0], name):  # the baseline right before every page
                started, started_cpu = time.perf_counter(), time.process_time()
                loads[timed]()
                cpu[timed].append((time.process_time() - started_cpu) * 1000)
                wall[timed].append((time.perf_counter() - started) * 1000)
    print(
        f"cache {args.cache}, language {args.language}, {args.rounds} rounds, "
        f"load average {started_load:.2f} -> {os.getloadavg()[0]:.2f}"
    )
    base_wall, base_cpu = statistics.median(wall[names[0]]), statistics.median(cpu[names[0]])
    width = max(len(name) for name in names)
    for name in names:
        page_wall, page_cpu = statistics.median(wall[name]), statistics.median(cpu[name])
        p95 = statistics.quantiles(wall[name], n=20)[-1] if len(wall[name]) >= 2 else page_wall
        print(
            f"{name:{width}s}  wall {page_wall:7.2f} ms (p95 {p95:7.2f})  CPU {page_cpu:7.2f} ms  "
            f"ratio wall {base_wall / page_wall:4.2f}  CPU {base_cpu / page_cpu:4.2f}  queries {len(queries[name])}"
        )

    if args.explain:
        explain(connection, names, queries)
    if args.profile:
        for name in names[1:]:
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            for _ in range(args.profile):
                loads[name]()
            profiler.disable()
            print(f"\n=== {name}: cProfile of {args.profile} requests (CPU time)")
            stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats("cumulative")
            stats.print_stats(args.top)
            stats.sort_stats("tottime").print_stats(args.top)


def explain(connection: Any, names: list[str], queries: dict[str, list[dict[str, Any]]]) -> None:
    """PostgreSQL's planning and execution time of every SELECT of each page, best of three runs
    (the first planning of a statement on a connection also reads the catalogue)."""
    with connection.cursor() as cursor:
        for name in names:
            print(f"\n=== {name}: {len(queries[name])} queries")
            planning_total = execution_total = 0.0
            for query in queries[name]:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    print(f"    (not explained) {sql[:100]}")
                    continue
                runs = []
                for _ in range(3):
                    cursor.execute(f"EXPLAIN (ANALYZE, SUMMARY, FORMAT JSON) {sql}")
                    plan = cursor.fetchone()[0]
                    plan = json.loads(plan) if isinstance(plan, str) else plan
                    runs.append((plan[0]["Planning Time"], plan[0]["Execution Time"]))
                planning, execution = min(runs, key=sum)
                planning_total += planning
                execution_total += execution
                print(f"    plan {planning:6.2f} ms  exec {execution:6.2f} ms  {sql[:150]}")
            print(f"    total: plan {planning_total:.2f} ms, exec {execution_total:.2f} ms")


if __name__ == "__main__":
    main()
