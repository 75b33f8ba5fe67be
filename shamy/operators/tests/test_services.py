from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shamy.attendance.models import Attendance, AttendanceStatus
from shamy.audit.models import AuditEntry
from shamy.core.testing.factories import EmploymentFactory, MembershipFactory, PersonFactory, SchoolFactory
from shamy.operators import selectors
from shamy.operators.models import ChecklistItem, DayStatus, OperatorAgreement, SessionRating, TrainingDay
from shamy.operators.recurrence import EVERY_SECOND_SATURDAY
from shamy.operators.services.agreements import agreement_create, handover_check, handover_record
from shamy.operators.services.trainers import session_rate
from shamy.operators.services.training import (
    schedule_create,
    school_break_create,
    session_create,
    session_register,
    session_sign_up,
    session_withdraw,
    training_day_cancel,
    training_day_move,
)
from shamy.operators.tests.scene import at
from shamy.registry.models import Ownership

pytestmark = pytest.mark.django_db


def _audited(action: str, target) -> bool:
    return AuditEntry.objects.filter(action=action, target_id=str(target.pk)).exists()


# --- Agreements and handover -------------------------------------------------------------------


def test_an_agreement_runs_five_years_and_marks_the_registry_school(programme_cast, operator_scene):
    c, s = programme_cast, operator_scene
    c.school_a1.refresh_from_db()
    assert s.agreement.planned_handover_on == datetime.date(2028, 9, 1)
    assert c.school_a1.ownership == Ownership.OPERATOR
    assert c.school_a1.operator == s.operator
    assert c.school_a1.handover_on == datetime.date(2028, 9, 1)
    assert _audited("operators.agreement.created", s.agreement)


def test_only_a_system_administrator_records_an_agreement(programme_cast, operator_scene):
    c, s = programme_cast, operator_scene
    with pytest.raises(PermissionDenied):
        agreement_create(
            actor=c.aliya,
            school=c.school_b1,
            operator=s.operator,
            programme=c.programme,
            starts_on=datetime.date(2024, 9, 1),
        )
    with pytest.raises(ValidationError):
        agreement_create(
            actor=c.aigerim,
            school=c.school_b1,
            operator=s.partner,
            programme=c.programme,
            starts_on=datetime.date(2024, 9, 1),
        )
    agreement = agreement_create(
        actor=c.aigerim,
        school=c.school_b1,
        operator=s.operator,
        programme=c.programme,
        starts_on=datetime.date(2024, 2, 29),
    )
    assert agreement.planned_handover_on == datetime.date(2029, 2, 28)
    assert AuditEntry.objects.filter(action="registry.school.updated", target_id=str(c.school_b1.pk)).exists()


def test_the_handover_needs_the_whole_checklist_and_makes_a_state_school(programme_cast, operator_scene):
    c, s = programme_cast, operator_scene
    handover_check(actor=c.aliya, agreement=s.agreement, item=ChecklistItem.STAFF, done_on=datetime.date(2028, 8, 1))
    with pytest.raises(PermissionDenied):
        handover_record(
            actor=c.aliya, agreement=s.agreement, handed_over_on=datetime.date(2028, 9, 1), received_by=s.department
        )
    with pytest.raises(ValidationError, match="not complete"):
        handover_record(
            actor=c.aigerim, agreement=s.agreement, handed_over_on=datetime.date(2028, 9, 1), received_by=s.department
        )
    for item in (ChecklistItem.RECORDS, ChecklistItem.TRAINING):
        handover_check(actor=c.aliya, agreement=s.agreement, item=item, done_on=datetime.date(2028, 8, 2))
    # Ticking twice changes nothing.
    handover_check(actor=c.aliya, agreement=s.agreement, item=ChecklistItem.STAFF, done_on=datetime.date(2028, 8, 9))
    assert s.agreement.checks.count() == 3
    with pytest.raises(ValidationError):
        handover_record(
            actor=c.aigerim, agreement=s.agreement, handed_over_on=datetime.date(2028, 9, 1), received_by=s.partner
        )
    agreement = handover_record(
        actor=c.aigerim, agreement=s.agreement, handed_over_on=datetime.date(2028, 9, 1), received_by=s.department
    )
    c.school_a1.refresh_from_db()
    assert agreement.handed_over_on == datetime.date(2028, 9, 1)
    assert c.school_a1.ownership == Ownership.STATE and c.school_a1.operator is None
    assert _audited("operators.agreement.handed_over", agreement)
    with pytest.raises(PermissionDenied):  # nothing is left to record
        handover_record(
            actor=c.aigerim, agreement=agreement, handed_over_on=datetime.date(2028, 9, 2), received_by=s.department
        )


def test_approaching_handover_lists_the_next_twelve_months(programme_cast, operator_scene):
    c, s = programme_cast, operator_scene
    filters = selectors.AgreementFilters(status="approaching")
    assert list(selectors.agreement_list(actor=c.aigerim, filters=filters, today=datetime.date(2027, 8, 31))) == []
    rows = list(selectors.agreement_list(actor=c.aigerim, filters=filters, today=datetime.date(2027, 9, 2)))
    assert rows == [s.agreement]
    assert list(selectors.agreement_list(actor=c.erbol, filters=selectors.AgreementFilters("all"))) == []


# --- Training days ------------------------------------------------------------------------------


def test_a_schedule_skips_or_moves_holidays_and_breaks(programme_cast, operator_scene):
    c = programme_cast
    school_break_create(
        actor=c.aigerim,
        school_year=2028,
        name={"kk": "Күзгі демалыс", "ru": "Осенние каникулы"},
        starts_on=datetime.date(2028, 10, 28),
        ends_on=datetime.date(2028, 11, 5),
    )
    with pytest.raises(PermissionDenied):
        school_break_create(
            actor=c.aliya,
            school_year=2028,
            name={"kk": "x"},
            starts_on=datetime.date(2029, 1, 1),
            ends_on=datetime.date(2029, 1, 2),
        )
    schedule = schedule_create(
        actor=c.aliya,
        programme=c.programme,
        school=c.school_a1,
        title="Күзгі оқу",
        rule=EVERY_SECOND_SATURDAY,
        first_on=datetime.date(2028, 9, 2),
        until=datetime.date(2028, 12, 23),
        starts_at=datetime.time(9),
        ends_at=datetime.time(13),
    )
    days = {day.planned_on: day for day in schedule.days.all()}
    # 28 October 2028 is in the break: 4 November is too, 11 November is a training day already: 18 November.
    moved = days[datetime.date(2028, 10, 28)]
    assert moved.status == DayStatus.MOVED and moved.on == datetime.date(2028, 11, 18)
    assert "демалыс" in moved.reason
    held = [day.on for day in days.values() if day.is_held]
    assert len(held) == len(set(held)) and all(day.weekday() == 5 for day in held)
    assert _audited("operators.schedule.created", schedule)


def test_a_schedule_only_at_the_programmes_operator_school(programme_cast, operator_scene):
    c = programme_cast
    with pytest.raises(ValidationError):
        schedule_create(
            actor=c.aliya,
            programme=c.programme,
            school=c.school_b1,
            title="x",
            rule=EVERY_SECOND_SATURDAY,
            first_on=datetime.date(2028, 9, 2),
            until=datetime.date(2028, 12, 23),
            starts_at=datetime.time(9),
            ends_at=datetime.time(13),
        )
    with pytest.raises(PermissionDenied):
        schedule_create(
            actor=c.timur,
            programme=c.programme,
            school=c.school_a1,
            title="x",
            rule=EVERY_SECOND_SATURDAY,
            first_on=datetime.date(2028, 9, 2),
            until=datetime.date(2028, 12, 23),
            starts_at=datetime.time(9),
            ends_at=datetime.time(13),
        )


def test_moving_a_day_moves_its_sessions_and_refuses_taken_or_closed_dates(programme_cast, operator_scene):
    c, s = programme_cast, operator_scene
    with pytest.raises(ValidationError):  # 19 February is the schedule's next day
        training_day_move(actor=c.aliya, day=s.day, on=datetime.date(2028, 2, 19))
    with pytest.raises(ValidationError):  # International Women's Day
        training_day_move(actor=c.aliya, day=s.day, on=datetime.date(2028, 3, 8))
    with pytest.raises(PermissionDenied):
        training_day_move(actor=c.timur, day=s.day, on=datetime.date(2028, 2, 12))
    day = training_day_move(actor=c.aliya, day=s.day, on=datetime.date(2028, 2, 12), reason="жөндеу")
    assert day.status == DayStatus.EDITED and day.planned_on == datetime.date(2028, 2, 5)
    s.session.gathering.refresh_from_db()
    assert s.session.gathering.starts_at == at(datetime.date(2028, 2, 12), 10)
    assert _audited("operators.training_day.moved", day)


def test_cancelling_a_day_cancels_its_sessions(programme_cast, operator_scene):
    c, s = programme_cast, operator_scene
    with pytest.raises(ValidationError):
        training_day_cancel(actor=c.aliya, day=s.day, reason=" ")
    day = training_day_cancel(actor=c.aliya, day=s.day, reason="Карантин")
    s.session.gathering.refresh_from_db()
    assert day.status == DayStatus.CANCELLED and s.session.gathering.cancelled_at is not None
    with pytest.raises(ValidationError):
        session_register(actor=c.aliya, session=s.session, person=c.person_tomiris, school=None)


def _teacher_at_a1(c, name):
    from shamy.access.roles import Role
    from shamy.core.testing.factories import UserFactory

    user = UserFactory(email=f"{name}@example.kz")
    person = PersonFactory(user=user)
    EmploymentFactory(person=person, school=c.school_a1)
    MembershipFactory(
        user=user,
        role=Role.TEACHER,
        programme=c.programme,
        cohort=c.cohort_a,
        school=c.school_a1,
        starts_on=datetime.date(2020, 1, 1),
    )
    return user


def test_sign_up_within_capacity_once_and_not_in_parallel(programme_cast, operator_scene):
    c, s = programme_cast, operator_scene
    # Capacity 3: talgat is signed up; two more fit, the fourth does not.
    first, second, third = (_teacher_at_a1(c, name) for name in ("a", "b", "c"))
    session_sign_up(actor=first, session=s.session)
    session_sign_up(actor=first, session=s.session)  # again: nothing changes
    session_sign_up(actor=second, session=s.session)
    with pytest.raises(ValidationError, match="full"):
        session_sign_up(actor=third, session=s.session)
    assert s.session.gathering.attendances.count() == 3
    # A parallel session in room 102 at 11:00: first is busy then, third is not.
    parallel = session_create(
        actor=c.aliya,
        programme=c.programme,
        day=s.day,
        topic=s.topic,
        trainer=s.partner_trainer,
        room="102",
        starts_at=at(s.day.on, 11),
        ends_at=at(s.day.on, 13),
    )
    with pytest.raises(ValidationError, match="already signed up"):
        session_sign_up(actor=first, session=parallel)
    session_sign_up(actor=third, session=parallel)
    # Withdrawing frees the place; a marked sign-up stays.
    session_withdraw(actor=second, session=s.session)
    assert not Attendance.objects.filter(gathering=s.session.gathering, person__user=second).exists()
    Attendance.objects.filter(gathering=s.session.gathering, person__user=first).update(status=AttendanceStatus.PRESENT)
    with pytest.raises(ValidationError):
        session_withdraw(actor=first, session=s.session)
    with pytest.raises(PermissionDenied):
        session_sign_up(actor=c.tomiris, session=s.session)  # another school
    assert _audited("operators.signup.created", Attendance.objects.get(gathering=parallel.gathering))


def test_rooms_and_trainers_are_not_double_booked(programme_cast, operator_scene):
    c, s = programme_cast, operator_scene
    with pytest.raises(ValidationError, match="room"):
        session_create(
            actor=c.aliya,
            programme=c.programme,
            day=s.day,
            topic=s.topic,
            trainer=s.partner_trainer,
            room="101",
            starts_at=at(s.day.on, 11),
            ends_at=at(s.day.on, 12),
        )
    with pytest.raises(ValidationError, match="trainer"):
        session_create(
            actor=c.aliya,
            programme=c.programme,
            day=s.day,
            topic=s.topic,
            trainer=s.trainer_timur,
            room="103",
            starts_at=at(s.day.on, 9),
            ends_at=at(s.day.on, 11),
        )
    with pytest.raises(ValidationError, match="that day"):
        session_create(
            actor=c.aliya,
            programme=c.programme,
            day=s.day,
            topic=s.topic,
            trainer=s.partner_trainer,
            room="104",
            starts_at=at(s.day.on + datetime.timedelta(days=1), 9),
            ends_at=at(s.day.on + datetime.timedelta(days=1), 10),
        )
    # Back to back in the same room is fine.
    session_create(
        actor=c.aliya,
        programme=c.programme,
        day=s.day,
        topic=s.topic,
        trainer=s.partner_trainer,
        room="101",
        starts_at=at(s.day.on, 12),
        ends_at=at(s.day.on, 13),
    )


def test_only_attendees_rate_a_session_once_and_hours_add_up(programme_cast, operator_scene):
    c, s = programme_cast, operator_scene
    with pytest.raises(ValidationError, match="attended"):
        session_rate(actor=c.talgat, session=s.session, score=4)
    s.signup_talgat.status = AttendanceStatus.LATE
    s.signup_talgat.save()
    rating = session_rate(actor=c.talgat, session=s.session, score=4, comment="Пайдалы")
    assert _audited("operators.rating.created", rating)
    with pytest.raises(ValidationError):
        session_rate(actor=c.talgat, session=s.session, score=5)
    assert SessionRating.objects.count() == 1
    by_teacher = selectors.hours_by_teacher(programme=c.programme, year=2027)
    hours = {row["person_id"]: row["hours"] for row in by_teacher}
    assert hours == {c.person_timur.pk: 8.0, c.person_talgat.pk: 2.0}
    topics = selectors.hours_by_topic(programme=c.programme, year=2027)
    assert [(row["topic"], row["hours"], row["people"]) for row in topics] == [(s.topic, 10.0, 2)]
    assert selectors.hours_by_teacher(programme=c.programme, year=2028) == []
    assert selectors.person_training_hours(person_id=c.person_talgat.pk) == 2.0
    view = selectors.cascade_for(programme=c.programme)
    # One rating: an average of one person's score is not published (issue 16, threshold 10).
    assert view.fidelity_by_generation == {} and view.ratings_hidden


def test_feedback_averages_hide_small_groups_and_what_gives_them_away():
    """A trainer with 3 ratings is hidden; the generation pooling them with a trainer of 12
    ratings must not give it away: a second average is hidden (the other trainer's, an inner
    cell, before the generation's)."""
    from types import SimpleNamespace

    trainers = {1: SimpleNamespace(generation=1), 2: SimpleNamespace(generation=1), 3: SimpleNamespace(generation=2)}
    by_trainer = {1: (4.0, 3), 2: (3.5, 12), 3: (4.2, 15)}
    by_generation = {1: (3.6, 15), 2: (4.2, 15)}
    assert selectors.suppress_ratings(by_trainer, by_generation, trainers, 10)  # type: ignore[arg-type]
    assert 1 not in by_trainer and 2 not in by_trainer
    assert by_generation == {1: (3.6, 15), 2: (4.2, 15)}
    assert by_trainer == {3: (4.2, 15)}


# --- Pages -----------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_pages_take_the_same_queries_for_2_and_20_rows(client, programme_cast, operator_scene):
    c, s = programme_cast, operator_scene
    client.force_login(c.aigerim)
    agreements = reverse("operators:agreement-list") + "?status=all"
    days = reverse("operators:day-list", args=[c.programme.pk]) + "?when=all"
    day = reverse("operators:day-detail", args=[s.day.pk])
    before = [_queries(client, url) for url in (agreements, days, day)]
    for _n in range(18):
        school = SchoolFactory(region=c.region_a)
        agreement_create(
            actor=None, school=school, operator=s.operator, programme=c.programme, starts_on=datetime.date(2024, 9, 1)
        )
    for n in range(3):
        schedule_create(
            actor=None,
            programme=c.programme,
            school=c.school_a1,
            title=f"x{n}",
            rule=EVERY_SECOND_SATURDAY,
            first_on=datetime.date(2029, 1, 6) + datetime.timedelta(days=7 * n),
            until=datetime.date(2029, 5, 1),
            starts_at=datetime.time(9),
            ends_at=datetime.time(13),
        )
    for hour in range(13, 20):
        session_create(
            actor=None,
            programme=c.programme,
            day=s.day,
            topic=s.topic,
            trainer=s.partner_trainer,
            room="201",
            starts_at=at(s.day.on, hour),
            ends_at=at(s.day.on, hour, 50),
        )
    assert OperatorAgreement.objects.count() == 19 and TrainingDay.objects.count() > 20
    assert [_queries(client, url) for url in (agreements, days, day)] == before
    client.force_login(c.talgat)
    assert _queries(client, day) == _queries(client, day)


def test_indicators_suppress_small_groups(programme_cast, operator_scene):
    c = programme_cast
    rows, minimum = selectors.programme_indicators(programme=c.programme, year=2027)
    hours = rows[0].cells
    # timur attended the 8-hour course at A1 (rural): one person, under the threshold.
    assert minimum > 1
    assert hours["rural"].suppressed and hours["rural"].value is None and hours["rural"].people == 1
    assert not hours["urban"].suppressed and hours["urban"].people == 0
    from shamy.analytics.models import AnalyticsSettings

    settings_row = AnalyticsSettings.current()
    settings_row.suppression_threshold = 1
    settings_row.save()
    rows, _minimum = selectors.programme_indicators(programme=c.programme, year=2027)
    assert rows[0].cells["rural"].value == 8.0 and rows[1].cells["all"].value == 1.0
