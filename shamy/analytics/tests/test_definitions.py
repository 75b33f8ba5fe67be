"""Issue 10, point 4: each indicator counts what its definition says; 0 of 0 is undefined."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from shamy.analytics.models import AnalyticsSettings, Indicator, Target
from shamy.analytics.selectors import current_school_year
from shamy.analytics.targets import target_progress
from shamy.attendance.models import Attendance, Gathering
from shamy.core.testing.factories import PersonFactory, RegionFactory
from shamy.registry.models import Person

pytestmark = pytest.mark.django_db


def _person_of(user) -> Person:
    found = Person.objects.filter(user=user).first()
    return found if found is not None else Person.objects.get(pk=PersonFactory(user=user).pk)


def test_teachers_reached_count_teachers_only(client, programme_cast):
    """A session with 12 teachers without a programme role, a teacher member (talgat), a school
    facilitator (timur), a principal (bolat) and a link facilitator (madina): teachers reached
    13, facilitators 1, principals 1; the link facilitator in none."""
    c = programme_cast
    AnalyticsSettings.objects.update_or_create(pk=1, defaults={"suppression_threshold": 1})
    start = timezone.make_aware(datetime.datetime(current_school_year(), 10, 1, 10, 0))
    session = Gathering.objects.create(
        programme=c.programme,
        cohort=c.cohort_a,
        kind="in_school",
        title="Session",
        school=c.school_a1,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
    )
    people: list[object] = [PersonFactory() for _ in range(12)]
    people += [c.person_talgat, c.person_timur, _person_of(c.bolat), c.person_madina]
    for person in people:
        Attendance.objects.create(gathering=session, person=person, school=c.school_a1, status="present")

    client.force_login(c.aliya)

    def national(code: str):
        response = client.get(reverse("analytics:dashboard"), {"indicator": code})
        return response.context["board"].table.national

    assert national("programme_teachers").total.value == 13
    assert national("programme_facilitators").total.value == 1
    assert national("programme_principals").total.value == 1
    assert national("participation_hours_per_teacher").total.value == pytest.approx(2.0)
    definition = Indicator.objects.get(code="programme_teachers").definition["en"]
    assert "facilitators, principals and programme staff are counted in their own indicators" in definition


def test_a_place_without_attendance_reached_zero_teachers_not_undefined(client, programme_cast):
    client.force_login(programme_cast.aliya)
    response = client.get(reverse("analytics:dashboard"), {"indicator": "programme_teachers"})
    rows = {place.kato: row for place, row in response.context["board"].table.rows}
    assert rows["47"].total.value == 0 and not rows["47"].total.suppressed


def test_zero_of_zero_on_the_targets_page_is_undefined(cast):
    from shamy.access.context import AnalyticsScope

    RegionFactory(kato="62", name_kk="Ұлытау облысы", name_ru="Улытауская область", name_en="Ulytau Region")
    target = Target.objects.filter(metric="future_schools_built").first()
    assert target is not None
    progress = next(item for item in target_progress(scope=AnalyticsScope(national=True)) if item.target == target)
    ulytau = next(row for row in progress.regions if row.region.kato == "62")
    assert (ulytau.achieved, ulytau.pool) == (0, 0)
    assert ulytau.percent is None
    assert progress.regions[-1].region.kato == "62" or progress.regions[-1].percent is None


def test_targets_page_shows_undefined_for_zero_of_zero(client, cast):
    RegionFactory(kato="62", name_kk="Ұлытау облысы", name_ru="Улытауская область", name_en="Ulytau Region")
    client.force_login(cast.aigerim)
    html = client.get(reverse("analytics:targets")).content.decode()
    row = html.split("Ұлытау облысы")[1].split("</tr>")[0]
    assert 'class="undefined"' in row and "0,0%" not in row
