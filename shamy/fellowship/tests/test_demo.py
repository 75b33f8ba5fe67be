"""The fellowship demo: seed 000's figures, deterministic and idempotent."""

from __future__ import annotations

import pytest
from django.db.models import Count

from shamy.core.testing.factories import RegionFactory, SchoolFactory
from shamy.fellowship.demo import FIRST_SCHOOLS, fellowship_demo_load
from shamy.fellowship.models import FellowshipCohort, Pathway, Placement, Pupil, Stage
from shamy.fellowship.selectors import alumni_figures, cohort_dashboard
from shamy.registry.models import Locality

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_registry(settings):
    settings.SHAMY_DEMO_ALLOWED = True
    for kato in ("35", "55", "39", "15", "10"):
        region = RegionFactory(kato=kato)
        for n in range(FIRST_SCHOOLS + 8):
            SchoolFactory(region=region, locality=Locality.RURAL, pupils=1500 - 40 * n, is_demo=True, language="kk")


def test_the_demo_holds_seed_000s_first_cohort_and_a_second_run_changes_nothing(demo_registry):
    summary = fellowship_demo_load()
    assert not summary.already_loaded
    first = FellowshipCohort.objects.order_by("cohort__starts_on").first()
    placements = Placement.objects.filter(fellow__cohort=first)
    assert placements.count() == 22
    assert placements.values("school").distinct().count() == 9
    assert {p.school.region.kato for p in placements} == {"35"}
    assert Pupil.objects.filter(school__in=placements.values("school")).exists()
    total, regions = cohort_dashboard(first)
    assert total.indirect > 6000
    assert total.schools == 9
    per_fellow = placements.annotate(taught=Count("classes__pupils", distinct=True)).values_list("taught", flat=True)
    assert all(120 <= n <= 350 for n in per_fellow)
    assert total.direct < sum(per_fellow)  # fellows in one school share pupils, counted once
    alumni = alumni_figures(first)
    assert alumni.alumni == 22 and set(alumni.by_pathway) == set(Pathway.values)
    current = FellowshipCohort.objects.order_by("cohort__starts_on")[1]
    assert {p.school.region.kato for p in Placement.objects.filter(fellow__cohort=current)} == {"35", "55", "39", "15"}
    recruiting = FellowshipCohort.objects.get(applications_open=True)
    assert set(recruiting.applications.values_list("stage", flat=True)) == set(Stage.values) - {Stage.PLACED}
    counts = summary.counts
    again = fellowship_demo_load()
    assert again.already_loaded and again.counts == counts


def test_the_demo_records_support_on_the_attendance_apps_gatherings(demo_registry):
    from shamy.attendance.models import Attendance, AttendanceStatus
    from shamy.fellowship.models import SupportVisit
    from shamy.fellowship.selectors import cohort_support

    fellowship_demo_load()
    current = FellowshipCohort.objects.order_by("cohort__starts_on")[1]
    support = cohort_support(current)
    assert len(support.trainings) == 1
    training = support.trainings[0]
    assert training.expected >= 10 and training.attended == training.expected - 1
    visits = SupportVisit.objects.filter(placement__fellow__cohort=current)
    assert visits.count() == 2 * support.fellows_visited > 0
    marks = Attendance.objects.filter(gathering__fellowship_visit__in=visits).values_list("status", flat=True)
    assert set(marks) == {AttendanceStatus.PRESENT}


def test_the_demo_loads_on_a_small_registry_using_its_schools_in_turn(settings):
    """The phone and language walks load the registry demo at a small scale: a region may hold only
    a few rural schools."""
    settings.SHAMY_DEMO_ALLOWED = True
    for kato in ("35", "55", "39", "15", "10"):
        region = RegionFactory(kato=kato)
        for n in range(3):
            SchoolFactory(region=region, locality=Locality.RURAL, pupils=150 - 20 * n, is_demo=True, language="kk")
    summary = fellowship_demo_load()
    assert summary.counts["cohorts"] == 3 and summary.counts["placements"] == 38
    recruiting = FellowshipCohort.objects.get(applications_open=True)
    assert set(recruiting.applications.values_list("stage", flat=True)) == set(Stage.values) - {Stage.PLACED}
    first = FellowshipCohort.objects.order_by("cohort__starts_on").first()
    assert Placement.objects.filter(fellow__cohort=first).values("school").distinct().count() == 3
