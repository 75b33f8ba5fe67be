"""Support of fellows: mentor visits and trainings, on the attendance app's gatherings and marks."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from shamy.attendance.models import Attendance, AttendanceStatus, Gathering, GatheringKind
from shamy.attendance.services.marking import attendance_mark
from shamy.audit.models import AuditEntry
from shamy.fellowship.models import Placement, PlacementStatus, SupportVisit
from shamy.fellowship.selectors import cohort_support, placement_support
from shamy.fellowship.services.support import fellow_person, mentor_visit_record, training_schedule

pytestmark = pytest.mark.django_db


def _visit(c, actor, **changes):
    values = {
        "visited_on": datetime.date(2025, 3, 4),
        "starts_at": datetime.time(10, 0),
        "hours": Decimal("1.5"),
        "notes": "Сабаққа қатыстым, кері байланыс бердім.",
        **changes,
    }
    return mentor_visit_record(actor=actor, placement=c.placement, **values)


def test_a_mentor_visit_is_an_in_school_gathering_with_the_fellow_marked_present(fellowship_cast):
    c = fellowship_cast
    visit = _visit(c, c.marat)
    gathering = visit.gathering
    assert gathering.kind == GatheringKind.IN_SCHOOL
    assert gathering.school_id == c.placement.school_id
    assert gathering.cohort_id == c.cohort.cohort_id
    assert list(gathering.leads.all()) == [c.marat]
    assert gathering.ends_at - gathering.starts_at == datetime.timedelta(minutes=90)
    row = Attendance.objects.get(gathering=gathering)
    assert row.person == c.fellow_dias.person
    assert row.person.user == c.dias  # the fellow's account is linked to their registry person
    assert row.status == AttendanceStatus.PRESENT and row.marked_by == c.marat
    assert AuditEntry.objects.filter(action="fellowship.visit.recorded", actor=c.marat).count() == 1
    support = placement_support(Placement.objects.get(pk=c.placement.pk))
    assert [row.visit for row in support.visits] == [visit]
    assert support.visit_hours == 1.5
    assert support.visits[0].mentor == str(c.marat)
    assert support.trainings == []  # a visit is not a training


def test_a_coordinator_records_a_visit_for_the_mentor_and_others_may_not(fellowship_cast):
    c = fellowship_cast
    visit = _visit(c, c.gulnara)
    assert list(visit.gathering.leads.all()) == [c.marat]
    assert visit.created_by == c.gulnara
    for outsider in (c.dias, c.bolat, c.asel, c.aigerim):
        with pytest.raises(PermissionDenied):
            _visit(c, outsider, visited_on=datetime.date(2025, 3, 5))
    assert SupportVisit.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"visited_on": datetime.date(2024, 8, 1)}, "visited_on"),  # before the placement
        ({"visited_on": timezone.localdate() + datetime.timedelta(days=2)}, "visited_on"),
        ({"hours": Decimal("0.1")}, "hours"),
        ({"hours": Decimal(9)}, "hours"),
        ({"notes": "  "}, "notes"),
    ],
)
def test_a_visit_outside_the_rules_is_refused_and_nothing_is_written(fellowship_cast, changes, field):
    c = fellowship_cast
    with pytest.raises(ValidationError) as error:
        _visit(c, c.marat, **changes)
    assert field in error.value.message_dict
    assert not Gathering.objects.exists() and not SupportVisit.objects.exists()


def test_no_visit_is_recorded_once_the_fellow_has_left(fellowship_cast):
    c = fellowship_cast
    c.placement.status = PlacementStatus.LEFT_EARLY
    c.placement.left_on, c.placement.leaving_reason = datetime.date(2025, 2, 1), "health"
    c.placement.save()
    with pytest.raises(PermissionDenied):
        _visit(c, c.marat)


def test_a_training_expects_the_serving_fellows_and_its_marks_give_their_hours(fellowship_cast):
    c = fellowship_cast
    start = timezone.make_aware(datetime.datetime(2025, 7, 1, 9, 0))
    gathering = training_schedule(
        actor=c.gulnara,
        cohort=c.cohort,
        kind=GatheringKind.INDUCTION,
        title="Жазғы дайындық",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=6),
    )
    rows = list(Attendance.objects.filter(gathering=gathering))
    c.fellow_dias.refresh_from_db()
    assert [row.person for row in rows] == [c.fellow_dias.person]  # the fellow not yet placed is not expected
    assert AuditEntry.objects.filter(action="fellowship.training.scheduled", actor=c.gulnara).exists()
    # Marked on the attendance app's own service, by the coordinator leading it.
    attendance_mark(actor=c.gulnara, attendance=rows[0], status=AttendanceStatus.LATE)
    support = placement_support(Placement.objects.get(pk=c.placement.pk))
    assert [(row.title, row.hours, row.attended) for row in support.trainings] == [("Жазғы дайындық", 6.0, True)]
    assert support.training_hours == 6.0
    summary = cohort_support(c.cohort)
    assert [(t.expected, t.attended, t.hours) for t in summary.trainings] == [(1, 1, 6.0)]
    assert summary.training_hours == 6.0
    _visit(c, c.marat)
    summary = cohort_support(c.cohort)
    assert (summary.visits, summary.fellows_visited, summary.visit_hours) == (1, 1, 1.5)
    assert len(summary.trainings) == 1  # the visit's gathering is not counted as a training


def test_an_absent_fellow_gets_no_training_hours(fellowship_cast):
    c = fellowship_cast
    start = timezone.make_aware(datetime.datetime(2025, 7, 1, 9, 0))
    gathering = training_schedule(
        actor=c.gulnara,
        cohort=c.cohort,
        kind="conference",
        title="Қорытынды",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
    )
    attendance_mark(actor=c.gulnara, attendance=gathering.attendances.get(), status=AttendanceStatus.ABSENT)
    support = placement_support(Placement.objects.get(pk=c.placement.pk))
    assert support.training_hours == 0 and support.trainings[0].status


def test_training_rules(fellowship_cast):
    c = fellowship_cast
    start = timezone.make_aware(datetime.datetime(2025, 7, 1, 9, 0))
    with pytest.raises(PermissionDenied):
        training_schedule(actor=c.marat, cohort=c.cohort, kind="induction", title="x", starts_at=start, ends_at=start)
    with pytest.raises(ValidationError):
        training_schedule(actor=c.gulnara, cohort=c.cohort, kind="in_school", title="x", starts_at=start, ends_at=start)
    with pytest.raises(ValidationError):
        training_schedule(actor=c.gulnara, cohort=c.cohort, kind="induction", title="x", starts_at=start, ends_at=start)
    with pytest.raises(ValidationError):  # a webinar needs its link (the attendance app's rule)
        training_schedule(
            actor=c.gulnara,
            cohort=c.cohort,
            kind="webinar",
            title="x",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
        )
    assert not Gathering.objects.exists()


def test_the_fellows_person_is_made_once(fellowship_cast):
    c = fellowship_cast
    other = c.fellow_other
    person = fellow_person(other)
    assert fellow_person(other) == person
    assert (person.given_name, person.surname) == tuple(other.full_name.split(maxsplit=1))


def test_the_visit_form_keeps_what_was_typed_on_error(client, fellowship_cast):
    c = fellowship_cast
    client.force_login(c.marat)
    url = reverse("fellowship:placement-visit", kwargs={"placement_id": c.placement.pk})
    response = client.post(
        url, {"visited_on": "2024-01-01", "starts_at": "11:30", "hours": "2", "notes": "Менің жазбам"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Менің жазбам" in body and 'value="11:30' in body
    assert not SupportVisit.objects.exists()
    response = client.post(
        url, {"visited_on": "2025-03-04", "starts_at": "11:30", "hours": "2", "notes": "Менің жазбам"}
    )
    assert response.status_code == 302
    page = client.get(reverse("fellowship:placement-detail", kwargs={"placement_id": c.placement.pk}))
    assert 'id="visits"' in page.content.decode() and "Менің жазбам" in page.content.decode()


def test_the_placement_and_cohort_pages_keep_their_queries_with_more_support(
    client, fellowship_cast, django_assert_max_num_queries
):
    c = fellowship_cast
    client.force_login(c.gulnara)
    placement_url = reverse("fellowship:placement-detail", kwargs={"placement_id": c.placement.pk})
    cohort_url = reverse("fellowship:cohort-detail", kwargs={"cohort_id": c.cohort.pk})
    _visit(c, c.marat)
    start = timezone.make_aware(datetime.datetime(2025, 7, 1, 9, 0))
    training_schedule(
        actor=c.gulnara,
        cohort=c.cohort,
        kind="induction",
        title="Бір",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
    )
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for url in (placement_url, cohort_url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    for day in range(5, 10):
        _visit(c, c.marat, visited_on=datetime.date(2025, 3, day))
        training_schedule(
            actor=c.gulnara,
            cohort=c.cohort,
            kind="induction",
            title=f"Тренинг {day}",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
        )
    for url, count in zip((placement_url, cohort_url), counts, strict=True):
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200
