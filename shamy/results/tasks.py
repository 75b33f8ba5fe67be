"""Background tasks: arguments are IDs; each task does nothing when run twice."""

from __future__ import annotations

from django_tasks import task

from shamy.results.services.reports import report_render


@task()
def donor_report_render(report_id: int) -> None:
    report_render(report_id)
