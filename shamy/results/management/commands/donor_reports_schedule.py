"""Request the quarterly donor report of every active programme (run daily from cron or a timer:
a report already made for the quarter is not made again)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from shamy.programmes.models import Programme, ProgrammeStatus
from shamy.results.models import DonorReport
from shamy.results.schedule import previous_quarter
from shamy.results.services.reports import report_request


class Command(BaseCommand):
    help = "Request last quarter's donor report (PDF, in the background) for every active programme."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--language", default="kk", choices=["kk", "ru", "en"])

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = previous_quarter(timezone.localdate())
        made = 0
        for programme in Programme.objects.filter(status=ProgrammeStatus.ACTIVE, starts_on__lte=end):
            exists = DonorReport.objects.filter(
                programme=programme, starts_on=start, ends_on=end, language=options["language"], scheduled=True
            ).exists()
            if exists:
                continue
            report_request(
                actor=None,
                programme=programme,
                starts_on=start,
                ends_on=end,
                language=options["language"],
                scheduled=True,
            )
            made += 1
        self.stdout.write(f"{made} donor report(s) requested for {start}–{end}.")
