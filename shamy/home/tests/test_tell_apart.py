"""Things that can be told apart (issue 11, point 8): two schools of the same name in different
districts are shown with their district wherever schools are listed, and people with their
school."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from shamy.attendance.models import Attendance, AttendanceStatus, GatheringKind
from shamy.attendance.selectors import attendance_rates_by_school, participation_hours
from shamy.attendance.services.gatherings import gathering_create
from shamy.core.testing.factories import DistrictFactory, PersonFactory, SchoolFactory
from shamy.portfolios.models import FocusTheme
from shamy.portfolios.services.projects import project_create
from shamy.programmes.models import CohortSchool

pytestmark = pytest.mark.django_db

TWIN_DISTRICT = "Талғар ауданы"
OWN_DISTRICT = "Ұйғыр ауданы"  # school A1's district in the cast


@pytest.fixture
def twin(programme_cast, scene):
    """A second "Ақсу ауылының мектебі" in another district of region A, in cohort A, with a
    teacher marked present at a session there and a development project."""
    c = programme_cast
    district = DistrictFactory(region=c.region_a, name_kk=TWIN_DISTRICT, name_ru="Талгарский район")
    school = SchoolFactory(
        region=c.region_a, district=district, name_kk=c.school_a1.name_kk, name_ru=c.school_a1.name_ru
    )
    CohortSchool.objects.create(cohort=c.cohort_a, school=school, joined_on=datetime.date(2024, 9, 1))
    person = PersonFactory(surname="Әбенов", given_name="Талғат")
    started = timezone.now() - datetime.timedelta(hours=1)
    session = gathering_create(
        actor=c.aliya,
        programme=c.programme,
        cohort=c.cohort_a,
        kind=GatheringKind.IN_SCHOOL,
        title="Егіз мектептегі сессия",
        school=school,
        starts_at=started,
        ends_at=started + datetime.timedelta(hours=2),
        leads=[c.aliya],
    )
    Attendance.objects.create(gathering=session, person=person, school=school, status=AttendanceStatus.PRESENT)
    Attendance.objects.filter(pk=scene.attendance_talgat.pk).update(status=AttendanceStatus.PRESENT)
    project_create(
        actor=None,
        cohort=c.cohort_a,
        title="Егіз жоба",
        theme=FocusTheme.objects.get(code="functional-literacy"),
        teacher=person,
        school_id=school.pk,
    )
    project_create(
        actor=c.talgat, cohort=c.cohort_a, title="Жоба", theme=FocusTheme.objects.get(code="functional-literacy")
    )
    return school


def test_attendance_rates_and_hours_name_each_schools_district(client, programme_cast, twin):
    c = programme_cast
    rows = [row for row in attendance_rates_by_school(programme=c.programme) if row.label == c.school_a1.name]
    assert sorted(row.district for row in rows) == sorted([OWN_DISTRICT, TWIN_DISTRICT])
    hours = [row for row in participation_hours(programme=c.programme) if row.name == "Әбенов Талғат"]
    assert sorted(row.district for row in hours) == sorted([OWN_DISTRICT, TWIN_DISTRICT])
    client.force_login(c.aliya)
    page = client.get(reverse("attendance:report", args=[c.programme.pk])).content.decode()
    assert page.count(TWIN_DISTRICT) == 2 and page.count(OWN_DISTRICT) >= 2  # by school and hours


def test_programme_overview_names_each_schools_district(client, programme_cast, twin):
    c = programme_cast
    client.force_login(c.aliya)
    response = client.get(reverse("portfolios:programme-overview", args=[c.programme.pk]))
    districts = {
        row.district for _region, rows in response.context["grouped"] for row in rows if row.label == c.school_a1.name
    }
    assert districts == {OWN_DISTRICT, TWIN_DISTRICT}
    assert TWIN_DISTRICT in response.content.decode()


def test_who_is_stuck_names_each_schools_district(client, programme_cast, twin):
    c = programme_cast
    client.force_login(c.aliya)
    page = client.get(reverse("portfolios:link-overview", args=[c.programme.pk])).content.decode()
    assert TWIN_DISTRICT in page and OWN_DISTRICT in page


def test_session_lists_name_the_schools_district(client, programme_cast, twin):
    c = programme_cast
    client.force_login(c.aliya)
    page = client.get(reverse("attendance:gathering-list", args=[c.programme.pk])).content.decode()
    assert TWIN_DISTRICT in page and OWN_DISTRICT in page


def test_people_at_a_network_event_are_shown_with_their_school(client, programme_cast, scene):
    c = programme_cast
    client.force_login(c.madina)
    page = client.get(reverse("attendance:attendance-take", args=[scene.network_a.pk])).content.decode()
    assert 'class="attendance-school muted"' in page and c.school_a1.name in page
    # At an in-school session everyone is of that school: the name alone is shown.
    client.force_login(c.timur)
    page = client.get(reverse("attendance:attendance-take", args=[scene.session_a1.pk])).content.decode()
    assert 'class="attendance-school muted"' not in page


def test_the_list_of_people_to_expect_shows_their_school(client, programme_cast, scene):
    c = programme_cast
    network = scene.network_a
    network.attendances.filter(person=c.person_talgat).delete()
    client.force_login(c.madina)
    page = client.get(reverse("attendance:gathering-detail", args=[network.pk])).content.decode()
    label = f"{c.person_talgat.full_name} · {c.school_a1.name} ({OWN_DISTRICT})"
    option = f'<option value="{c.person_talgat.pk}">{label}</option>'
    assert option in page
