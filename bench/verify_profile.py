"""In-process timing of ``POST /api/v1/credentials/verify`` beside the trivial view (issue 14).

Runs in one process against a seeded database (the bench's, or any with a demo certificate):
Django's test client posts the first unrevoked certificate's credential (the one `bench/run.py`
loads) and gets the trivial baseline view (signed in as the demo analyst, as the harness does),
alternately, ``--calls`` times each, then prints the medians and their ratio, the queries of one
verification, and optionally a cProfile of ``--profile`` verifications. No server, no load
generator: service time only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shamy_bench_NAME \
        .venv/bin/python bench/verify_profile.py --calls 300 --profile 100
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=300, help="timed calls of each view (alternating)")
    parser.add_argument("--profile", type=int, default=0, help="verifications to profile with cProfile (0: none)")
    parser.add_argument("--top", type=int, default=35, help="rows of the profile to print")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shamy.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "verify-profile-" + "x" * 40)
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
    from shamy.credentials.models import Certificate
    from shamy.registry.demo.loader import DEMO_LOGINS

    certificate = Certificate.objects.filter(revoked_at__isnull=True).order_by("id").first()
    if certificate is None:
        raise SystemExit("no unrevoked certificate in this database (seed_demo_assessment?)")
    body = json.dumps(certificate.credential, ensure_ascii=False).encode()
    client = Client()
    # The harness loads the trivial view signed in (the analyst's session, as every session page):
    # the same here, so that it pays for the session and the user as it does there.
    signed_in = Client()
    email = next(login.email for login in DEMO_LOGINS if login.role == Role.MINISTRY_ANALYST)
    signed_in.force_login(User.objects.get(email=email))

    def verify() -> None:
        response = client.post("/api/v1/credentials/verify", body, content_type="application/json")
        if response.status_code != 200 or response.json()["status"] != "valid":
            raise SystemExit(f"verify did not answer valid: {response.status_code} {response.content[:200]!r}")

    def trivial() -> None:
        response = signed_in.get("/bench/trivial/")
        if response.status_code != 200:
            raise SystemExit(f"trivial view: {response.status_code}")

    for _ in range(20):  # warm-up: URL configuration, contexts, connections
        verify()
        trivial()

    with CaptureQueriesContext(connection) as queries:
        verify()
    print(f"queries in one verification: {len(queries.captured_queries)}")
    for query in queries.captured_queries:
        print("   ", query["sql"][:160])
    with CaptureQueriesContext(connection) as queries:
        trivial()
    print(f"queries in one trivial view: {len(queries.captured_queries)}")

    # Wall clock, and this process's CPU time (time.process_time): on a machine shared with other
    # work the wall clock also counts waiting for a core and for PostgreSQL; the CPU time does not.
    times: dict[str, list[float]] = {"verify": [], "trivial": []}
    cpu: dict[str, list[float]] = {"verify": [], "trivial": []}
    for _ in range(args.calls):
        for name, call in (("verify", verify), ("trivial", trivial)):
            started, started_cpu = time.perf_counter(), time.process_time()
            call()
            cpu[name].append((time.process_time() - started_cpu) * 1000)
            times[name].append((time.perf_counter() - started) * 1000)
    median = {name: statistics.median(values) for name, values in times.items()}
    median_cpu = {name: statistics.median(values) for name, values in cpu.items()}
    for name, values in times.items():
        ordered = sorted(values)
        p95 = ordered[int(len(ordered) * 0.95) - 1]
        print(
            f"{name:8s} median {median[name]:6.2f} ms  p95 {p95:6.2f} ms  "
            f"CPU median {median_cpu[name]:5.2f} ms  ({len(values)} calls)"
        )
    print(
        f"ratio verify / trivial (medians): wall {median['verify'] / median['trivial']:.2f}, "
        f"CPU {median_cpu['verify'] / median_cpu['trivial']:.2f}"
    )

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.profile):
            verify()
        profiler.disable()
        stats = pstats.Stats(profiler).strip_dirs().sort_stats("cumulative")
        stats.print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
