"""Queue today's survey reminders (run it daily, e.g. from cron: `manage.py surveys_remind`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shamy.surveys.tasks import survey_reminders


class Command(BaseCommand):
    help = "Queue the daily e-mail reminders to those who have not answered an open survey."

    def handle(self, *args: Any, **options: Any) -> None:
        result = survey_reminders.enqueue()
        self.stdout.write(f"queued survey reminders ({result.id})")
