"""In-process timing of the registry's key pages with every cache off, beside the minimal page (issue 18).

Runs in one process against a seeded bench database, as `make bench`'s cache-off server does
(``CACHE_BACKEND=dummy``, ``REGISTRY_CACHE_SECONDS=0``): Django's test client, signed in as the demo
analyst with the Kazakh language cookie and ``Accept-Encoding: gzip`` (the harness's headers), gets
the minimal 50-school page and each page in turn, ``--calls`` rounds, then prints the medians (wall
clock and this process's CPU time), each page's ratio to the minimal page (minimal time / page
time: the share of the minimal page's throughput a page would reach on one core), the queries of
one request, and optionally the queries' ``EXPLAIN (ANALYZE, BUFFERS, SUMMARY)`` and a cProfile of
``--profile`` requests of each page. No server, no load generator: service time only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shamy_bench_NAME \
        .venv/bin/python bench/registry_profile.py --calls 60 [--explain] [--profile 20]

(It needs the static files' manifest that `make bench` collects into var/bench/static.)
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = {
    "minimal page": "/bench/schools/",
    "school list": "/registry/schools/",
    "region page": "/registry/regions/{region_id}/",
    "API school list": "/api/v1/schools",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=60, help="timed rounds (each page once per round)")
    parser.add_argument("--page", action="append", default=[], help="only these pages (besides the minimal one)")
    parser.add_argument("--language", default="kk", help="the language cookie (kk, ru, en)")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each query of one request")
    parser.add_argument("--profile", type=int, default=0, help="requests of each page to profile (0: none)")
    parser.add_argument("--top", type=int, default=30, help="rows of each profile to print")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shamy.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "registry-profile-" + "x" * 40)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
    os.environ["SHAMY_BENCH"] = "1"
    os.environ.setdefault("SHAMY_DEMO_ALLOWED", "1")
    os.environ.setdefault("CREDENTIALS_DEV_KEYS", "1")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # The pages link hashed static files: the manifest `make bench` collects (STATIC_ROOT to use another).
    os.environ.setdefault("STATIC_ROOT", str(ROOT / "var" / "bench" / "static"))
    # As the harness's cache-off server: Django's dummy cache, the registry's cache disabled.
    os.environ["CACHE_BACKEND"] = "dummy"
    os.environ["REGISTRY_CACHE_SECONDS"] = "0"

    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from shamy.access.roles import Role
    from shamy.accounts.models import User
    from shamy.accounts.services.users import api_token_create, api_token_revoke
    from shamy.registry.demo.loader import DEMO_LOGINS
    from shamy.registry.models import Region

    email = next(login.email for login in DEMO_LOGINS if login.role == Role.MINISTRY_ANALYST)
    analyst = User.objects.get(email=email)
    # The region with the most schools, as bench/run.py chooses it.
    region = Region.objects.annotate(schools_count=Count("schools")).order_by("-schools_count", "pk").first()
    assert region is not None, "no regions: seed the bench database first"
    token, raw_token = api_token_create(actor=analyst, name="bench/registry_profile.py")
    session = Client(SERVER_NAME="127.0.0.1", HTTP_ACCEPT_ENCODING="gzip")
    session.force_login(analyst)
    session.cookies["shamy_language"] = args.language
    api = Client(SERVER_NAME="127.0.0.1", HTTP_ACCEPT_ENCODING="gzip", HTTP_AUTHORIZATION=f"Bearer {raw_token}")

    pages = {name: path.format(region_id=region.pk) for name, path in PAGES.items()}
    if args.page:
        pages = {name: path for name, path in pages.items() if name == "minimal page" or name in args.page}

    def get(name: str) -> Any:
        client = api if name.startswith("API") else session
        response = client.get(pages[name], secure=True)
        if response.status_code != 200:
            raise SystemExit(f"{pages[name]} answered {response.status_code}")
        return response

    try:
        for _ in range(5):  # warm-up: URL configuration, templates, connections
            for name in pages:
                get(name)
        for name in pages:
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as captured:
                get(name)
            print(f"{name} ({pages[name]}): {len(captured.captured_queries)} queries")
            for query in captured.captured_queries:
                print(f"    {query['time']}s  {query['sql'][:150]}")
            if args.explain:
                explain(connection, captured.captured_queries)

        times: dict[str, list[float]] = {name: [] for name in pages}
        cpu: dict[str, list[float]] = {name: [] for name in pages}
        for _ in range(args.calls):
            for name in pages:
                started, started_cpu = time.perf_counter(), time.process_time()
                get(name)
                cpu[name].append((time.process_time() - started_cpu) * 1000)
                times[name].append((time.perf_counter() - started) * 1000)
        median = {name: statistics.median(values) for name, values in times.items()}
        median_cpu = {name: statistics.median(values) for name, values in cpu.items()}
        print(f"load average {os.getloadavg()[0]:.2f}, {args.calls} rounds, language {args.language}")
        for name in pages:
            print(
                f"{name:16s} wall median {median[name]:6.2f} ms  CPU median {median_cpu[name]:6.2f} ms  "
                f"ratio (minimal / page): wall {median['minimal page'] / median[name]:.2f}, "
                f"CPU {median_cpu['minimal page'] / median_cpu[name]:.2f}"
            )

        if args.profile:
            for name in pages:
                profiler = cProfile.Profile()
                profiler.enable()
                for _ in range(args.profile):
                    get(name)
                profiler.disable()
                print(f"\n===== {name}: {args.profile} requests =====")
                stats = pstats.Stats(profiler).strip_dirs().sort_stats("cumulative")
                stats.print_stats(args.top)
                stats.sort_stats("tottime").print_stats(args.top)
    finally:
        api_token_revoke(actor=analyst, token=token)


def explain(connection: Any, queries: list[dict[str, Any]]) -> None:
    """Planning and execution time of each captured query (PostgreSQL), as the server reports them."""
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, SUMMARY) {sql}")
            lines = [row[0] for row in cursor.fetchall()]
            summary = [line for line in lines if line.startswith(("Planning Time", "Execution Time"))]
            print(f"      {' / '.join(summary)}  <- {sql[:90]}")
            for line in lines[:12]:
                print(f"          {line}")


if __name__ == "__main__":
    main()
