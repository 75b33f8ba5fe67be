"""``manage.py seed_demo``: load the national demo data (idempotent, refused on real data)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shamy.registry.demo.loader import DemoRefused, demo_load
from shamy.registry.demo.plan import MAX_SCALE


def _scale(value: str) -> float:
    scale = float(value)
    if not 0 < scale <= MAX_SCALE:
        raise ValueError(value)
    return scale


class Command(BaseCommand):
    help = (
        "Load synthetic national demo data: the 20 regions, districts, 7,687 schools shaped like the "
        "2022/23 official counts, about 340,000 teachers, partner organisations and one login per role. "
        "A second run changes nothing. Refused on a database holding real schools or people."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=_scale,
            default=1.0,
            help="Share of the national data to load, above 0 and at most 1 (default 1.0; 0.02 for quick tests). "
            "Every region keeps at least one urban and one rural school where it has any. Above 1 (at most "
            f"{MAX_SCALE}), for benchmarks of growth: the whole country, then synthetic copies of it (regions, "
            "districts and schools named as synthetic copies, new codes, new people, valid unique BINs and IINs).",
        )

    def handle(self, *args: Any, scale: float, **options: Any) -> None:
        verbose = options["verbosity"] >= 2
        try:
            summary = demo_load(scale=scale, report=self.stdout.write if verbose else None)
        except DemoRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        counts = summary.counts
        if summary.already_loaded:
            self.stdout.write(
                f"Demo data already loaded ({counts['schools']:,} schools, {counts['people']:,} people): "
                "nothing changed."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded in {summary.seconds:.1f} s (scale {scale:g}): "
                f"{counts['regions']} regions, {counts['districts']} districts, "
                f"{counts['schools']:,} schools ({counts['urban_schools']:,} urban, {counts['rural_schools']:,} "
                f"rural, {counts['small_class_schools']:,} small-class), {counts['people']:,} people "
                f"({counts['teachers']:,} teachers, {counts['principals']:,} principals), "
                f"{counts['organisations']} organisations, {counts['demo_users']} demo logins."
            )
        )
