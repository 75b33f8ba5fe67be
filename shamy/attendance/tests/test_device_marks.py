"""The offline queue's batch of attendance marks (``POST /api/v1/attendance/marks``, issue 13):
each key applied once, the later device time wins, cancelled gatherings refuse, both times audited."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from shamy.accounts.services.users import api_token_create
from shamy.attendance.models import Attendance
from shamy.attendance.services.device import DeviceMark, attendance_marks_from_device
from shamy.attendance.services.gatherings import gathering_cancel
from shamy.audit.models import AuditEntry
from shamy.offline.models import AppliedKey
from shamy.programmes.testing import ALL_PERSONAS
from shamy.programmes.tests.test_matrix import SEES_SESSION_A1

pytestmark = pytest.mark.django_db
URL = "/api/v1/attendance/marks"
MARKERS = {"aliya", "timur"}  # the attendance page's: the lead and the coordinator

COVERED_URL_NAMES = {"api:attendance-mark-batch"}


def _bearer(user) -> dict[str, str]:
    _token, raw = api_token_create(actor=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _mark(scene, person, status="present", *, key=None, at=None) -> dict[str, object]:
    at = at or timezone.now() - datetime.timedelta(minutes=5)
    return {
        "key": str(key or uuid.uuid4()),
        "gathering": scene.session_a1.pk,
        "person": person.pk,
        "status": status,
        "device_time": at.isoformat(),
    }


def _in(user, message: str) -> str:
    """``message`` in the account's language (the API answers in it)."""
    with translation.override(user.language):
        return gettext(message)


def _post(client, body, headers=None):
    return client.post(URL, json.dumps(body), content_type="application/json", **(headers or {}))


def test_a_mark_is_applied_once_and_its_audit_entry_has_device_and_server_time(client, programme_cast, scene):
    c = programme_cast
    device_at = timezone.now() - datetime.timedelta(hours=1)
    body = {"marks": [_mark(scene, c.person_talgat, at=device_at)]}
    headers = _bearer(c.timur)

    first = _post(client, body, headers)
    second = _post(client, body, headers)  # the response was lost: the device sends it again

    assert first.status_code == 200 and second.status_code == 200
    assert first.json()["results"][0]["outcome"] == "applied"
    assert first.json()["results"][0]["status"] == "present"
    again = second.json()["results"][0]
    assert (again["outcome"], again["first_outcome"], again["status"]) == ("duplicate", "applied", "present")
    assert again["first_detail"] == first.json()["results"][0]["detail"] != again["detail"]
    row = Attendance.objects.get(pk=scene.attendance_talgat.pk)
    assert row.status == "present" and row.marked_by == c.timur
    assert row.marked_on_device_at == device_at
    assert AppliedKey.objects.filter(user=c.timur).count() == 1
    entries = AuditEntry.objects.filter(action="attendance.attendance.marked", target_id=str(row.pk))
    assert entries.count() == 1
    after = entries.get().after
    assert after["marked_on_device_at"] == device_at.isoformat()
    assert row.marked_at is not None and row.marked_at > device_at
    assert after["marked_at"] == row.marked_at.isoformat()
    assert after["mark_key"] == body["marks"][0]["key"]


def test_the_later_device_time_wins_whatever_arrives_first_and_both_are_audited(client, programme_cast, scene):
    c = programme_cast
    early = timezone.now() - datetime.timedelta(hours=2)
    late = early + datetime.timedelta(minutes=10)
    # The coordinator's later mark reaches the server first; the lead's earlier one after it.
    later = _post(client, {"marks": [_mark(scene, c.person_talgat, "absent", at=late)]}, _bearer(c.aliya))
    earlier = _post(client, {"marks": [_mark(scene, c.person_talgat, "present", at=early)]}, _bearer(c.timur))

    assert later.json()["results"][0]["outcome"] == "applied"
    result = earlier.json()["results"][0]
    assert result["outcome"] == "conflict" and result["status"] == "absent"
    assert c.aliya.get_full_name() in result["detail"]
    row = Attendance.objects.get(pk=scene.attendance_talgat.pk)
    assert (row.status, row.marked_by, row.marked_on_device_at) == ("absent", c.aliya, late)
    actions = list(
        AuditEntry.objects.filter(target_id=str(row.pk), action__startswith="attendance.attendance.mark")
        .order_by("id")
        .values_list("action", "actor", "after__status")
    )
    assert actions == [
        ("attendance.attendance.marked", c.aliya.pk, "absent"),
        ("attendance.attendance.mark_overruled", c.timur.pk, "present"),
    ]


def test_a_later_device_mark_replaces_another_markers_and_says_so(client, programme_cast, scene):
    c = programme_cast
    early = timezone.now() - datetime.timedelta(hours=2)
    _post(client, {"marks": [_mark(scene, c.person_talgat, "absent", at=early)]}, _bearer(c.aliya))
    response = _post(
        client,
        {"marks": [_mark(scene, c.person_talgat, "late", at=early + datetime.timedelta(minutes=1))]},
        _bearer(c.timur),
    )
    result = response.json()["results"][0]
    assert result["outcome"] == "applied" and c.aliya.get_full_name() in result["detail"]
    assert Attendance.objects.get(pk=scene.attendance_talgat.pk).status == "late"


def test_an_online_tap_after_the_device_mark_stands(client, programme_cast, scene):
    c = programme_cast
    client.force_login(c.timur)
    client.post(reverse("attendance:attendance-mark", args=[scene.attendance_talgat.pk]), {"status": "excused"})
    # A mark queued an hour ago arrives after the tap made online just now: the tap stands.
    response = _post(client, {"marks": [_mark(scene, c.person_talgat, "absent")]}, _bearer(c.aliya))
    assert response.json()["results"][0]["outcome"] == "conflict"
    assert Attendance.objects.get(pk=scene.attendance_talgat.pk).status == "excused"


def test_a_device_clock_ahead_of_the_server_counts_as_the_servers_time(client, programme_cast, scene):
    c = programme_cast
    future = timezone.now() + datetime.timedelta(days=300)
    before = timezone.now()
    _post(client, {"marks": [_mark(scene, c.person_talgat, "absent", at=future)]}, _bearer(c.aliya))
    row = Attendance.objects.get(pk=scene.attendance_talgat.pk)
    assert row.marked_on_device_at is not None
    assert before <= row.marked_on_device_at <= timezone.now()


def test_a_mark_for_a_gathering_cancelled_meanwhile_is_refused_with_a_message(client, programme_cast, scene):
    c = programme_cast
    mark = _mark(scene, c.person_talgat)
    gathering_cancel(actor=c.timur, gathering=scene.session_a1, reason="Мұғалімдер ауырып қалды")
    response = _post(client, {"marks": [mark]}, _bearer(c.timur))
    result = response.json()["results"][0]
    assert result["outcome"] == "refused"
    assert result["detail"] == _in(c.timur, "The gathering was cancelled meanwhile: the mark was not saved.")
    assert Attendance.objects.get(pk=scene.attendance_talgat.pk).status == ""
    assert not AppliedKey.objects.exists()  # refused: nothing written, a resend is judged again
    assert not AuditEntry.objects.filter(action__startswith="attendance.attendance.mark").exists()


def test_a_mark_queued_for_a_gathering_whose_marking_has_not_opened_is_refused(client, programme_cast, scene):
    """The marking window of issue 11 holds for the offline queue too."""
    from shamy.attendance.services.marking import marking_not_open_message

    c = programme_cast
    gathering = scene.session_a1
    type(gathering).objects.filter(pk=gathering.pk).update(
        starts_at=timezone.now() + datetime.timedelta(days=3),
        ends_at=timezone.now() + datetime.timedelta(days=3, hours=2),
    )
    gathering.refresh_from_db()
    result = _post(client, {"marks": [_mark(scene, c.person_talgat)]}, _bearer(c.timur)).json()["results"][0]
    assert result["outcome"] == "refused"
    with translation.override(c.timur.language):
        assert result["detail"] == marking_not_open_message(gathering)
    assert Attendance.objects.get(pk=scene.attendance_talgat.pk).status == ""
    assert not AppliedKey.objects.exists()


def test_refusals_answer_in_the_callers_language(client, programme_cast, scene):
    c = programme_cast
    c.timur.language = "ru"
    c.timur.save(update_fields=["language"])
    other = _mark(scene, c.person_tomiris)  # not expected at the A1 session
    result = _post(client, {"marks": [other]}, _bearer(c.timur)).json()["results"][0]
    assert result["outcome"] == "refused"
    assert result["detail"] == "Этого человека не ждут на этой встрече."


def test_one_refused_mark_does_not_hold_back_the_others(client, programme_cast, scene):
    c = programme_cast
    body = {"marks": [_mark(scene, c.person_tomiris), _mark(scene, c.person_talgat), _mark(scene, c.person_timur)]}
    outcomes = [r["outcome"] for r in _post(client, body, _bearer(c.timur)).json()["results"]]
    assert outcomes == ["refused", "applied", "applied"]


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_who_may_send_marks_is_who_may_take_attendance(client, programme_cast, scene, persona):
    c = programme_cast
    user = c.user(persona)
    headers = _bearer(user) if user is not None else {}
    response = _post(client, {"marks": [_mark(scene, c.person_talgat)]}, headers)
    if user is None:
        assert response.status_code == 401
        return
    result = response.json()["results"][0]
    if persona in MARKERS:
        assert result["outcome"] == "applied"
    elif persona in SEES_SESSION_A1:
        assert (result["outcome"], result["detail"]) == (
            "refused",
            _in(user, "You may not mark attendance at this gathering."),
        )
    else:
        assert (result["outcome"], result["detail"]) == (
            "refused",
            _in(user, "This gathering is not found, or not visible to your account."),
        )
    marked = Attendance.objects.get(pk=scene.attendance_talgat.pk).status
    assert marked == ("present" if persona in MARKERS else "")


def test_the_session_needs_the_csrf_token_and_works_with_it(programme_cast, scene):
    c = programme_cast
    client = Client(enforce_csrf_checks=True)
    client.force_login(c.timur)
    body = {"marks": [_mark(scene, c.person_talgat)]}
    assert _post(client, body).status_code == 403
    assert Attendance.objects.get(pk=scene.attendance_talgat.pk).status == ""
    client.get(reverse("attendance:attendance-take", args=[scene.session_a1.pk]))
    token = client.cookies["csrftoken"].value
    response = _post(client, body, {"HTTP_X_CSRFTOKEN": token})
    assert response.status_code == 200 and response.json()["results"][0]["outcome"] == "applied"


def test_keys_belong_to_their_user(programme_cast, scene):
    c = programme_cast
    key = uuid.uuid4()
    at = timezone.now() - datetime.timedelta(minutes=3)
    mine = DeviceMark(key, scene.session_a1.pk, c.person_talgat.pk, "present", at)
    theirs = DeviceMark(key, scene.session_a1.pk, c.person_timur.pk, "late", at)
    assert attendance_marks_from_device(actor=c.timur, marks=[mine])[0].outcome == "applied"
    # Another user's key never answers for this one's mark (nor reveals it).
    assert attendance_marks_from_device(actor=c.aliya, marks=[theirs])[0].outcome == "applied"
    assert AppliedKey.objects.filter(key=key).count() == 2


def test_an_invalid_batch_is_refused_whole(client, programme_cast, scene):
    c = programme_cast
    bad = _mark(scene, c.person_talgat, status="sleeping")
    response = _post(client, {"marks": [bad]}, _bearer(c.timur))
    assert response.status_code == 422
    too_many = {"marks": [_mark(scene, c.person_talgat) for _ in range(501)]}
    assert _post(client, too_many, _bearer(c.timur)).status_code == 422
    assert not AppliedKey.objects.exists()


def test_a_bad_item_late_in_the_batch_refuses_the_batch_before_anything_is_written(programme_cast, scene):
    """The schema checks the API's statuses; the service judges the whole batch itself too (one
    loop for every offline kind, ``apply_batch``), so an earlier valid mark is not kept."""
    c = programme_cast
    at = timezone.now() - datetime.timedelta(minutes=3)
    good = DeviceMark(uuid.uuid4(), scene.session_a1.pk, c.person_talgat.pk, "present", at)
    bad = DeviceMark(uuid.uuid4(), scene.session_a1.pk, c.person_timur.pk, "sleeping", at)
    with pytest.raises(ValueError, match="unknown status"):
        attendance_marks_from_device(actor=c.timur, marks=[good, bad])
    assert not AppliedKey.objects.exists()
    assert Attendance.objects.get(pk=scene.attendance_talgat.pk).status == ""
    with pytest.raises(ValueError, match="at most 500 marks at once"):
        attendance_marks_from_device(actor=c.timur, marks=[good] * 501)


def test_the_endpoint_is_in_the_openapi_schema_with_both_authentications(client, programme_cast):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/attendance/marks"]["post"]
    assert {name for item in operation["security"] for name in item} == {"TokenAuth", "SessionAuth"}
    assert "MarkBatchIn" in json.dumps(operation["requestBody"])
