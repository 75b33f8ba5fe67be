"""Replay 500 queued attendance marks over a 2G link (issue 13): time to drain and bytes sent.

Target: under 30 s and under 100 KB. Set-up: a fresh SQLite database in a temporary folder
(migrated, the test cast, one gathering led by timur with 500 expected people), ``runserver`` on
it, Debian's Chromium through Playwright. The phone page is opened online (service worker
installed; Background Sync hidden, so that the page sends and all traffic is throttled and counted),
then, offline, 500 marks are put in the device queue exactly as taps put them
(``ShamyOffline.add``); Chromium's DevTools network emulation then throttles the link to 2G
(300 ms latency, 250 kbit/s down, 50 kbit/s up) and the connection comes back. The clock runs from
the ``online`` event to the queue being empty; the bytes are counted by DevTools (request headers
and bodies sent, responses received). Afterwards the database must hold each mark exactly once.

    .venv/bin/python bench/offline_replay.py [--marks 500]
"""

from __future__ import annotations

import argparse
import datetime
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
TWO_G = {"offline": False, "latency": 300, "downloadThroughput": 250_000 / 8, "uploadThroughput": 50_000 / 8}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare(marks: int) -> tuple[int, int, str, str, int]:
    """Migrate, build the cast and a gathering expecting ``marks`` people. Returns
    (gathering id, first person id…) as plain values for the browser side."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from shamy.attendance.models import Attendance, GatheringKind
    from shamy.attendance.services.gatherings import gathering_create
    from shamy.core.testing.cast import PASSWORD, build_cast
    from shamy.programmes.testing import build_programme_cast
    from shamy.registry.models import Person

    cast = build_programme_cast(build_cast())
    start = timezone.now() + datetime.timedelta(hours=1)
    gathering = gathering_create(
        actor=cast.timur,
        programme=cast.programme,
        cohort=cast.cohort_a,
        kind=GatheringKind.IN_SCHOOL,
        title="Bench",
        school=cast.school_a1,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        leads=[cast.timur],
    )
    existing = gathering.attendances.count()
    people = Person.objects.bulk_create(
        Person(surname=f"Бенч{n:04d}", given_name="Оқушы") for n in range(marks - existing)
    )
    Attendance.objects.bulk_create(
        Attendance(gathering=gathering, person=person, school=cast.school_a1) for person in people
    )
    return gathering.pk, cast.timur.pk, cast.timur.email, PASSWORD, marks


def browse(base: str, gathering_id: int, user_id: int, email: str, password: str) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
        context = browser.new_context(base_url=base, locale="kk-KZ")
        # As a browser without Background Sync (Firefox, Safari): the page alone sends the queue, so
        # every byte goes through the page's throttled, counted network (the worker's would not).
        context.add_init_script("delete ServiceWorkerRegistration.prototype.sync;")
        page = context.new_page()
        page.set_default_timeout(120_000)
        page.goto("/accounts/login/")
        page.locator("input[name=username]").fill(email)
        page.locator("input[name=password]").fill(password)
        page.locator("main form button[type=submit]").click()
        page.locator(".nav-user").wait_for()
        page.goto(f"/attendance/gatherings/{gathering_id}/attendance/")
        page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
        people = page.eval_on_selector_all("li.attendance-row", "rows => rows.map(row => Number(row.dataset.person))")

        context.set_offline(True)
        page.evaluate(
            """([gathering, people]) => Promise.all(people.map(person => ShamyOffline.add({
                kind: "attendance.mark", url: "/api/v1/attendance/marks", field: "marks",
                group: "gathering:" + gathering, label: "bench",
                payload: {gathering: gathering, person: person, status: "present",
                          device_time: new Date().toISOString()}})))""",
            [gathering_id, people],
        )
        queued = page.evaluate("ShamyOffline.list().then(items => items.length)")

        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        sent = {"bytes": 0, "requests": 0}
        received = {"bytes": 0}
        api_requests: set[str] = set()

        def will_send(event: dict) -> None:
            request = event["request"]
            if "/api/v1/attendance/marks" in request["url"]:
                api_requests.add(event["requestId"])
                sent["requests"] += 1
                headers = sum(len(k) + len(str(v)) + 4 for k, v in request.get("headers", {}).items())
                body = len(request.get("postData", "").encode())
                sent["bytes"] += len(request["method"]) + len(request["url"]) + headers + body + 12

        def finished(event: dict) -> None:
            if event["requestId"] in api_requests:
                received["bytes"] += int(event["encodedDataLength"])

        cdp.on("Network.requestWillBeSent", will_send)
        cdp.on("Network.loadingFinished", finished)
        cdp.send("Network.emulateNetworkConditions", TWO_G)
        started = time.perf_counter()
        context.set_offline(False)
        cdp.send("Network.emulateNetworkConditions", TWO_G)  # set_offline resets the emulation
        left = queued
        while left and time.perf_counter() - started < 300:
            page.wait_for_timeout(100)
            left = page.evaluate("ShamyOffline.list().then(items => items.length)")
        seconds = time.perf_counter() - started
        browser.close()
    return {
        "queued": queued,
        "seconds": seconds,
        "requests": sent["requests"],
        "sent": sent["bytes"],
        "received": received["bytes"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--marks", type=int, default=500)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="shamy-offline-bench-"))
    env = {**os.environ, "SQLITE_PATH": str(folder / "bench.sqlite3"), "DJANGO_SETTINGS_MODULE": "shamy.settings"}
    env.pop("DATABASE_URL", None)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    gathering_id, user_id, email, password, marks = prepare(args.marks)
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env={**env, "DEBUG": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _attempt in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        result = browse(f"http://127.0.0.1:{port}", gathering_id, user_id, email, password)
    finally:
        server.terminate()
        server.wait(timeout=10)

    from shamy.attendance.models import Attendance
    from shamy.offline.models import AppliedKey

    marked = Attendance.objects.filter(gathering_id=gathering_id, status="present").count()
    keys = AppliedKey.objects.filter(user_id=user_id).count()
    print(f"marks queued: {result['queued']} (of {marks} expected people)")
    print(f"drained in {result['seconds']:.1f} s over emulated 2G, {result['requests']} requests")
    print(f"bytes sent: {result['sent']:,} ({result['sent'] / 1024:.1f} KB); received: {result['received']:,}")
    print(f"on the server: {marked} marked present, {keys} keys applied")
    ok = result["seconds"] < 30 and result["sent"] < 100 * 1024 and marked == marks and keys == marks
    print("target (under 30 s and 100 KB, each mark once):", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
