"""In-process timing of the commons search page beside the trivial view (issue 17).

Runs in one process against the bench database (``seed_bench_commons``: 100,000 generated items):
Django's test client gets ``/commons/?q=…`` anonymously, as the harness does, and the trivial
baseline view signed in as the demo analyst (as the harness loads it), alternately, ``--calls``
times each per query, then prints for each query the median and p95 wall time and CPU time
(``time.process_time``) beside the trivial view's of the same rounds, their ratio, the queries of
one request, and optionally a cProfile of ``--profile`` requests of the first query. No server, no
load generator: service time only. Every cache is as the bench's (``CACHE_BACKEND`` from the
environment); the search itself caches nothing.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shamy_bench_NAME \\
        .venv/bin/python bench/commons_profile.py --calls 40 --profile 50
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
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The harness's three pages, then the cases the ranking must also keep cheap: a rare word, the
# filters, a deep page, and a word no item has.
QUERIES: list[tuple[str, dict[str, str]]] = [
    ("школы", {"q": "школы"}),
    ("казак", {"q": "казак"}),
    ("action research", {"q": "action research"}),
    ("школы, kk, page 30", {"q": "школы", "language": "kk", "page": "30"}),
    ("rare: сыни ойлау", {"q": "сыни ойлау"}),
    ("school, kind=guide, KZ", {"q": "school", "kind": "guide", "country": "KZ"}),
    ("no match", {"q": "жоқсөз"}),
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share + 0.5) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=40, help="timed calls of each page (alternating)")
    parser.add_argument("--only", action="append", default=[], help="only the queries with this name")
    parser.add_argument("--profile", type=int, default=0, help="requests of the first query to profile (0: none)")
    parser.add_argument("--top", type=int, default=30, help="rows of the profile to print")
    parser.add_argument("--dump", default="", help="also write the profile to this file (pstats)")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shamy.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "commons-profile-" + "x" * 40)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
    os.environ["SHAMY_BENCH"] = "1"
    os.environ.setdefault("CREDENTIALS_DEV_KEYS", "1")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from shamy.access.roles import Role
    from shamy.accounts.models import User
    from shamy.registry.demo.loader import DEMO_LOGINS

    queries = [(name, params) for name, params in QUERIES if not args.only or name in args.only]
    anonymous = Client()
    signed_in = Client()
    email = next(login.email for login in DEMO_LOGINS if login.role == Role.MINISTRY_ANALYST)
    signed_in.force_login(User.objects.get(email=email))

    def page(params: dict[str, str]) -> bytes:
        response = anonymous.get("/commons/?" + urlencode(params), secure=True)
        if response.status_code != 200:
            raise SystemExit(f"commons {params}: {response.status_code}")
        return response.content

    def trivial() -> None:
        response = signed_in.get("/bench/trivial/", secure=True)
        if response.status_code != 200:
            raise SystemExit(f"trivial view: {response.status_code}")

    for _ in range(3):  # warm-up: URL configuration, templates, connections
        trivial()
        for _name, params in queries:
            page(params)

    for name, params in queries:
        with CaptureQueriesContext(connection) as captured:
            body = page(params)
        titles = body.count(b'<li class="card"')
        print(f"{name}: {len(captured.captured_queries)} queries, {titles} items on the page")
        for query in captured.captured_queries:
            print(f"    {query['time']}s  {query['sql'][:150]}")

    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    for name, params in queries:
        wall: dict[str, list[float]] = {"page": [], "trivial": []}
        cpu: dict[str, list[float]] = {"page": [], "trivial": []}
        for _ in range(args.calls):
            for kind in ("page", "trivial"):
                started, started_cpu = time.perf_counter(), time.process_time()
                if kind == "page":
                    page(params)
                else:
                    trivial()
                cpu[kind].append((time.process_time() - started_cpu) * 1000)
                wall[kind].append((time.perf_counter() - started) * 1000)
        page_median, trivial_median = statistics.median(wall["page"]), statistics.median(wall["trivial"])
        print(
            f"{name:26s} page median {page_median:7.2f} ms p95 {percentile(wall['page'], 0.95):7.2f} ms "
            f"CPU {statistics.median(cpu['page']):6.2f} ms | trivial median {trivial_median:5.2f} ms "
            f"CPU {statistics.median(cpu['trivial']):5.2f} ms | ratio wall {page_median / trivial_median:5.2f} "
            f"CPU {statistics.median(cpu['page']) / statistics.median(cpu['trivial']):5.2f} "
            f"| load {os.getloadavg()[0]:.1f}"
        )

    if args.profile:
        params = queries[0][1]
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.profile):
            page(params)
        profiler.disable()
        stats = pstats.Stats(profiler)
        if args.dump:
            stats.dump_stats(args.dump)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
