import datetime
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from shamy.programmes.testing import PDF_BYTES
from shamy.results.models import DonorReport, Level, ReportStatus, ResultsIndicator, Source
from shamy.results.services.framework import indicator_create
from shamy.surveys.testing import SurveyScene, build_survey_scene


@dataclass
class ResultsScene:
    surveys: SurveyScene
    indicator: ResultsIndicator
    survey_indicator: ResultsIndicator
    report: DonorReport


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def results_scene(programme_cast) -> ResultsScene:
    return build_results_scene(programme_cast)


def build_results_scene(c) -> ResultsScene:
    surveys = build_survey_scene(c)
    indicator = indicator_create(
        actor=c.aliya,
        programme=c.programme,
        level=Level.OUTPUT,
        name={"kk": "Қамтылған мектептер", "ru": "Охваченные школы", "en": "Schools reached"},
        source=Source.SCHOOLS,
        baseline=0,
        target=4,
    )
    survey_indicator = indicator_create(
        actor=c.aliya,
        programme=c.programme,
        level=Level.OUTCOME,
        name={"kk": "Әріптестерден үйрену", "ru": "Учусь у коллег", "en": "Learning from colleagues"},
        source=Source.SURVEY_MEAN,
        question=surveys.likert,
        baseline=3,
        target=4,
    )
    report = DonorReport.objects.create(
        programme=c.programme,
        starts_on=datetime.date(2024, 1, 1),
        ends_on=timezone.localdate(),
        language="ru",
        status=ReportStatus.READY,
    )
    report.pdf.save("report.pdf", ContentFile(PDF_BYTES), save=True)
    return ResultsScene(surveys, indicator, survey_indicator, report)
