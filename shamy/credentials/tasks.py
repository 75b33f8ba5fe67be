"""Background tasks. Arguments are IDs; each task does nothing harmful when run twice."""

from __future__ import annotations

from django_tasks import task

from shamy.credentials.services.runs import certificate_run_execute_now


@task()
def certificate_run_execute(run_id: int) -> None:
    certificate_run_execute_now(run_id)
