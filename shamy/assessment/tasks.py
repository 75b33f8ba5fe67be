"""Background tasks. Arguments are IDs (none here); each task does nothing harmful when run twice."""

from __future__ import annotations

from django_tasks import task

from shamy.assessment.services.reminders import assessor_reminders_send


@task()
def assessor_reminders() -> int:
    """The daily reminders to assessors (``manage.py assessment_remind`` queues it)."""
    return assessor_reminders_send()
