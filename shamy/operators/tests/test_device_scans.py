"""The check-in on the one offline mechanism (issue 13): ``POST /api/v1/operators/check-ins``
applies each scan's key once (``AppliedKey``), a ticket counts once whatever the door, per scan
the event's check-in rule; the older endpoints go through the same keys. And a property
(hypothesis): duplicated and reordered batches from several doors check each ticket in once."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from shamy.accounts.services.users import api_token_create
from shamy.audit.models import AuditEntry
from shamy.offline.models import AppliedKey
from shamy.operators.models import Registration, Scan
from shamy.operators.services.events import DeviceScan, registration_create, scan_record, scans_from_device

pytestmark = pytest.mark.django_db
URL = "/api/v1/operators/check-ins"
COVERED_URL_NAMES = {"api:operator-device-scan-batch"}


def _bearer(user) -> dict[str, str]:
    _token, raw = api_token_create(actor=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _scan(scene, *, key=None, door="north", code=None):
    return {
        "key": str(key or uuid.uuid4()),
        "event": scene.event.pk,
        "code": code or scene.registration.code,
        "door": door,
        "device_time": (timezone.now() - datetime.timedelta(minutes=5)).isoformat(),
    }


def _post(client, body, headers):
    return client.post(URL, json.dumps(body), content_type="application/json", **headers)


def test_a_scan_replayed_counts_once_and_a_second_door_is_told(client, programme_cast, operator_scene):
    c, s = programme_cast, operator_scene
    first = _scan(s, door="north")
    headers = _bearer(c.madina)
    answers = [_post(client, {"scans": [first]}, headers).json()["results"][0] for _ in range(2)]
    assert [a["outcome"] for a in answers] == ["applied", "duplicate"]
    assert answers[1]["first_outcome"] == "applied" and answers[1]["scan_outcome"] == "checked_in"
    second_door = _post(client, {"scans": [_scan(s, door="south")]}, headers).json()["results"][0]
    assert second_door["outcome"] == "conflict" and second_door["scan_outcome"] == "already"
    assert "north" in second_door["detail"]
    registration = Registration.objects.get(pk=s.registration.pk)
    assert registration.checked_in_door == "north"
    assert Scan.objects.filter(registration=registration).count() == 2
    assert AuditEntry.objects.filter(action="operators.registration.checked_in").count() == 1
    assert AppliedKey.objects.filter(user=c.madina, kind="operators.scan").count() == 2


def test_an_unknown_ticket_and_someone_elses_event_are_refused(client, programme_cast, operator_scene):
    c, s = programme_cast, operator_scene
    unknown = _post(client, {"scans": [_scan(s, code="nope")]}, _bearer(c.madina)).json()["results"][0]
    assert unknown["outcome"] == "refused" and unknown["scan_outcome"] == "unknown"
    stranger = _post(client, {"scans": [_scan(s)]}, _bearer(c.talgat)).json()["results"][0]
    assert stranger["outcome"] == "refused" and stranger["detail"]
    assert Registration.objects.get(pk=s.registration.pk).checked_in_at is None


def test_the_door_form_goes_through_the_same_keys(programme_cast, operator_scene):
    c, s = programme_cast, operator_scene
    key = uuid.uuid4()
    result = scan_record(
        actor=c.madina, event=s.event, client_id=key, code=s.registration.code, door="A", scanned_at=timezone.now()
    )
    assert result.outcome == "checked_in"
    assert AppliedKey.objects.filter(user=c.madina, key=key).exists()
    again = scans_from_device(
        actor=c.madina, scans=[DeviceScan(key, s.event.pk, s.registration.code, "A", timezone.now())]
    )
    assert again[0].outcome == "duplicate"
    assert Scan.objects.count() == 1


# --- Property: several doors, duplicated and reordered batches ---------------------------------

DOORS = ("madina", "aliya")  # a volunteer and the coordinator, both at doors
scan = st.tuples(st.integers(0, 2), st.integers(0, 12), st.uuids())  # (ticket, minutes, key)
batch = st.tuples(st.sampled_from(DOORS), st.lists(scan, min_size=1, max_size=4))


@st.composite
def deliveries(draw):
    batches = draw(st.lists(batch, min_size=1, max_size=4))
    again = draw(st.lists(st.integers(min_value=0, max_value=len(batches) - 1), max_size=4))
    order = draw(st.permutations([*range(len(batches)), *again]))
    return batches, order


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(delivery=deliveries())
def test_any_interleaving_checks_each_ticket_in_once(programme_cast, operator_scene, delivery):
    c, s = programme_cast, operator_scene
    batches, order = delivery
    keys = [key for _door, scans in batches for *_rest, key in scans]
    assume(len(set(keys)) == len(keys))
    base = timezone.now() - datetime.timedelta(hours=1)
    with transaction.atomic():
        tickets = [s.registration] + [
            registration_create(
                event=s.event, full_name=f"Person {n}", email=f"p{n}@example.kz", language="kk", school=None, send=False
            )
            for n in (1, 2)
        ]
        for index in order:
            door, scans = batches[index]
            scans_from_device(
                actor=getattr(c, door),
                scans=[
                    DeviceScan(key, s.event.pk, tickets[t].code, door, base + datetime.timedelta(minutes=m))
                    for t, m, key in scans
                ],
            )
        scanned = {tickets[t].pk for _door, scans in batches for t, *_rest in scans}
        checked = set(
            Registration.objects.filter(event=s.event, checked_in_at__isnull=False).values_list("pk", flat=True)
        )
        assert checked == scanned
        assert AuditEntry.objects.filter(action="operators.registration.checked_in").count() == len(scanned)
        assert Scan.objects.filter(event=s.event).count() == len(keys)  # every scan on record once
        assert AppliedKey.objects.filter(kind="operators.scan").count() == len(keys)
        transaction.set_rollback(True)
