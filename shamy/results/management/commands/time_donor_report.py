"""Time the donor report PDF of the demo pilot programme (``make bench``)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shamy.programmes.models import Programme
from shamy.results.figures import Period
from shamy.results.report import render_pdf


class Command(BaseCommand):
    help = "Render the demo pilot's donor report PDF (whole programme, Kazakh) and print the seconds it took."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--language", default="kk")

    def handle(self, *args: Any, **options: Any) -> None:
        from shamy.programmes.demo import PILOT_NAME_EN

        programme = Programme.objects.filter(is_demo=True, name_en=PILOT_NAME_EN).first()
        if programme is None:
            raise CommandError("The programme demo is not loaded.")
        started = time.monotonic()
        content = render_pdf(programme=programme, period=Period.of_programme(programme), language=options["language"])
        seconds = time.monotonic() - started
        self.stdout.write(f"donor report PDF: {seconds:.2f} s, {len(content) / 1024:.0f} KiB")
