"""Programme coordinators and observers see aggregates for their own programmes only."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["aliya", "nurlan"])
def test_coordinator_and_observer_see_their_programme_coverage(client, programme_cast, persona):
    client.force_login(getattr(programme_cast, persona))
    response = client.get(reverse("analytics:dashboard"), {"indicator": "programme_schools"})
    assert response.status_code == 200
    board = response.context["board"]
    assert board.filters.programme == programme_cast.programme.pk
    # Programme P reaches school A1 (region A) and school B1 (region B); Q's school A2 is not counted.
    assert board.table.national.total.value == 2
    choices = [value for value, _label in response.context["form"].fields["programme"].choices]
    assert choices == [programme_cast.programme.pk]


def test_coordinator_cannot_switch_to_another_programme(client, programme_cast):
    client.force_login(programme_cast.aliya)
    response = client.get(
        reverse("analytics:dashboard"),
        {"indicator": "programme_schools", "programme": programme_cast.other_programme.pk},
    )
    assert response.context["board"].filters.programme == programme_cast.programme.pk


def test_national_analyst_filters_any_programme(client, programme_cast):
    client.force_login(programme_cast.dana)
    everything = client.get(reverse("analytics:dashboard"), {"indicator": "programme_schools"})
    assert everything.context["board"].table.national.total.value == 3  # A1, B1 (P) and A2 (Q)
    other = client.get(
        reverse("analytics:dashboard"),
        {"indicator": "programme_schools", "programme": programme_cast.other_programme.pk},
    )
    assert other.context["board"].table.national.total.value == 1


@pytest.mark.parametrize("persona", ["timur", "talgat", "serik", "madina"])
def test_other_programme_roles_see_no_aggregates(client, programme_cast, persona):
    client.force_login(getattr(programme_cast, persona))
    assert client.get(reverse("analytics:dashboard")).status_code == 403


def test_need_ranking_flags_places_the_programme_does_not_reach(client, programme_cast):
    client.force_login(programme_cast.erbol)  # coordinator of Q, which reaches only school A2 (region A)
    response = client.get(reverse("analytics:need"))
    flags = {item.place.kato: item.unreached for item in response.context["ranked"]}
    assert flags == {"19": False, "47": True}


def test_participation_hours_and_teachers_reached_from_attendance(client, programme_cast):
    import datetime

    from django.utils import timezone

    from shamy.analytics.selectors import current_school_year
    from shamy.attendance.models import Attendance, Gathering
    from shamy.core.testing.factories import PersonFactory

    year = current_school_year()
    start = timezone.make_aware(datetime.datetime(year, 10, 1, 10, 0))
    c = programme_cast
    two_hours = Gathering.objects.create(
        programme=c.programme,
        cohort=c.cohort_a,
        kind="in_school",
        title="Session",
        school=c.school_a1,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
    )
    three_hours = Gathering.objects.create(
        programme=c.programme,
        cohort=c.cohort_a,
        kind="induction",
        title="Workshop",
        starts_at=start + datetime.timedelta(days=7),
        ends_at=start + datetime.timedelta(days=7, hours=3),
    )
    people = [PersonFactory() for _ in range(12)]
    for person in people:  # 12 rural teachers of school A1 at the two-hour session
        Attendance.objects.create(gathering=two_hours, person=person, school=c.school_a1, status="present")
    for person in people[:6]:  # six of them also at the three-hour workshop, one late
        Attendance.objects.create(
            gathering=three_hours,
            person=person,
            school=c.school_a1,
            status="late" if person is people[0] else "present",
        )
    # Absent and excused do not count.
    Attendance.objects.create(gathering=three_hours, person=people[6], school=c.school_a1, status="absent")

    client.force_login(c.aliya)
    teachers = client.get(reverse("analytics:dashboard"), {"indicator": "programme_teachers"})
    assert teachers.context["board"].table.national.rural.value == 12
    hours = client.get(reverse("analytics:dashboard"), {"indicator": "participation_hours_per_teacher"})
    assert hours.context["board"].table.national.rural.value == pytest.approx((12 * 2 + 6 * 3) / 12)
    # Fewer than ten teachers in a cell: suppressed, never shown.
    Attendance.objects.filter(person__in=people[:3]).delete()
    suppressed = client.get(reverse("analytics:dashboard"), {"indicator": "programme_teachers"})
    assert suppressed.context["board"].table.national.rural.suppressed


def test_children_reached_are_the_pupils_of_reached_schools(client, programme_cast):
    client.force_login(programme_cast.aliya)
    response = client.get(reverse("analytics:dashboard"), {"indicator": "programme_pupils"})
    # Programme P reaches A1 (46 pupils) and B1 (380 pupils).
    assert response.context["board"].table.national.total.value == 46 + 380
