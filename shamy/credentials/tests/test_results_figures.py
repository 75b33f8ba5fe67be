"""Issue 17: certified teachers in a programme's results page and donor report (all, urban, rural),
counted by the credentials' rule and suppressed like the other figures."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from shamy.analytics.models import AnalyticsSettings
from shamy.credentials.selectors import certified_teachers
from shamy.credentials.services.certificates import certificate_revoke
from shamy.results import figures as results_figures
from shamy.results.figures import Period, programme_figures
from shamy.results.report import report_html

pytestmark = pytest.mark.django_db
FIGURE = re.compile(r'data-figure="([^"]+)">([^<]*)<')
CERTIFIED, URBAN, RURAL = "outcome:1", "outcome:2", "outcome:3"


def _period():
    return Period(datetime.date(2024, 1, 1), timezone.localdate())


def test_the_selector_counts_distinct_teachers_by_locality_and_not_revoked(world):
    period = _period()
    locality = str(world.certificate.submission.school.locality)
    assert certified_teachers(world.programme.pk, period.start, period.end) == {locality: 1, "all": 1}
    before = Period(datetime.date(2020, 1, 1), datetime.date(2020, 12, 31))
    assert certified_teachers(world.programme.pk, before.start, before.end) == {"all": 0}
    certificate_revoke(actor=world.serik, certificate=world.certificate, reason="Плагиат")
    assert certified_teachers(world.programme.pk, period.start, period.end) == {"all": 0}


@pytest.mark.parametrize("minimum", [1, 10])
def test_page_and_report_show_the_same_certified_figures(client, world, minimum):
    AnalyticsSettings.objects.create(pk=1, suppression_threshold=minimum)
    client.force_login(world.nurlan)
    period = _period()
    query = {"starts_on": period.starts_on.isoformat(), "ends_on": period.ends_on.isoformat()}
    page = client.get(reverse("results:programme", args=[world.programme.pk]), query).content.decode()
    on_page = dict(FIGURE.findall(page))
    in_report = dict(FIGURE.findall(report_html(programme=world.programme, period=period, language="kk")))
    with translation.override("kk"):
        # The results app's own word for a hidden figure (no second msgid in a test).
        suppressed = results_figures.display(results_figures.Figure(None, results_figures.COUNT, None, suppressed=True))
    assert {key: on_page[key] for key in (CERTIFIED, URBAN, RURAL)} == {
        key: in_report[key] for key in (CERTIFIED, URBAN, RURAL)
    }
    # One certified teacher, in one locality: the other locality has none, so both are suppressed
    # (either would reveal the other through the total).
    assert on_page[URBAN] == on_page[RURAL] == suppressed
    assert on_page[CERTIFIED] == ("1" if minimum == 1 else suppressed)


def test_localities_are_shown_when_both_reach_the_threshold(programme_cast, monkeypatch):
    AnalyticsSettings.objects.create(pk=1, suppression_threshold=3)
    counts = {"urban": 3, "rural": 4, "all": 7}
    monkeypatch.setattr(results_figures, "CERTIFIED_COUNTERS", [lambda *_args: counts])
    figures = programme_figures(programme=programme_cast.programme, period=_period())
    assert (figures.certified.value, figures.certified_urban.value, figures.certified_rural.value) == (7, 3, 4)
    counts["urban"] = 2
    figures = programme_figures(programme=programme_cast.programme, period=_period())
    assert figures.certified.value == 7
    assert figures.certified_urban.suppressed and figures.certified_rural.suppressed
