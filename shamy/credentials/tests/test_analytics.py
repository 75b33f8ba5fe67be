"""Issue 14: "certified teachers" among the equity analytics' programme indicators, urban and
rural, dated by issue, without revoked certificates, under the suppression rule."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from shamy.access.context import AnalyticsScope
from shamy.analytics.dashboard import provided_by_apps, year_basis
from shamy.analytics.indicators import COMPUTED, evaluate
from shamy.analytics.models import Indicator
from shamy.analytics.selectors import national_parts, panel_for
from shamy.credentials.analytics import CERTIFIED
from shamy.credentials.models import Certificate
from shamy.credentials.services.certificates import certificate_revoke

pytestmark = pytest.mark.django_db
NATIONAL = AnalyticsScope(national=True)
EXTRA = frozenset({CERTIFIED})


def _school_year(moment: datetime.datetime) -> int:
    local = timezone.localtime(moment)
    return local.year if local.month >= 9 else local.year - 1


def test_certified_teachers_is_a_dated_computed_indicator():
    indicator = Indicator.objects.get(code=CERTIFIED)
    assert indicator.source_kind == "computed" and CERTIFIED in COMPUTED
    assert provided_by_apps(indicator) == frozenset({CERTIFIED})
    assert year_basis(indicator, 2019, 2022) == "dated"


def test_counted_by_the_portfolio_school_in_the_year_of_issue_and_not_when_revoked(world):
    certificate = world.certificate
    school = certificate.submission.school
    year = _school_year(certificate.issued_at)
    locality = str(school.locality)
    panel = panel_for(scope=NATIONAL, year=year, programme_id=world.programme.pk, extra=EXTRA)
    assert panel[school.region_id][locality][CERTIFIED] == 1
    # Another school year does not count it.
    assert CERTIFIED not in panel_for(scope=NATIONAL, year=year - 1, extra=EXTRA).get(school.region_id, {}).get(
        locality, {}
    )
    # Another programme's filter does not count it either.
    other = panel_for(scope=NATIONAL, year=year, programme_id=world.programme.pk + 1000, extra=EXTRA)
    assert CERTIFIED not in other.get(school.region_id, {}).get(locality, {})
    # One teacher: under the threshold the cell is suppressed.
    assert evaluate(COMPUTED[CERTIFIED], national_parts(panel)[locality], 10).suppressed
    assert evaluate(COMPUTED[CERTIFIED], national_parts(panel)[locality], 1).value == 1
    # Revoked: counts nowhere (and the cached panel is invalidated).
    certificate_revoke(actor=world.serik, certificate=certificate, reason="Плагиат")
    panel = panel_for(scope=NATIONAL, year=year, extra=EXTRA)
    assert CERTIFIED not in panel.get(school.region_id, {}).get(locality, {})


def test_a_teacher_certified_twice_in_a_year_counts_once(world):
    from shamy.assessment.tests.conftest import written_project
    from shamy.credentials.services.certificates import certificate_issue
    from shamy.credentials.tests.conftest import approve

    second = approve(world, written_project(world.talgat, world.cohort_a, title="Екінші жоба"))
    certificate_issue(actor=world.serik, submission=second)
    assert Certificate.objects.filter(teacher=world.certificate.teacher).count() == 2
    school = world.certificate.submission.school
    year = _school_year(world.certificate.issued_at)
    panel = panel_for(scope=NATIONAL, year=year, extra=EXTRA)
    assert panel[school.region_id][str(school.locality)][CERTIFIED] == 1


def test_the_dashboard_offers_certified_teachers_in_three_languages(client, world):
    client.force_login(world.aliya)
    year = _school_year(world.certificate.issued_at)
    response = client.get(reverse("analytics:dashboard"), {"indicator": CERTIFIED, "year": year})
    assert response.status_code == 200
    assert "Сертификатталған мұғалімдер" in response.content.decode()
