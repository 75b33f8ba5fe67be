"""Background tasks for large imports. Arguments are IDs; each task does nothing when run twice."""

from __future__ import annotations

from django_tasks import task

from shamy.imports.services.jobs import job_check_background, job_commit_background


@task()
def import_job_check(job_id: int) -> None:
    job_check_background(job_id)


@task()
def import_job_commit(job_id: int) -> None:
    job_commit_background(job_id)
