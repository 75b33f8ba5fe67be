"""Count every region's teachers by qualification again (shamy/analytics/tally.py).

Writes keep the counts current by themselves; this is for an operator: after restoring a backup
taken before the counts existed, or when the registry year is the current school year (the
day counted is then today, so yesterday's counts are read live until recounted: run it daily).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from shamy.analytics.models import TeacherTallyState
from shamy.analytics.tally import tally_refresh


class Command(BaseCommand):
    help = "Count every region's teachers by qualification category again (the analytics panels read them)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        tally_refresh()
        regions = TeacherTallyState.objects.filter(current=True).count()
        self.stdout.write(f"Teacher counts refreshed for {regions} regions in {time.monotonic() - started:.1f} s.")
