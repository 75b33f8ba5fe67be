"""In-process timing of the programme roles' home pages beside the minimal page (issue 18, cold paths).

Runs in one process against a seeded bench database: Django's test client gets the minimal
50-school page (``/bench/schools/``, signed in as the demo analyst, as the harness loads it) and
each home page (``/`` signed in as the harness's demo login for that role, ``bench.run.LOGINS``)
alternately, ``--rounds`` times, then prints the medians (wall clock and this process's CPU time)
and each page's ratio to the minimal page (the minimal page's time over the page's: the harness's
throughput ratio, for one client). ``--cache off`` (the default) runs as the harness's cache-off
server (``CACHE_BACKEND=dummy``, ``REGISTRY_CACHE_SECONDS=0``); ``--cache warm`` with a local
memory cache. ``--explain`` prints each query of each page with PostgreSQL's planning and
execution times (``EXPLAIN (ANALYZE, SUMMARY)``); ``--profile N`` a cProfile of N requests of
each page (timed by CPU time). No server, no load generator: service time only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shamy_bench_NAME \
        .venv/bin/python bench/home_profile.py --rounds 40 --explain
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = {"minimal": ("analyst", "/bench/schools/")} | {
    f"home, {role}": (role, "/") for role in ("teacher", "facilitator", "coordinator", "analyst", "admin")
}
DEFAULT_PAGES = ["home, teacher", "home, facilitator", "home, coordinator"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=30, help="timed rounds (each page once per round, alternating)")
    parser.add_argument("--cache", choices=("off", "warm"), default="off")
    parser.add_argument("--page", action="append", choices=sorted(set(PAGES) - {"minimal"}), help="default: 3 roles")
    parser.add_argument("--explain", action="store_true", help="planning and execution time of every query")
    parser.add_argument("--profile", type=int, default=0, help="requests of each page under cProfile (0: none)")
    parser.add_argument("--top", type=int, default=30, help="rows of each profile to print")
    args = parser.parse_args()
    pages = ["minimal", *(args.page or DEFAULT_PAGES)]

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shamy.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "home-profile-" + "x" * 40)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
    os.environ["SHAMY_BENCH"] = "1"
    os.environ.setdefault("SHAMY_DEMO_ALLOWED", "1")
    os.environ.setdefault("CREDENTIALS_DEV_KEYS", "1")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if args.cache == "off":  # as bench/run.py's cache-off server
        os.environ["CACHE_BACKEND"] = "dummy"
        os.environ["REGISTRY_CACHE_SECONDS"] = "0"
    else:
        os.environ["CACHE_BACKEND"] = "locmem"

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.run import LOGINS
    from shamy.accounts.models import User

    clients: dict[str, Client] = {}
    for page in pages:
        role, _ = PAGES[page]
        if role not in clients:
            clients[role] = Client()
            clients[role].force_login(User.objects.get(email=LOGINS[role]))

    def get(page: str) -> None:
        role, path = PAGES[page]
        response = clients[role].get(path)
        if response.status_code != 200:
            raise SystemExit(f"{page}: {response.status_code}")

    for _ in range(10):  # warm-up: URL configuration, templates, connections
        for page in pages:
            get(page)

    print(f"cache {args.cache}; load average {os.getloadavg()[0]:.1f}")
    for page in pages:
        with CaptureQueriesContext(connection) as queries:
            get(page)
        print(f"{page}: {len(queries.captured_queries)} queries")
        if not args.explain:
            continue
        planning_total = execution_total = 0.0
        for query in queries.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                print(f"    (not explained) {sql[:100]}")
                continue
            with connection.cursor() as cursor:
                # best of three: the first planning of a statement also reads the catalogue
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

    # Wall clock, and this process's CPU time (time.process_time): on a shared machine the wall
    # clock also counts waiting for a core and for PostgreSQL; the CPU time does not.
    wall: dict[str, list[float]] = {page: [] for page in pages}
    cpu: dict[str, list[float]] = {page: [] for page in pages}
    loads = [os.getloadavg()[0]]
    for _ in range(args.rounds):
        for page in pages:
            started, started_cpu = time.perf_counter(), time.process_time()
            get(page)
            cpu[page].append((time.process_time() - started_cpu) * 1000)
            wall[page].append((time.perf_counter() - started) * 1000)
    loads.append(os.getloadavg()[0])
    base_wall = statistics.median(wall["minimal"])
    base_cpu = statistics.median(cpu["minimal"])
    print(f"{args.rounds} rounds, load average {min(loads):.1f}-{max(loads):.1f}")
    for page in pages:
        median_wall, median_cpu = statistics.median(wall[page]), statistics.median(cpu[page])
        print(
            f"{page:20s} wall {median_wall:6.2f} ms  CPU {median_cpu:6.2f} ms  "
            f"ratio wall {base_wall / median_wall:.2f}  CPU {base_cpu / median_cpu:.2f}"
        )

    if args.profile:
        for page in pages[1:]:
            # Timed by this process's CPU time: waiting for PostgreSQL or for a core is not counted
            # (the queries' own cost is what --explain prints).
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            for _ in range(args.profile):
                get(page)
            profiler.disable()
            print(f"--- {page}: {args.profile} requests")
            stats = pstats.Stats(profiler).strip_dirs().sort_stats("cumulative")
            stats.print_stats(args.top)
            stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
