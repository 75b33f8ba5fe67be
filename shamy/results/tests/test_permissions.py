"""Every results URL × every persona."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from shamy.core.testing.cast import build_cast
from shamy.core.testing.fuzz import query_fuzz_test
from shamy.core.testing.matrix import FORBIDDEN, OK, REDIRECT, Expect, Row, Visit, matrix_test
from shamy.core.testing.shared import shared_world
from shamy.programmes.testing import ALL_PERSONAS, build_programme_cast
from shamy.results.models import DonorReport, ResultsIndicator
from shamy.results.tests.conftest import build_results_scene

pytestmark = pytest.mark.django_db

expect = Expect(ALL_PERSONAS)
READERS = {"aigerim", "dana", "aliya", "nurlan"}
IN_PROGRAMME = READERS | {"bolat", "saule", "timur", "madina", "serik", "talgat", "tomiris"}


def _report_requested_only_when_allowed(visit: Visit) -> None:
    made = DonorReport.objects.filter(starts_on=datetime.date(2024, 1, 1), ends_on=datetime.date(2024, 12, 31))
    assert made.exists() == (visit.persona in READERS)


def _indicator_kept(visit: Visit) -> None:
    if visit.status != REDIRECT:
        assert ResultsIndicator.objects.filter(pk=visit.scene.indicator.pk).exists()


MATRIX = [
    Row(
        "results:index",
        lambda c, s: reverse("results:index"),
        {**expect.each(FORBIDDEN), **dict.fromkeys([*READERS, "erbol"], OK)},
    ),
    Row(
        "results:programme",
        lambda c, s: reverse("results:programme", args=[c.programme.pk]),
        expect.only(READERS, visible=IN_PROGRAMME),
    ),
    Row(
        "results:indicator-add",
        lambda c, s: reverse("results:indicator-add", args=[c.programme.pk]),
        expect.only({"aliya"}, visible=IN_PROGRAMME, ok=REDIRECT),
        method="post",
        data=lambda c, s: {"level": "output", "name_kk": "Сессиялар", "source": "sessions", "target": "10"},
    ),
    Row(
        "results:indicator-delete",
        lambda c, s: reverse("results:indicator-delete", args=[s.indicator.pk]),
        expect.only({"aliya"}, visible=READERS, ok=REDIRECT),
        method="post",
        check=_indicator_kept,
    ),
    Row(
        "results:report-pdf",
        lambda c, s: reverse("results:report-pdf", args=[c.programme.pk]),
        expect.only(READERS, visible=IN_PROGRAMME),
    ),
    Row(
        "results:report-export",
        lambda c, s: reverse("results:report-export", args=[c.programme.pk, "csv"]),
        expect.only(READERS, visible=IN_PROGRAMME),
    ),
    Row(
        "results:report-request",
        lambda c, s: reverse("results:report-request", args=[c.programme.pk]),
        expect.only(READERS, visible=IN_PROGRAMME, ok=REDIRECT),
        method="post",
        data=lambda c, s: {"report-starts_on": "2024-01-01", "report-ends_on": "2024-12-31", "report-language": "kk"},
        check=_report_requested_only_when_allowed,
    ),
    Row(
        "results:report-download",
        lambda c, s: reverse("results:report-download", args=[s.report.pk]),
        expect.only(READERS),
    ),
]


def _results_world():
    people = build_programme_cast(build_cast())
    return people, build_results_scene(people)


# The fixtures programme_cast and results_scene, built once for all the cases (shamy.core.testing.shared).
results_world = shared_world(_results_world)
test_results_permission_matrix = matrix_test(MATRIX, ALL_PERSONAS, world="results_world")
test_results_query_parameters = query_fuzz_test(MATRIX, ALL_PERSONAS, cast="programme_cast", scene="results_scene")
