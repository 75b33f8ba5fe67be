"""Authorization matrix: every operators URL × every persona (programme P acts as the operator's
programme, school A1 is the operator school; see ``scene.py``).

200 shown, 302 done (or, for anonymous, sent to sign in), 403 visible but not allowed, 404 invisible.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from shamy.accounts.services.users import api_token_create
from shamy.attendance.models import Attendance
from shamy.core.testing.cast import build_cast
from shamy.core.testing.fuzz import query_fuzz_test
from shamy.core.testing.matrix import Expect, Row, Visit, matrix_test
from shamy.core.testing.shared import shared_world
from shamy.operators.models import (
    DayStatus,
    Event,
    EventSession,
    HandoverCheck,
    Registration,
    Scan,
    SchoolBreak,
    Topic,
    Trainer,
    TrainingDay,
    TrainingSession,
)
from shamy.operators.tests.scene import build_operator_scene
from shamy.programmes.testing import ALL_PERSONAS, build_programme_cast

pytestmark = pytest.mark.django_db

expect = Expect(ALL_PERSONAS)
EVERYONE = set(ALL_PERSONAS) - {"anonymous"}
IN_P = {"aliya", "timur", "madina", "serik", "talgat", "tomiris", "nurlan", "bolat", "saule", "aigerim", "dana"}
# Who sees the agreement of school A1: national readers, the region-A analyst, A1's principal, P's coordinator.
SEES_AGREEMENT = {"aigerim", "dana", "kairat", "bolat", "aliya"}
# Anyone to whom some agreement may be visible opens the list.
OPENS_AGREEMENTS = {"aigerim", "dana", "kairat", "bolat", "saule", "aliya", "erbol"}
# The training day at A1: national readers, the coordinator, A1's principal, facilitator (the trainer) and teacher.
SEES_DAY = {"aigerim", "dana", "aliya", "bolat", "timur", "talgat"}
# Sessions at A1 are the attendance app's in-school gatherings: its link facilitator sees them too.
SEES_SESSION = SEES_DAY | {"madina"}
REPORT = {"aliya", "nurlan", "aigerim", "dana"}


def _unchanged(model, **filters):
    def check(visit: Visit) -> None:
        if visit.status in (403, 404, 302) and visit.persona not in ("aigerim", "aliya"):
            assert not model.objects.filter(**filters).exists(), f"{visit.row.id} as {visit.persona} wrote"

    return check


def _day_unchanged(visit: Visit) -> None:
    day = TrainingDay.objects.get(pk=visit.scene.day.pk)
    if visit.persona == "aliya":
        assert day.status in (DayStatus.EDITED, DayStatus.CANCELLED)
    else:
        assert day.status == DayStatus.PLANNED


def _signed_up(visit: Visit) -> None:
    people = set(
        Attendance.objects.filter(gathering=visit.scene.session.gathering).values_list("person__user__email", flat=True)
    )
    assert people == {"talgat@example.kz"}  # talgat was already signed up; nobody else could


MATRIX = [
    Row(
        "operators:agreement-list",
        lambda c, s: reverse("operators:agreement-list"),
        expect.only(OPENS_AGREEMENTS, visible=EVERYONE),
    ),
    Row(
        "operators:agreement-create",
        lambda c, s: reverse("operators:agreement-create"),
        expect.only({"aigerim"}, visible=EVERYONE),
    ),
    Row(
        "operators:agreement-detail",
        lambda c, s: reverse("operators:agreement-detail", args=[s.agreement.pk]),
        expect.only(SEES_AGREEMENT),
    ),
    Row(
        "operators:handover-check",
        lambda c, s: reverse("operators:handover-check", args=[s.agreement.pk, "staff"]),
        expect.only({"aigerim", "aliya"}, visible=SEES_AGREEMENT, ok=302),
        method="post",
        data=lambda c, s: {"done_on": "2028-06-01", "note": "ok"},
        check=lambda v: _unchanged(HandoverCheck)(v),
    ),
    Row(
        "operators:handover-record",
        lambda c, s: reverse("operators:handover-record", args=[s.agreement.pk]),
        expect.only({"aigerim"}, visible=SEES_AGREEMENT),
    ),
    Row(
        "operators:break-list", lambda c, s: reverse("operators:break-list"), expect.only({"aigerim"}, visible=EVERYONE)
    ),
    Row(
        "operators:break-list",
        lambda c, s: reverse("operators:break-list"),
        expect.only({"aigerim"}, visible=EVERYONE, ok=302),
        method="post",
        label="add",
        data=lambda c, s: {
            "school_year": 2027,
            "name_kk": "Күзгі демалыс",
            "name_ru": "Осенние каникулы",
            "starts_on": "2027-10-30",
            "ends_on": "2027-11-07",
        },
        check=lambda v: _unchanged(SchoolBreak)(v),
    ),
    Row("operators:training-home", lambda c, s: reverse("operators:training-home"), expect.everyone()),
    Row(
        "operators:day-list",
        lambda c, s: reverse("operators:day-list", args=[c.programme.pk]),
        expect.only(IN_P),
    ),
    Row(
        "operators:schedule-create",
        lambda c, s: reverse("operators:schedule-create", args=[c.programme.pk]),
        expect.only({"aliya"}, visible=IN_P),
    ),
    Row(
        "operators:hours",
        lambda c, s: reverse("operators:hours", args=[c.programme.pk]),
        expect.only(REPORT, visible=IN_P),
    ),
    Row(
        "operators:cascade",
        lambda c, s: reverse("operators:cascade", args=[c.programme.pk]),
        expect.only(REPORT, visible=IN_P),
    ),
    Row(
        "operators:indicators",
        lambda c, s: reverse("operators:indicators", args=[c.programme.pk]) + "?year=2027",
        expect.only(REPORT, visible=IN_P),
    ),
    Row(
        "operators:day-detail",
        lambda c, s: reverse("operators:day-detail", args=[s.day.pk]),
        expect.only(SEES_DAY),
    ),
    Row(
        "operators:day-move",
        lambda c, s: reverse("operators:day-move", args=[s.day.pk]),
        expect.only({"aliya"}, visible=SEES_DAY, ok=302),
        method="post",
        data=lambda c, s: {"on": "2028-02-12", "reason": "Мектепте жөндеу"},
        check=_day_unchanged,
    ),
    Row(
        "operators:day-cancel",
        lambda c, s: reverse("operators:day-cancel", args=[s.day.pk]),
        expect.only({"aliya"}, visible=SEES_DAY, ok=302),
        method="post",
        data=lambda c, s: {"reason": "Карантин"},
        check=_day_unchanged,
    ),
    Row(
        "operators:session-create",
        lambda c, s: reverse("operators:session-create", args=[s.day.pk]),
        expect.only({"aliya"}, visible=SEES_DAY),
    ),
    Row(
        "operators:session-sign-up",
        lambda c, s: reverse("operators:session-sign-up", args=[s.session.pk]),
        # talgat is signed up already (signing up again changes nothing); timur leads it.
        expect.only({"talgat"}, visible=SEES_SESSION, ok=302),
        method="post",
        check=_signed_up,
    ),
    Row(
        "operators:session-withdraw",
        lambda c, s: reverse("operators:session-withdraw", args=[s.session.pk]),
        # Visible: the answer is a redirect with a message (only talgat had a sign-up to withdraw).
        expect.only(SEES_SESSION, ok=302),
        method="post",
    ),
    Row(
        "operators:session-rate",
        lambda c, s: reverse("operators:session-rate", args=[s.session.pk]),
        # Participants with a registry person may rate (the service then checks they attended).
        expect.only({"timur", "talgat", "madina"}, visible=SEES_SESSION, ok=302),
        method="post",
        data=lambda c, s: {"score": 5},
    ),
    Row(
        "operators:trainer-certify",
        lambda c, s: reverse("operators:trainer-certify", args=[s.course.pk]),
        expect.only({"aliya"}, visible=SEES_SESSION),
    ),
]


def _bearer(user) -> dict[str, str]:
    _token, raw = api_token_create(actor=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _api_check(visit: Visit) -> None:
    if visit.status >= 400:
        assert set(visit.response.json()) == {"detail", "code"}
    elif visit.row.url_name == "api:operator-cascade":
        body = visit.response.json()
        assert [g["trainers"] for g in body["generations"]] == [1, 1]
    elif visit.row.url_name == "api:operator-training-day-list":
        body = visit.response.json()
        if visit.persona not in SEES_DAY:
            assert body == {"count": 0, "items": []}
            return
        first = next(day for day in body["items"] if day["id"] == visit.scene.day.pk)
        assert [session["signed_up"] for session in first["sessions"]] == [1]
    elif visit.row.url_name == "api:operator-agreement-list":
        ids = [row["id"] for row in visit.response.json()]
        assert ids == ([visit.scene.agreement.pk] if visit.persona in SEES_AGREEMENT else [])


MATRIX += [
    Row(
        "api:operator-agreement-list",
        lambda c, s: reverse("api:operator-agreement-list"),
        expect.only(OPENS_AGREEMENTS, visible=EVERYONE, anonymous=401),
        auth=_bearer,
        check=_api_check,
    ),
    Row(
        "api:operator-training-day-list",
        lambda c, s: reverse("api:operator-training-day-list", args=[c.programme.pk]) + "?when=all",
        expect.only(IN_P, anonymous=401),
        auth=_bearer,
        check=_api_check,
    ),
    Row(
        "api:operator-cascade",
        lambda c, s: reverse("api:operator-cascade", args=[c.programme.pk]),
        expect.only(REPORT, visible=IN_P, anonymous=401),
        auth=_bearer,
        check=_api_check,
    ),
]

# The summit: public pages for everyone (no account needed), staff pages by the event's rules.
SEES_EVENT = {"aigerim", "dana", "aliya", "nurlan", "madina"}
CHECKS_IN = {"aliya", "madina"}
MATRIX += [
    Row(
        "operators:event-public",
        lambda c, s: reverse("operators:event-public", args=[s.event.slug]),
        expect.everyone(200, anonymous=None),
    ),
    Row(
        "operators:event-public",
        lambda c, s: reverse("operators:event-public", args=[s.event.slug]),
        expect.everyone(302, anonymous=None),
        method="post",
        label="register",
        data=lambda c, s: {"full_name": "Айжан Серікова", "email": "aizhan@example.kz", "school": c.school_b1.pk},
        login_redirect=False,
    ),
    Row(
        "operators:ticket",
        lambda c, s: reverse("operators:ticket", args=[s.registration.code]),
        expect.everyone(200, anonymous=None),
    ),
    Row(
        "operators:ticket-pdf",
        lambda c, s: reverse("operators:ticket-pdf", args=[s.registration.code]),
        expect.everyone(200, anonymous=None),
        check=lambda v: _is_pdf(v),
    ),
    Row(
        "operators:ticket-cancel",
        lambda c, s: reverse("operators:ticket-cancel", args=[s.registration.code]),
        expect.everyone(302, anonymous=None),
        method="post",
        login_redirect=False,
    ),
    Row(
        "operators:ticket-feedback",
        lambda c, s: reverse("operators:ticket-feedback", args=[s.registration.code]),
        expect.everyone(302, anonymous=None),
        method="post",
        data=lambda c, s: {"score": 5},
        login_redirect=False,
    ),
    Row(
        "operators:event-detail",
        lambda c, s: reverse("operators:event-detail", args=[s.event.pk]),
        expect.only(SEES_EVENT),
    ),
    Row(
        "operators:check-in",
        lambda c, s: reverse("operators:check-in", args=[s.event.pk]) + "?q=Талғат",
        expect.only(CHECKS_IN, visible=SEES_EVENT),
    ),
    Row(
        "operators:check-in-manual",
        lambda c, s: reverse("operators:check-in-manual", args=[s.event.pk]),
        expect.only(CHECKS_IN, visible=SEES_EVENT, ok=302),
        method="post",
        data=lambda c, s: {"code": s.registration.code, "door": "A"},
    ),
    Row(
        "operators:check-in-sync",
        lambda c, s: reverse("operators:check-in-sync", args=[s.event.pk]),
        # Allowed, but a form-encoded body is no JSON batch: 400 (test_events posts real batches).
        expect.only(CHECKS_IN, visible=SEES_EVENT, ok=400),
        method="post",
    ),
]


def _event_data(c, s) -> dict[str, object]:
    return {
        "title_kk": "Саммит 2029",
        "title_ru": "Саммит 2029",
        "slug": "summit-2029",
        "region": c.region_b.pk,
        "place": "Атырау",
        "starts_at": "2029-03-28T09:00",
        "ends_at": "2029-03-28T18:00",
        "capacity": 600,
        "state_quota": 300,
        "registration_open": "on",
    }


def _event_created(visit: Visit) -> None:
    made = Event.objects.filter(slug="summit-2029").exists()
    assert made == (visit.persona == "aliya"), visit.persona


def _event_edited(visit: Visit) -> None:
    event = Event.objects.get(pk=visit.scene.event.pk)
    assert (event.capacity == 600) == (visit.persona == "aliya"), visit.persona


def _volunteer_added(visit: Visit) -> None:
    added = visit.scene.event.volunteers.filter(pk=visit.cast.timur.pk).exists()
    assert added == (visit.persona == "aliya"), visit.persona


def _volunteer_removed(visit: Visit) -> None:
    kept = visit.scene.event.volunteers.filter(pk=visit.cast.madina.pk).exists()
    assert kept == (visit.persona != "aliya"), visit.persona


def _session_data(c, s) -> dict[str, object]:
    return {"topic": s.topic.pk, "room": "202", "capacity": 10, "starts_at": "10:00", "ends_at": "12:00"}


def _session_edited(visit: Visit) -> None:
    session = TrainingSession.objects.get(pk=visit.scene.session.pk)
    assert (session.room == "202") == (visit.persona == "aliya"), visit.persona


# Setting up events, their programme and volunteers; topics and sessions: the coordinator only.
MATRIX += [
    Row(
        "operators:event-create",
        lambda c, s: reverse("operators:event-create", args=[c.programme.pk]),
        expect.only({"aliya"}, visible=IN_P),
    ),
    Row(
        "operators:event-create",
        lambda c, s: reverse("operators:event-create", args=[c.programme.pk]),
        expect.only({"aliya"}, visible=IN_P, ok=302),
        method="post",
        label="create",
        data=_event_data,
        check=_event_created,
    ),
    Row(
        "operators:event-edit",
        lambda c, s: reverse("operators:event-edit", args=[s.event.pk]),
        expect.only({"aliya"}, visible=SEES_EVENT),
    ),
    Row(
        "operators:event-edit",
        lambda c, s: reverse("operators:event-edit", args=[s.event.pk]),
        expect.only({"aliya"}, visible=SEES_EVENT, ok=302),
        method="post",
        label="save",
        data=lambda c, s: {**_event_data(c, s), "slug": "summit"},
        check=_event_edited,
    ),
    Row(
        "operators:event-session-create",
        lambda c, s: reverse("operators:event-session-create", args=[s.event.pk]),
        expect.only({"aliya"}, visible=SEES_EVENT),
    ),
    Row(
        "operators:event-session-create",
        lambda c, s: reverse("operators:event-session-create", args=[s.event.pk]),
        expect.only({"aliya"}, visible=SEES_EVENT, ok=302),
        method="post",
        label="add",
        data=lambda c, s: {
            "title_kk": "Панель",
            "title_ru": "Панель",
            "track": "B",
            "starts_at": "2028-03-28T11:00",
            "ends_at": "2028-03-28T12:00",
        },
        check=_unchanged(EventSession, track="B"),
    ),
    Row(
        "operators:event-session-delete",
        lambda c, s: reverse("operators:event-session-delete", args=[s.event.pk, s.event_session.pk]),
        expect.only({"aliya"}, visible=SEES_EVENT, ok=302),
        method="post",
        check=lambda v: _assert(
            EventSession.objects.filter(pk=v.scene.event_session.pk).exists() == (v.persona != "aliya")
        ),
    ),
    Row(
        "operators:volunteers",
        lambda c, s: reverse("operators:volunteers", args=[s.event.pk]),
        expect.only({"aliya"}, visible=SEES_EVENT),
    ),
    Row(
        "operators:volunteers",
        lambda c, s: reverse("operators:volunteers", args=[s.event.pk]),
        expect.only({"aliya"}, visible=SEES_EVENT, ok=302),
        method="post",
        label="add",
        data=lambda c, s: {"email": c.timur.email},
        check=_volunteer_added,
    ),
    Row(
        "operators:volunteer-remove",
        lambda c, s: reverse("operators:volunteer-remove", args=[s.event.pk, c.madina.pk]),
        expect.only({"aliya"}, visible=SEES_EVENT, ok=302),
        method="post",
        check=_volunteer_removed,
    ),
    Row(
        "operators:topics",
        lambda c, s: reverse("operators:topics", args=[c.programme.pk]),
        expect.only({"aliya"}, visible=IN_P),
    ),
    Row(
        "operators:topics",
        lambda c, s: reverse("operators:topics", args=[c.programme.pk]),
        expect.only({"aliya"}, visible=IN_P, ok=302),
        method="post",
        label="add",
        data=lambda c, s: {"code": "leadership", "name_kk": "Көшбасшылық", "name_ru": "Лидерство"},
        check=_unchanged(Topic, code="leadership"),
    ),
    Row(
        "operators:session-edit",
        lambda c, s: reverse("operators:session-edit", args=[s.session.pk]),
        expect.only({"aliya"}, visible=SEES_SESSION),
    ),
    Row(
        "operators:session-edit",
        lambda c, s: reverse("operators:session-edit", args=[s.session.pk]),
        expect.only({"aliya"}, visible=SEES_SESSION, ok=302),
        method="post",
        label="save",
        data=_session_data,
        check=_session_edited,
    ),
]


def _assert(condition: bool) -> None:
    assert condition


def _is_pdf(visit: Visit) -> None:
    assert visit.response["Content-Type"] == "application/pdf"
    assert visit.response.content.startswith(b"%PDF")


def _scan_batch_check(visit: Visit) -> None:
    if visit.status == 200:
        assert visit.response.json()[0]["outcome"] == "checked_in"
    else:
        assert not Scan.objects.exists()


MATRIX += [
    Row(
        "api:operator-registration-list",
        lambda c, s: reverse("api:operator-registration-list", args=[s.event.pk]),
        expect.only({"aigerim", "aliya", "madina"}, visible=SEES_EVENT, anonymous=401),
        auth=_bearer,
        check=_api_check,
    ),
]


def test_api_check_in_batch_by_persona(client, programme_cast, operator_scene):
    import json

    url = reverse("api:operator-check-in-batch", args=[operator_scene.event.pk])
    for persona in ALL_PERSONAS:
        Scan.objects.all().delete()
        Registration.objects.update(checked_in_at=None, checked_in_door="")
        user = programme_cast.user(persona)
        headers = _bearer(user) if user is not None else {}
        body = {
            "scans": [
                {
                    "id": "6f1f0a7e-8f45-4a55-9bd8-1f2a3b4c5d6e",
                    "code": operator_scene.registration.code,
                    "scanned_at": "2028-03-28T08:30:00+05:00",
                }
            ]
        }
        response = client.post(url, json.dumps(body), content_type="application/json", **headers)
        expected = (
            200 if persona in CHECKS_IN else 401 if persona == "anonymous" else 403 if persona in SEES_EVENT else 404
        )
        assert response.status_code == expected, persona
        _scan_batch_check(Visit(row=None, persona=persona, status=expected, cast=None, scene=None, response=response))


COVERED_URL_NAMES = {"api:operator-check-in-batch"}


def _operators_world():
    people = build_programme_cast(build_cast())
    return people, build_operator_scene(people)


# The cast and the scene of the fixtures programme_cast and operator_scene, built once for all the
# cases (``shamy.core.testing.shared``), with English active as the module's conftest sets it.
operators_world = shared_world(_operators_world, language="en")
test_permission_matrix = matrix_test(MATRIX, ALL_PERSONAS, world="operators_world")
test_query_parameters = query_fuzz_test(MATRIX, ALL_PERSONAS, cast="programme_cast", scene="operator_scene")


def test_nothing_but_the_scene_exists_before_the_matrix(programme_cast, operator_scene):
    assert Trainer.objects.count() == 2
    assert TrainingSession.objects.count() == 2
