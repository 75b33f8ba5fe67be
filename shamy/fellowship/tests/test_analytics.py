"""The fellowship's indicators in the equity analytics: fellows in place and children reached,
urban and rural, dated by placement, suppressed under the threshold."""

from __future__ import annotations

import datetime

import pytest

from shamy.access.context import AnalyticsScope
from shamy.analytics.indicators import COMPUTED, evaluate
from shamy.analytics.models import Indicator
from shamy.analytics.selectors import national_parts, panel_for
from shamy.fellowship.analytics import CHILDREN, FELLOWS
from shamy.fellowship.models import Fellow, Placement, PlacementStatus
from shamy.fellowship.services.school_years import taught_class_record

pytestmark = pytest.mark.django_db
NATIONAL = AnalyticsScope(national=True)
EXTRA = frozenset({FELLOWS, CHILDREN})


def test_the_indicators_exist_as_computed_analytics_indicators():
    assert set(Indicator.objects.filter(code__in=[FELLOWS, CHILDREN]).values_list("source_kind", flat=True)) == {
        "computed"
    }
    assert FELLOWS in COMPUTED and CHILDREN in COMPUTED


def test_fellows_and_children_by_region_and_locality_dated_by_placement(fellowship_cast):
    c = fellowship_cast
    # A second fellow in the same rural school teaching some of the same children; one who left
    # before the 2025 school year began.
    other = Fellow.objects.create(cohort=c.cohort, full_name="Екінші", subjects=["english"], languages=["kk"])
    second = Placement.objects.create(
        fellow=other,
        school=c.school_a1,
        subject="english",
        starts_on=datetime.date(2024, 9, 1),
        ends_on=datetime.date(2026, 6, 30),
    )
    gone = Fellow.objects.create(cohort=c.cohort, full_name="Кеткен", subjects=["english"], languages=["kk"])
    Placement.objects.create(
        fellow=gone,
        school=c.school_a2,
        subject="english",
        starts_on=datetime.date(2024, 9, 1),
        ends_on=datetime.date(2026, 6, 30),
        status=PlacementStatus.LEFT_EARLY,
        left_on=datetime.date(2025, 3, 1),
        leaving_reason="health",
    )
    codes = [str(n) for n in range(12)]
    taught_class_record(
        actor=c.dias, placement=c.placement, school_year=2025, name="7", subject="mathematics", pupil_codes=codes
    )
    taught_class_record(
        actor=c.gulnara, placement=second, school_year=2025, name="7", subject="english", pupil_codes=codes[6:] + ["x"]
    )
    taught_class_record(
        actor=c.dias, placement=c.placement, school_year=2024, name="6", subject="mathematics", pupil_codes=["old"]
    )

    panel = panel_for(scope=NATIONAL, year=2025, extra=EXTRA)
    rural = panel[c.region_a.pk]["rural"]
    assert rural[FELLOWS] == 2
    assert rural[CHILDREN] == 13  # 12 + "x"; the six taught by both count once; 2024's class is not 2025's
    assert FELLOWS not in panel[c.region_a.pk].get("urban", {})  # the early leaver left before 2025/26
    earlier = panel_for(scope=NATIONAL, year=2024, extra=EXTRA)
    assert earlier[c.region_a.pk]["urban"][FELLOWS] == 1
    # Under the suppression threshold (10 by default) the two fellows are hidden; 13 children are not.
    parts = national_parts(panel)
    assert evaluate(COMPUTED[FELLOWS], parts["rural"], 10).suppressed
    assert evaluate(COMPUTED[CHILDREN], parts["rural"], 10).value == 13


def test_a_new_class_shows_at_once(fellowship_cast):
    c = fellowship_cast
    assert CHILDREN not in panel_for(scope=NATIONAL, year=2025, extra=EXTRA).get(c.region_a.pk, {}).get("rural", {})
    taught_class_record(
        actor=c.dias, placement=c.placement, school_year=2025, name="7", subject="mathematics", pupil_codes=["1"]
    )
    assert panel_for(scope=NATIONAL, year=2025, extra=EXTRA)[c.region_a.pk]["rural"][CHILDREN] == 1


def test_the_dashboard_asks_for_the_fellowship_sums_only_for_its_indicators():
    from shamy.analytics.dashboard import provided_by_apps

    assert provided_by_apps(Indicator.objects.get(code=CHILDREN)) == frozenset({CHILDREN})
    assert provided_by_apps(Indicator.objects.get(code="schools")) == frozenset()


def test_the_analytics_dashboard_shows_children_reached_by_fellows(client, fellowship_cast):
    from django.urls import reverse

    c = fellowship_cast
    taught_class_record(
        actor=c.dias,
        placement=c.placement,
        school_year=2025,
        name="7",
        subject="mathematics",
        pupil_codes=[str(n) for n in range(15)],
    )
    client.force_login(c.dana)
    response = client.get(reverse("analytics:dashboard"), {"indicator": CHILDREN, "year": 2025})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Бағдарлама мұғалімдері оқытқан балалар" in body  # the indicator's Kazakh name
    assert ">15<" in body.replace(" ", "")
