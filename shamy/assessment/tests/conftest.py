from __future__ import annotations

import pytest

from shamy.assessment.services.rubrics import TEACHER_LEADERSHIP_CRITERIA, TEACHER_LEADERSHIP_TITLE, rubric_create
from shamy.assessment.services.submissions import submission_create
from shamy.portfolios.models import FocusTheme
from shamy.portfolios.services.portfolios import section_save
from shamy.portfolios.services.projects import project_create


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_rubric(programme):
    return rubric_create(
        actor=None, programme=programme, title=TEACHER_LEADERSHIP_TITLE, criteria=TEACHER_LEADERSHIP_CRITERIA
    )


def written_project(actor, cohort, title="Мәтінді түсіну"):
    """A project whose every portfolio section is written."""
    project = project_create(
        actor=actor, cohort=cohort, title=title, theme=FocusTheme.objects.get(code="functional-literacy")
    )
    for section in project.portfolio.sections.all():
        section_save(actor=actor, section=section, body=f"{section.title}: Әңгіме, ғылым, құқық.", version=1)
    project.portfolio.refresh_from_db()
    return project


def attach_photo(actor, project, title="Сабақтан сурет"):
    """A photo added as evidence and linked to the project's first portfolio section."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shamy.core.testing.files import jpeg_with_gps
    from shamy.portfolios.services.evidence import evidence_add

    photo = evidence_add(
        actor=actor,
        project=project,
        title=title,
        upload=SimpleUploadedFile("photo.jpg", jpeg_with_gps(), content_type="image/jpeg"),
    )
    section = project.portfolio.sections.order_by("order", "id").first()
    section_save(actor=actor, section=section, body=section.body, version=section.version, evidence=[photo])
    project.portfolio.refresh_from_db()
    return photo


def all_marks(level=3, comment="Жақсы"):
    from shamy.assessment.services.assessments import Mark

    return {item["code"]: Mark(level, comment) for item in TEACHER_LEADERSHIP_CRITERIA}


@pytest.fixture
def world(programme_cast):
    """P has the teacher-leadership rubric; talgat (A1, assessed by madina) has submitted
    ``submission_a``; tomiris (B1, no link facilitator) has submitted ``submission_b``."""
    return build_world(programme_cast)


def build_world(cast):
    """The ``world`` fixture's content, on top of ``cast`` (a programme cast)."""
    cast.rubric = make_rubric(cast.programme)
    cast.project_a = written_project(cast.talgat, cast.cohort_a)
    cast.photo_a = attach_photo(cast.talgat, cast.project_a)
    cast.submission_a = submission_create(actor=cast.talgat, portfolio=cast.project_a.portfolio)
    cast.file_a = cast.submission_a.files.get()
    cast.project_b = written_project(cast.tomiris, cast.cohort_b, title="Инклюзия")
    cast.submission_b = submission_create(actor=cast.tomiris, portfolio=cast.project_b.portfolio)
    return cast
