"""Background tasks. Arguments are IDs (none here); each task does nothing harmful when run twice."""

from __future__ import annotations

from django_tasks import task

from shamy.surveys.services.reminders import survey_reminders_send


@task()
def survey_reminders() -> int:
    """The daily reminders to those who have not answered an open survey (``manage.py surveys_remind``)."""
    return survey_reminders_send()
