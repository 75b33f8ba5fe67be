"""Queue today's reminders to assessors (run it daily, e.g. from cron: `manage.py assessment_remind`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shamy.assessment.tasks import assessor_reminders


class Command(BaseCommand):
    help = "Queue the daily e-mail reminders to assessors of submissions due soon or overdue."

    def handle(self, *args: Any, **options: Any) -> None:
        result = assessor_reminders.enqueue()
        self.stdout.write(f"queued assessor reminders ({result.id})")
