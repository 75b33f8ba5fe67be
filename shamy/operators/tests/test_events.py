"""The summit: quota, waiting list (also under concurrent cancellations on PostgreSQL), and
check-in scans that count once however often and from however many doors they arrive."""

from __future__ import annotations

import datetime
import threading
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from shamy.core.testing.factories import SchoolFactory
from shamy.operators.models import Event, Registration, RegistrationStatus, Scan, ScanOutcome, SchoolSide
from shamy.operators.services.events import (
    Places,
    registration_cancel,
    registration_create,
    scan_record,
    scans_record_batch,
)
from shamy.registry.models import Ownership


def make_event(c, *, capacity=5, quota=2) -> Event:
    starts = timezone.now() + datetime.timedelta(days=30)
    event = Event.objects.create(
        programme=c.programme,
        slug=f"summit-{uuid.uuid4().hex[:8]}",
        title={"kk": "Мұғалімдер саммиті", "ru": "Саммит учителей", "en": "Teacher Summit"},
        region=c.region_b,
        place="Атырау",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=8),
        capacity=capacity,
        state_quota=quota,
    )
    return event


def register(event, n, school=None, **kwargs):
    return registration_create(
        event=event, full_name=f"Person {n}", email=f"p{n}@example.kz", language="ru", school=school, **kwargs
    )


@pytest.mark.django_db
def test_the_quota_keeps_places_for_state_schools_and_the_rest_wait(
    programme_cast, operator_scene, mailoutbox, django_capture_on_commit_callbacks
):
    c = programme_cast
    event = make_event(c, capacity=5, quota=2)
    state = SchoolFactory(region=c.region_b, ownership=Ownership.STATE)
    # A1 runs under the operator agreement: its teachers are the operator's side.
    operator_side = [register(event, n, school=c.school_a1) for n in range(4)]
    assert [r.side for r in operator_side] == [SchoolSide.OPERATOR] * 4
    assert [r.status for r in operator_side] == ["confirmed"] * 3 + ["waiting"]
    state_side = [register(event, 10 + n, school=state) for n in range(3)]
    assert [r.status for r in state_side] == ["confirmed", "confirmed", "waiting"]
    with pytest.raises(ValidationError):
        register(event, 10, school=state)  # the same e-mail again
    # A state teacher cancels: the state waiting person moves up (the operator one still does not fit).
    with django_capture_on_commit_callbacks(execute=True):
        promoted = registration_cancel(registration=state_side[0])
    assert promoted == [state_side[2]]
    # The person moved up is told, in their own language, with the ticket's link.
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [state_side[2].email]
    assert state_side[2].code in mailoutbox[0].body and "Саммит учителей" in mailoutbox[0].subject
    (name, content, mime) = mailoutbox[0].attachments[0]
    assert mime == "application/pdf" and content.startswith(b"%PDF") and name.endswith(".pdf")
    # An operator teacher cancels: the operator waiting person moves up.
    assert registration_cancel(registration=operator_side[0]) == [operator_side[3]]
    assert Registration.objects.filter(event=event, status="confirmed").count() == 5


@settings(max_examples=60, deadline=None)
@given(
    capacity=st.integers(1, 6),
    quota=st.integers(0, 6),
    actions=st.lists(st.tuples(st.sampled_from(["state", "operator", "cancel"]), st.integers(0, 30)), max_size=25),
)
def test_places_never_break_capacity_or_quota(capacity, quota, actions):
    """The rule alone, over any sequence: confirmed ≤ capacity, non-state confirmed ≤ capacity − quota."""
    quota = min(quota, capacity)
    event = Event(capacity=capacity, state_quota=quota)
    confirmed: list[str] = []
    for kind, index in actions:
        if kind == "cancel":
            if confirmed:
                confirmed.pop(index % len(confirmed))
            continue
        side = SchoolSide.STATE if kind == "state" else SchoolSide.OPERATOR
        current = Places(len(confirmed), sum(1 for x in confirmed if x == SchoolSide.STATE))
        if current.fits(event, side):
            confirmed.append(side)
        assert len(confirmed) <= capacity
        assert sum(1 for x in confirmed if x != SchoolSide.STATE) <= capacity - quota


@pytest.mark.django_db
def test_a_ticket_scanned_at_two_doors_counts_once_and_a_resent_scan_is_stored_once(programme_cast, operator_scene):
    c = programme_cast
    event = make_event(c)
    event.volunteers.add(c.nurlan)
    registration = register(event, 1, send=False)
    first_id, second_id = uuid.uuid4(), uuid.uuid4()
    at = timezone.now()
    first = scan_record(
        actor=c.nurlan, event=event, client_id=first_id, code=registration.code, door="A", scanned_at=at
    )
    second = scan_record(
        actor=c.aliya, event=event, client_id=second_id, code=registration.code, door="B", scanned_at=at
    )
    again = scan_record(
        actor=c.nurlan, event=event, client_id=first_id, code=registration.code, door="A", scanned_at=at
    )
    assert (first.outcome, second.outcome, again.outcome) == (
        ScanOutcome.CHECKED_IN,
        ScanOutcome.ALREADY,
        ScanOutcome.CHECKED_IN,
    )
    assert second.first_door == "A"
    assert Scan.objects.count() == 2
    unknown = scan_record(actor=c.nurlan, event=event, client_id=uuid.uuid4(), code="nope", door="A", scanned_at=at)
    assert unknown.outcome == ScanOutcome.UNKNOWN
    with pytest.raises(PermissionDenied):
        scan_record(
            actor=c.talgat, event=event, client_id=uuid.uuid4(), code=registration.code, door="A", scanned_at=at
        )


@pytest.mark.django_db
def test_an_offline_batch_synced_twice_loses_nothing_and_duplicates_nothing(programme_cast, operator_scene):
    c = programme_cast
    event = make_event(c, capacity=10, quota=0)
    people = [register(event, n, send=False) for n in range(6)]
    at = timezone.now()
    # A device queued 6 scans (one ticket twice, at another moment) while offline.
    batch = [
        {
            "id": str(uuid.uuid4()),
            "code": r.code,
            "door": "north",
            "scanned_at": (at + datetime.timedelta(seconds=i)).isoformat(),
        }
        for i, r in enumerate(people[:5])
    ]
    batch.append({"id": str(uuid.uuid4()), "code": people[0].code, "door": "north", "scanned_at": at.isoformat()})
    first = scans_record_batch(actor=c.aliya, event=event, scans=batch)
    # The connection dropped before the answer arrived: the device sends the whole batch again.
    second = scans_record_batch(actor=c.aliya, event=event, scans=batch)
    assert [r.as_dict() for r in first] == [r.as_dict() for r in second]
    assert [r.outcome for r in first] == ["checked_in"] * 5 + ["already"]
    assert Scan.objects.filter(event=event).count() == 6
    assert Registration.objects.filter(event=event, checked_in_at__isnull=False).count() == 5
    with pytest.raises(ValidationError):
        scans_record_batch(actor=c.aliya, event=event, scans=[{"id": "x", "code": "y"}])


@pytest.mark.django_db(transaction=True)
def test_concurrent_cancellations_promote_each_waiting_person_once(programme_cast, operator_scene):
    if connection.vendor != "postgresql":
        pytest.skip("row locks: run with DATABASE_URL=postgres://…")
    c = programme_cast
    event = make_event(c, capacity=6, quota=0)
    confirmed = [register(event, n, send=False) for n in range(6)]
    waiting = [register(event, 100 + n, send=False) for n in range(10)]
    assert all(r.status == RegistrationStatus.WAITING for r in waiting)
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def cancel(registration: Registration) -> None:
        try:
            barrier.wait()
            registration_cancel(registration=registration, send=False)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=cancel, args=(r,)) for r in confirmed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    now_confirmed = list(Registration.objects.filter(event=event, status="confirmed").order_by("created_at", "id"))
    assert [r.pk for r in now_confirmed] == [r.pk for r in waiting[:6]]
    assert Registration.objects.filter(event=event, status="waiting").count() == 4
    assert Registration.objects.filter(event=event, promoted_at__isnull=False).count() == 6


@pytest.mark.django_db(transaction=True)
def test_two_doors_scanning_one_ticket_at_once_check_it_in_once(programme_cast, operator_scene):
    if connection.vendor != "postgresql":
        pytest.skip("row locks: run with DATABASE_URL=postgres://…")
    c = programme_cast
    event = make_event(c)
    registration = register(event, 1, send=False)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def scan(door: str) -> None:
        try:
            barrier.wait()
            result = scan_record(
                actor=c.aliya,
                event=event,
                client_id=uuid.uuid4(),
                code=registration.code,
                door=door,
                scanned_at=timezone.now(),
            )
            outcomes.append(result.outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan, args=(door,)) for door in "ABCD"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already", "already", "already", "checked_in"]


@pytest.mark.django_db
def test_the_sync_endpoint_takes_a_json_batch(client, programme_cast, operator_scene):
    import json

    from django.urls import reverse

    c, s = programme_cast, operator_scene
    client.force_login(c.madina)
    scan = {
        "id": str(uuid.uuid4()),
        "code": s.registration.code,
        "door": "south",
        "scanned_at": timezone.now().isoformat(),
    }
    url = reverse("operators:check-in-sync", args=[s.event.pk])
    for _attempt in range(2):
        response = client.post(url, json.dumps({"scans": [scan]}), content_type="application/json")
        assert response.status_code == 200
        assert response.json()["results"][0]["outcome"] == "checked_in"
    assert Scan.objects.filter(event=s.event).count() == 1
    assert client.post(url, "not json", content_type="application/json").status_code == 400


@pytest.mark.django_db
def test_a_scan_resent_from_another_account_is_stored_once_with_one_audit_entry(programme_cast, operator_scene):
    """The scan's id is unique across accounts: a second account's queue sending it again finds
    the stored scan (its insert fails and undoes that attempt's check-in and audit entry)."""
    from shamy.audit.models import AuditEntry

    c = programme_cast
    event = make_event(c)
    event.volunteers.add(c.nurlan)
    registration = register(event, 1, send=False)
    scan_id, at = uuid.uuid4(), timezone.now()
    first = scan_record(actor=c.nurlan, event=event, client_id=scan_id, code=registration.code, door="A", scanned_at=at)
    again = scan_record(actor=c.aliya, event=event, client_id=scan_id, code=registration.code, door="B", scanned_at=at)
    assert first.outcome == again.outcome == ScanOutcome.CHECKED_IN
    assert Scan.objects.filter(client_id=scan_id).count() == 1
    registration.refresh_from_db()
    assert registration.checked_in_door == "A"
    assert AuditEntry.objects.filter(action="operators.registration.checked_in").count() == 1


@pytest.mark.django_db
def test_a_check_in_sync_costs_a_fixed_number_of_queries(client, programme_cast, operator_scene):
    """The door's hot path (bench/checkin.py): session, user, memberships, the event under its rule,
    the volunteers check, then the key, the registration's row lock and update, the audit entry, the
    scan and the key's outcome, with no look-up before the key's insert or the scan's."""
    import json

    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse

    c, s = programme_cast, operator_scene
    ContentType.objects.get_for_model(Registration)  # cached once per process in production
    client.force_login(c.madina)
    url = reverse("operators:check-in-sync", args=[s.event.pk])
    others = [register(s.event, n, send=False) for n in range(2)]

    def scan(code: str) -> str:
        at = timezone.now().isoformat()
        return json.dumps({"scans": [{"id": str(uuid.uuid4()), "code": code, "door": "south", "scanned_at": at}]})

    client.post(url, scan(others[0].code), content_type="application/json")  # warm: the session's first read
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, scan(s.registration.code), content_type="application/json")
    assert response.json()["results"][0]["outcome"] == "checked_in"
    statements = [query["sql"].split()[0] for query in captured.captured_queries]
    # Transaction control (savepoints here: the test runs inside a transaction) is left out.
    work = [verb for verb in statements if verb in {"SELECT", "INSERT", "UPDATE", "DELETE"}]
    assert work == [
        *["SELECT"] * 5,  # session, user, memberships, event, volunteers
        "INSERT",  # the key
        "SELECT",  # the registration, locked
        "UPDATE",  # checked in
        "INSERT",  # the audit entry
        "INSERT",  # the scan
        "UPDATE",  # the key's outcome
    ], statements


@pytest.mark.django_db
def test_the_event_form_offers_regions_in_kazakh_alphabetical_order(programme_cast):
    from shamy.core.testing.factories import RegionFactory
    from shamy.operators.forms import EventForm
    from shamy.programmes.selectors import country_regions

    # By code point «Атырау» (т, U+0442) came before «Ақмола» (қ, U+049B) and «Павлодар» before «Қарағанды».
    created = {
        RegionFactory(kato=kato, name_kk=name).name_kk
        for kato, name in (
            ("23", "Атырау облысы"),
            ("55", "Павлодар облысы"),
            ("11", "Ақмола облысы"),
            ("35", "Қарағанды облысы"),
        )
    }
    form = EventForm(regions=country_regions(programme=programme_cast.programme))
    offered = [region.name_kk for region in form.fields["region"].queryset]
    assert [name for name in offered if name in created] == [
        "Ақмола облысы",
        "Атырау облысы",
        "Қарағанды облысы",
        "Павлодар облысы",
    ]
