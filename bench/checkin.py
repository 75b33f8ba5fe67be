"""Check-in throughput at the summit's doors (issue 16), run by `make bench` on its own server.

Target: 600 check-ins within 10 minutes with p95 under 100 ms, measured against the trivial
baseline in the same run. Set-up (inside Django, the bench database): a bench event with 600
confirmed registrations, the demo analyst as its check-in volunteer, every previous bench check-in
cleared. Load: three doors (threads) post the scans the way the phone page syncs them, one scan
per request to ``/operators/events/<id>/check-in/sync/``, plus one re-scan of every tenth ticket
at another door ("already checked in"); then the same number of requests to the trivial view with
the same three clients. Afterwards the database must hold exactly 600 checked-in registrations.
"""

from __future__ import annotations

import datetime
import json
import statistics
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any

TICKETS = 600
DOORS = ("north", "south", "east")
SLUG = "bench-summit"


@dataclass
class CheckinResult:
    name: str
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def prepare(analyst_id: int) -> dict[str, Any]:
    """The bench event with 600 confirmed registrations, none checked in (idempotent)."""
    from django.db import transaction
    from django.utils import timezone

    from shamy.accounts.models import User
    from shamy.operators.models import Event, Registration, Scan
    from shamy.programmes.models import Programme
    from shamy.registry.models import Region

    with transaction.atomic():
        programme, _created = Programme.objects.get_or_create(
            name_en="Bench operator programme",
            defaults={
                "name_kk": "Bench",
                "name_ru": "Bench",
                "starts_on": datetime.date(2020, 1, 1),
                "ends_on": datetime.date(2040, 1, 1),
                "is_demo": True,
            },
        )
        starts = timezone.now() + datetime.timedelta(days=1)
        region = Region.objects.order_by("kato").first()
        if region is None:
            raise SystemExit("no regions in the bench database: seed_demo did not run")
        event, _created = Event.objects.get_or_create(
            slug=SLUG,
            defaults={
                "programme": programme,
                "title": {"en": "Bench summit"},
                "region": region,
                "place": "bench",
                "starts_at": starts,
                "ends_at": starts + datetime.timedelta(hours=8),
                "capacity": TICKETS,
                "is_demo": True,
            },
        )
        event.volunteers.add(User.objects.get(pk=analyst_id))
        Scan.objects.filter(event=event).delete()
        existing = Registration.objects.filter(event=event).count()
        Registration.objects.bulk_create(
            [
                Registration(
                    event=event,
                    full_name=f"Bench {n}",
                    email=f"bench{n}@example.kz",
                    side="state",
                    status="confirmed",
                    code=f"bench-{n:04d}",
                    created_at=timezone.now(),
                    is_demo=True,
                )
                for n in range(existing, TICKETS)
            ]
        )
        Registration.objects.filter(event=event).update(checked_in_at=None, checked_in_door="")
    codes = list(Registration.objects.filter(event=event).order_by("code").values_list("code", flat=True))
    return {"event_id": event.pk, "codes": codes}


def checked_in(event_id: int) -> tuple[int, int]:
    from shamy.operators.models import Registration, Scan

    return (
        Registration.objects.filter(event_id=event_id, checked_in_at__isnull=False).count(),
        Scan.objects.filter(event_id=event_id).count(),
    )


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else 0.0


def _load(name: str, requests: list[urllib.request.Request], per_second: float = 0.0) -> CheckinResult:
    """Send the requests from len(DOORS) clients at once; latency per request. With ``per_second``
    the requests start on a fixed schedule (doors scanning at that overall rate) instead of as fast
    as the server answers, so the latency is the service's, not a queue the load made itself."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    shares = [requests[i :: len(DOORS)] for i in range(len(DOORS))]

    def client(offset: int, share: list[urllib.request.Request]) -> None:
        nonlocal errors
        for index, request in enumerate(share):
            if per_second:
                due = begin + (index * len(DOORS) + offset) / per_second
                time.sleep(max(0.0, due - time.perf_counter()))
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
                    response.read()
                    ok = response.status == 200
            except OSError:
                ok = False
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                errors += 0 if ok else 1

    threads = [threading.Thread(target=client, args=(offset, share)) for offset, share in enumerate(shares)]
    begin = started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return CheckinResult(
        name=name,
        requests=len(latencies),
        seconds=seconds,
        p50_ms=statistics.median(latencies) if latencies else 0.0,
        p95_ms=_percentile(latencies, 0.95),
        p99_ms=_percentile(latencies, 0.99),
        errors=errors,
    )


def measure(base: str, session: str, prepared: dict[str, Any]) -> list[CheckinResult]:
    """Warm up, then the check-ins and the trivial baseline with the same clients."""
    opener = urllib.request.build_opener()
    opener.addheaders = [("Cookie", f"sessionid={session}")]
    page = opener.open(f"{base}/operators/events/{prepared['event_id']}/check-in/", timeout=30)  # noqa: S310
    cookie = page.headers.get_all("Set-Cookie") or []
    page.read()
    csrf = next(
        part.split("=", 1)[1] for header in cookie for part in header.split(";") if part.startswith("csrftoken=")
    )
    headers = {
        "Cookie": f"sessionid={session}; csrftoken={csrf}",
        "X-CSRFToken": csrf,
        "Content-Type": "application/json",
        "Referer": f"{base}/",
    }
    url = f"{base}/operators/events/{prepared['event_id']}/check-in/sync/"

    def scan(code: str, door: str) -> urllib.request.Request:
        body = {"scans": [{"id": str(uuid.uuid4()), "code": code, "door": door, "scanned_at": _now()}]}
        return urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")  # noqa: S310

    codes = prepared["codes"]
    scans = [scan(code, DOORS[n % len(DOORS)]) for n, code in enumerate(codes)]
    # Every tenth ticket is scanned again at another door: told "already checked in", counted once.
    scans += [scan(code, DOORS[(n + 1) % len(DOORS)]) for n, code in enumerate(codes) if n % 10 == 0]
    trivial = [
        urllib.request.Request(f"{base}/bench/trivial/", headers={"Cookie": f"sessionid={session}"})  # noqa: S310
        for _ in scans
    ]
    _load("warm-up", trivial[:30])
    results = [
        _load("trivial view (baseline)", trivial),
        _load("check-in sync, as fast as answered", scans),
    ]
    # The same 600 tickets again, at 20 scans a second from three doors (600 in 30 s, twenty times
    # the target's pace): the first scans were cleared, so each is a first check-in again.
    reset(prepared["event_id"])
    paced = [scan(code, DOORS[n % len(DOORS)]) for n, code in enumerate(codes)]
    results.append(_load("trivial view, 20 requests/s (baseline)", trivial[: len(paced)], per_second=20))
    results.append(_load("check-in sync, 20 scans/s", paced, per_second=20))
    return results


def reset(event_id: int) -> None:
    from shamy.operators.models import Registration, Scan

    Scan.objects.filter(event_id=event_id).delete()
    Registration.objects.filter(event_id=event_id).update(checked_in_at=None, checked_in_door="")


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat()


def table(results: list[CheckinResult], stored: tuple[int, int]) -> str:
    lines = [
        "| scenario | requests | wall clock | requests/s | p50 ms | p95 ms | p99 ms | errors | vs trivial p95 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for index, result in enumerate(results):
        baseline = results[index - index % 2]  # each check-in run beside the baseline run before it
        ratio = result.p95_ms / baseline.p95_ms if baseline.p95_ms else 0.0
        lines.append(
            f"| {result.name} | {result.requests} | {result.seconds:.1f} s | {result.rps:.0f} | {result.p50_ms:.1f} | "
            f"{result.p95_ms:.1f} | {result.p99_ms:.1f} | {result.errors} | {ratio:.1f}× |"
        )
    lines.append("")
    for checkins in (results[1], results[3]):
        verdict = "met" if checkins.errors == 0 and checkins.p95_ms < 100 and checkins.seconds < 600 else "NOT met"
        lines.append(f"- {checkins.name}: target (600 check-ins within 10 minutes, p95 under 100 ms) **{verdict}**.")
    lines.append(
        f"- After the last run the database held {stored[0]} checked-in registrations of {TICKETS} "
        f"(each ticket once) and {stored[1]} scans."
    )
    return "\n".join(lines)
