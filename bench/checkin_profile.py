"""One check-in sync request, profiled in-process (issue 16): its service time and its queries.

The load run (``bench/checkin.py``) measures the check-in through gunicorn on a shared machine;
this script takes the HTTP server and the machine's crowd out of the figure. In one process, on
the bench database (settings as ``bench/run.py`` gives them to the server: DEBUG off, the
database cache), it signs the demo analyst in, prepares the bench event (600 confirmed
registrations, none checked in), then posts the scans exactly as the phone page syncs them, one
scan per request to ``POST /operators/events/<id>/check-in/sync/`` through Django's test client
(every middleware, the session, CSRF, the named rules). It reports the median and p95 service
time of a first check-in and of a re-scan at another door, the trivial view's in the same run,
and lists the SQL of one first check-in; ``--profile`` adds cProfile's top functions.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shamy_bench_NAME \\
        .venv/bin/python bench/checkin_profile.py [--scans 200] [--profile]

Needs ``seed_demo`` (and ``seed_demo_programmes`` for the analyst login) on that database.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import json
import os
import pstats
import secrets
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ANALYST = "analyst@demo.shamy.kz"


def _environment() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shamy.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(48))
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("SHAMY_BENCH", "1")
    os.environ.setdefault("CACHE_BACKEND", "database")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
    os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
    os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
    os.environ.setdefault("LOG_LEVEL", "WARNING")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=200, help="first check-ins to time (at most 600)")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        raise SystemExit("Set DATABASE_URL to the bench database.")
    _environment()
    import django

    django.setup()
    from django.core import signals
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils.crypto import get_random_string

    from bench import checkin
    from shamy.accounts.models import User

    analyst = User.objects.filter(email=ANALYST).first()
    if analyst is None:
        raise SystemExit(f"{ANALYST} is missing: run seed_demo_programmes on this database.")
    prepared = checkin.prepare(analyst.pk)
    client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
    client.force_login(analyst)
    # The phone page's CSRF cookie and header (the page itself needs collected static files).
    token = get_random_string(32)
    client.cookies["csrftoken"] = token
    url = f"/operators/events/{prepared['event_id']}/check-in/sync/"

    cpu: list[float] = []

    def post(code: str, door: str) -> float:
        body = {
            "scans": [
                {
                    "id": str(uuid.uuid4()),
                    "code": code,
                    "door": door,
                    "scanned_at": datetime.datetime.now(datetime.UTC).isoformat(),
                }
            ]
        }
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.post(url, json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=token)
        elapsed = (time.perf_counter() - started) * 1000
        cpu.append((time.process_time() - cpu_started) * 1000)
        assert response.status_code == 200, (response.status_code, response.content[:200])
        return elapsed

    codes = prepared["codes"][: max(2, min(args.scans, checkin.TICKETS))]
    for _ in range(20):  # warm-up: imports, translations, the cache
        client.get("/bench/trivial/")
    # Every statement, transaction control included (a request resets the query log: not here).
    signals.request_started.disconnect(reset_queries)
    with CaptureQueriesContext(connection) as captured:
        first_ms = post(codes[0], "north")
    first_queries = [query["sql"] for query in captured.captured_queries]
    with CaptureQueriesContext(connection) as captured:
        post(codes[0], "south")
    rescan_queries = [query["sql"] for query in captured.captured_queries]
    signals.request_started.connect(reset_queries)
    profiler = cProfile.Profile()
    cpu.clear()
    if args.profile:
        profiler.enable()
    first = [post(code, checkin.DOORS[n % 3]) for n, code in enumerate(codes[1:])]
    profiler.disable()
    first_cpu = list(cpu)
    rescans = [post(code, checkin.DOORS[(n + 1) % 3]) for n, code in enumerate(codes[1::10])]
    trivial = []
    for _ in range(len(first)):
        started = time.perf_counter()
        client.get("/bench/trivial/")
        trivial.append((time.perf_counter() - started) * 1000)
    stored = checkin.checked_in(prepared["event_id"])
    checkin.reset(prepared["event_id"])

    def line(name: str, values: list[float]) -> str:
        return (
            f"| {name} | {len(values)} | {statistics.median(values):.1f} | {_percentile(values, 0.95):.1f} | "
            f"{statistics.median(values) / statistics.median(trivial):.1f}× |"
        )

    print("| request (in-process) | requests | median ms | p95 ms | median vs trivial |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(line("trivial view", trivial))
    print(line("check-in sync, first scan", first))
    print(line("check-in sync, re-scan at another door", rescans))
    print()
    print(f"Python (process) time of a first check-in: median {statistics.median(first_cpu):.1f} ms.")
    print(
        f"Statements of one first check-in: {len(first_queries)} ({first_ms:.1f} ms); "
        f"of a re-scan at another door: {len(rescan_queries)}."
    )
    print(f"Checked in afterwards: {stored[0]} registrations, {stored[1]} scans (then cleared).")
    for number, sql in enumerate(first_queries, 1):
        print(f"{number:2}. {sql[:150]}")
    if args.profile:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)
        print(out.getvalue())


if __name__ == "__main__":
    main()
