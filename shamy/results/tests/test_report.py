"""Donor report figures equal the results page's, suppression included; the PDF is a real PDF."""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from shamy.analytics.models import AnalyticsSettings
from shamy.attendance.models import GatheringKind
from shamy.attendance.services.gatherings import gathering_create
from shamy.attendance.services.marking import attendance_mark
from shamy.audit.models import AuditEntry
from shamy.results.figures import Period, programme_figures
from shamy.results.models import DonorReport, ReportStatus
from shamy.results.report import render_pdf, report_html
from shamy.results.services.reports import report_request
from shamy.surveys import answers
from shamy.surveys.services.responses import response_submit

pytestmark = pytest.mark.django_db

FIGURE = re.compile(r'data-figure="([^"]+)">([^<]*)<')


def _activity(c):
    start = timezone.now() - datetime.timedelta(days=10)
    gathering = gathering_create(
        actor=c.timur,
        programme=c.programme,
        cohort=c.cohort_a,
        kind=GatheringKind.IN_SCHOOL,
        title="Өткен сессия",
        school=c.school_a1,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1, minutes=30),
        leads=[c.timur],
    )
    for row in gathering.attendances.all():
        attendance_mark(actor=c.timur, attendance=row, status="present")
    return gathering


def _answer(c, scene, user, likert):
    class Data(dict):
        def getlist(self, key, default=None):
            return [self[key]] if key in self else []

    data = Data(
        {
            f"q{scene.likert.pk}": str(likert),
            f"q{scene.single.pk}": "no",
            f"q{scene.number.pk}": "2",
            f"q{scene.matrix.pk}_research": "3",
            f"q{scene.matrix.pk}_leadership": "3",
        }
    )
    parsed = answers.parse(list(scene.pre.questions.order_by("position")), data, final=True)
    response_submit(actor=user, survey=scene.pre, parsed=parsed)


@pytest.mark.parametrize("minimum", [1, 10])
def test_report_figures_equal_the_results_page(client, programme_cast, results_scene, minimum):
    c, scene = programme_cast, results_scene
    AnalyticsSettings.objects.create(pk=1, suppression_threshold=minimum)
    _activity(c)
    _answer(c, scene.surveys, c.talgat, 4)
    _answer(c, scene.surveys, c.tomiris, 5)
    client.force_login(c.nurlan)
    query = {"starts_on": "2024-01-01", "ends_on": timezone.localdate().isoformat()}
    page = client.get(reverse("results:programme", args=[c.programme.pk]), query).content.decode()
    on_page = dict(FIGURE.findall(page))
    period = Period(datetime.date(2024, 1, 1), timezone.localdate())
    # The page is in Kazakh (the default): the report in Kazakh shows the same text, decimal commas included.
    in_report = dict(FIGURE.findall(report_html(programme=c.programme, period=period, language="kk")))
    with translation.override("kk"):
        expected = programme_figures(programme=c.programme, period=period).all_displayed()
    assert on_page == in_report == expected
    assert on_page["reach:0"] == "2"  # schools A1 and B1
    assert on_page["activity:0"] == "1"  # one session held
    assert on_page["activity:1"] == "3,0"  # two people × 1.5 hours
    survey_figure = f"framework:{scene.survey_indicator.pk}"
    if minimum == 10:
        # Two teachers, two answers: below the threshold, suppressed on the page and in the report
        # alike (the survey is not anonymous, but these figures go to donors).
        with translation.override("kk"):
            suppressed = translation.gettext("suppressed")
        assert on_page["reach:1"] == in_report["reach:1"] == suppressed
        assert on_page[survey_figure] == in_report[survey_figure] == suppressed
    else:
        assert on_page["reach:1"] == "2"
        assert on_page[survey_figure] == "4,50"


def test_pdf_shows_kazakh_text_and_suppressed_cells(programme_cast, results_scene):
    c = programme_cast
    period = Period(datetime.date(2024, 1, 1), timezone.localdate())
    content = render_pdf(programme=c.programme, period=period, language="kk")
    assert content.startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        text = subprocess.run(  # noqa: S603
            [pdftotext, "-", "-"],
            input=content,
            capture_output=True,
            check=True,
        ).stdout.decode()
        text = " ".join(text.split())
        assert "Ауылдық мектеп шамы" in text
        assert "Қамтылған мектептер" in text
        # Two teachers, below the default threshold of 10: the PDF says so, never a number.
        with translation.override("kk"):
            suppressed = translation.gettext("suppressed")
        assert text.count(suppressed) >= 2  # teachers, and hours per teacher


def test_report_request_renders_in_the_background(programme_cast, results_scene, django_capture_on_commit_callbacks):
    c = programme_cast
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(
            actor=c.nurlan,
            programme=c.programme,
            starts_on=datetime.date(2024, 1, 1),
            ends_on=timezone.localdate(),
            language="ru",
        )
    report = DonorReport.objects.get(pk=report.pk)
    assert report.status == ReportStatus.READY and report.pdf.name.endswith(".pdf")
    assert report.pdf.read(4) == b"%PDF"
    assert AuditEntry.objects.filter(action="results.report.generated", target_id=str(report.pk)).exists()
    assert AuditEntry.objects.get(action="results.report.requested", target_id=str(report.pk)).actor == c.nurlan
