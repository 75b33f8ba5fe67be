from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from shamy.assessment.services.assessments import assessment_save
from shamy.assessment.services.decisions import decisions_record
from shamy.assessment.services.submissions import submission_create
from shamy.assessment.tests.conftest import all_marks, make_rubric, written_project
from shamy.credentials.models import CertificateRun, RunStatus
from shamy.credentials.services.certificates import certificate_issue
from shamy.credentials.services.issuers import issuer_create

UNIVERSITY = {
    "kk": "Әл-Фараби атындағы Қазақ ұлттық университеті",
    "ru": "Казахский национальный университет имени аль-Фараби",
    "en": "Al-Farabi Kazakh National University",
}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_issuer(programme, slug="kaznu", prefix="KAZNU"):
    return issuer_create(
        actor=None,
        programme=programme,
        slug=slug,
        name=UNIVERSITY,
        signatory_name="Жанар Әбдіқалықова",
        signatory_title={"kk": "Проректор", "ru": "Проректор", "en": "Vice-rector"},
        series_prefix=prefix,
        url="https://www.kaznu.kz",
    )


def approve(cast, project):
    submission = submission_create(actor=project.teacher.user, portfolio=project.portfolio)
    assessment_save(
        actor=cast.madina,
        submission=submission,
        marks=all_marks(3),
        recommendation="certify",
        reasons="",
        version=0,
        finalise=True,
    )
    submission.refresh_from_db()
    decisions_record(actor=cast.serik, submissions=[submission], decision="approved")
    submission.refresh_from_db()
    return submission


@pytest.fixture
def world(programme_cast):
    """P has a rubric and an issuer; talgat's portfolio is approved and certified (``certificate``);
    tomiris's submission awaits assessment."""
    return build_world(programme_cast)


def build_world(cast):
    """The ``world`` fixture's content, on top of ``cast`` (a programme cast)."""
    cast.rubric = make_rubric(cast.programme)
    cast.issuer = make_issuer(cast.programme)
    cast.project_a = written_project(cast.talgat, cast.cohort_a)
    cast.submission_a = approve(cast, cast.project_a)
    cast.certificate = certificate_issue(actor=cast.serik, submission=cast.submission_a)
    cast.run = CertificateRun.objects.create(
        cohort=cast.cohort_a, requested_by=cast.serik, status=RunStatus.DONE, total=1, done=1
    )
    cast.run.archive.save("run.zip", ContentFile(b"PK\x05\x06" + bytes(18)))
    cast.project_b = written_project(cast.tomiris, cast.cohort_b, title="Инклюзия")
    cast.submission_b = submission_create(actor=cast.tomiris, portfolio=cast.project_b.portfolio)
    return cast
