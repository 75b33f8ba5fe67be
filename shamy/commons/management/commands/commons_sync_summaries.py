"""Bring newly published project summaries into the commons (run it from cron, e.g. hourly;
withdrawn summaries leave the commons at once without it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shamy.commons.services.resources import summaries_sync


class Command(BaseCommand):
    help = "Add every published project summary that is not yet in the knowledge commons."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{summaries_sync()} project summaries added to the commons.")
