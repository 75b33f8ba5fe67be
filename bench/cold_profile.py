"""In-process service time of the analytics pages and the analyst's home page beside the minimal page
(issue 18, cold paths).

Runs in one process against a seeded bench database: Django's test client, signed in as the demo
ministry analyst (as the harness), gets the minimal 50-school page and each page under test
alternately, ``--rounds`` times, and prints per page the median wall and CPU time
(``time.process_time``), the ratio of the minimal page's median to the page's (the share of the
minimal page's throughput the page would reach on one core) and the page's queries. With
``--cache off`` (the default) Django's dummy cache and ``REGISTRY_CACHE_SECONDS=0``, as the
harness's cache-off server (CACHE_BACKEND=dummy); with ``--cache warm`` a local-memory cache, filled
by the warm-up. ``--profile N`` runs cProfile over N requests of each page; ``--explain`` prints
``EXPLAIN ANALYZE`` of every query of one request of each page. No server, no load generator:
service time only, so a shared machine's load weighs on both sides of each ratio.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shamy_bench_NAME \
        .venv/bin/python bench/cold_profile.py --rounds 15 --cache off
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = {
    "minimal": "/bench/schools/",
    "dashboard": "/analytics/",
    "region": "/analytics/regions/{region_id}/",
    "home": "/",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15, help="timed rounds (each page once per round)")
    parser.add_argument("--cache", choices=("off", "warm"), default="off")
    parser.add_argument("--language", default="kk", choices=("kk", "ru", "en"))
    parser.add_argument("--page", action="append", choices=sorted(PAGES), help="pages to time (default: all)")
    parser.add_argument("--profile", type=int, default=0, help="requests of each page to profile (0: none)")
    parser.add_argument("--top", type=int, default=40, help="rows of the profile to print")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE every query of each page once")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shamy.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "cold-profile-" + "x" * 40)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
    os.environ["SHAMY_BENCH"] = "1"
    os.environ.setdefault("SHAMY_DEMO_ALLOWED", "1")
    os.environ.setdefault("CREDENTIALS_DEV_KEYS", "1")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if args.cache == "off":
        os.environ["CACHE_BACKEND"] = "dummy"
        os.environ["REGISTRY_CACHE_SECONDS"] = "0"
    else:
        os.environ["CACHE_BACKEND"] = "locmem"

    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from shamy.accounts.models import User
    from shamy.registry.models import Region

    sys.path.insert(0, str(ROOT / "bench"))
    from bench.run import LOGINS

    region = Region.objects.annotate(schools_count=Count("schools")).order_by("-schools_count", "pk").first()
    if region is None:
        raise SystemExit("no regions: seed the bench database first")
    client = Client(SERVER_NAME="127.0.0.1", HTTP_ACCEPT_ENCODING="gzip")
    client.force_login(User.objects.get(email=LOGINS["analyst"]))
    client.cookies["shamy_language"] = args.language
    names = ["minimal", *[name for name in (args.page or sorted(PAGES)) if name != "minimal"]]
    paths = {name: PAGES[name].format(region_id=region.pk) for name in names}

    def call(name: str) -> Callable[[], None]:
        def get() -> None:
            response = client.get(paths[name], secure=True)
            if response.status_code != 200:
                raise SystemExit(f"{name}: {response.status_code}")

        return get

    calls = {name: call(name) for name in names}
    for _ in range(3):  # warm-up: URL configuration, templates, connections (and the cache, warm)
        for get in calls.values():
            get()
    queries = {}
    for name, get in calls.items():
        with CaptureQueriesContext(connection) as captured:
            get()
        queries[name] = captured.captured_queries

    wall: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(args.rounds):
        for name in names[1:]:
            # The minimal page before every page, so each page has a baseline beside it in time.
            for timed in ("minimal", name):
                started, started_cpu = time.perf_counter(), time.process_time()
                calls[timed]()
                cpu[timed].append((time.process_time() - started_cpu) * 1000)
                wall[timed].append((time.perf_counter() - started) * 1000)
    load = os.getloadavg()
    print(
        f"cache {args.cache}, language {args.language}, {args.rounds} rounds, "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    base_wall = statistics.median(wall["minimal"])
    base_cpu = statistics.median(cpu["minimal"])
    for name in names:
        page_wall, page_cpu = statistics.median(wall[name]), statistics.median(cpu[name])
        print(
            f"{name:9s} wall {page_wall:7.2f} ms  CPU {page_cpu:7.2f} ms  "
            f"ratio wall {base_wall / page_wall:4.2f}  CPU {base_cpu / page_cpu:4.2f}  "
            f"queries {len(queries[name])}"
        )

    if args.explain:
        with connection.cursor() as cursor:
            for name in names[1:]:
                print(f"\n=== {name}: EXPLAIN ANALYZE of its {len(queries[name])} queries")
                for query in queries[name]:
                    sql = query["sql"]
                    if not sql.lstrip().upper().startswith("SELECT"):
                        continue
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF, SUMMARY ON) " + sql)
                    plan = [row[0] for row in cursor.fetchall()]
                    timing = [line for line in plan if line.startswith(("Planning Time", "Execution Time"))]
                    print(f"  {query['time']}s  {' '.join(timing)}  {sql[:150]}")

    if args.profile:
        for name in names[1:]:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.profile):
                calls[name]()
            profiler.disable()
            print(f"\n=== {name}: cProfile of {args.profile} requests")
            stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats("cumulative")
            stats.print_stats(args.top)
            stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
