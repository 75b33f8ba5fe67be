from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from shamy.portfolios.models import DevelopmentProject, FocusTheme, PortfolioStatus
from shamy.portfolios.services.projects import project_create
from shamy.programmes.models import MethodologyStage
from shamy.programmes.testing import ProgrammeCast


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def stage(cast: ProgrammeCast, code: str, programme=None) -> MethodologyStage:
    return MethodologyStage.objects.get(programme=programme or cast.programme, code=code)


def make_project(
    actor, cohort, title="Мәтінді түсіну", theme_code="functional-literacy", **changes
) -> DevelopmentProject:
    project = project_create(
        actor=actor, cohort=cohort, title=title, theme=FocusTheme.objects.get(code=theme_code), concern="Оқушылар"
    )
    if changes:
        DevelopmentProject.objects.filter(pk=project.pk).update(**changes)
        project.refresh_from_db()
    return project


def submit_directly(project: DevelopmentProject) -> None:
    """Mark a portfolio submitted without writing sections (fixture shortcut for visibility tests)."""
    portfolio = project.portfolio
    portfolio.status = PortfolioStatus.SUBMITTED
    portfolio.submitted_at = timezone.now()
    portfolio.save()


def weeks_ago(weeks: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(weeks=weeks)
