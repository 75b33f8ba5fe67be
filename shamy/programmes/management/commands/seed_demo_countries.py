"""``manage.py seed_demo_countries``: a partner country's demo on top of ``seed_demo`` (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shamy.programmes.demo_countries import country_demo_load
from shamy.registry.demo.loader import DemoRefused


class Command(BaseCommand):
    help = (
        "Load the partner-country demo: a small Kyrgyz registry (four real regions of Kyrgyzstan, demo districts, "
        "schools and people), a programme there, and the Kyrgyz country administrator's login. A second run "
        "changes nothing; refused on real data."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = country_demo_load()
        except DemoRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        counts = summary.counts
        described = (
            f"{counts['regions']} regions, {counts['districts']} districts, {counts['schools']} schools, "
            f"{counts['people']} people, {counts['programmes']} programme(s) in Kyrgyzstan"
        )
        if summary.already_loaded:
            self.stdout.write(f"Partner-country demo data already loaded ({described}): nothing changed.")
            return
        self.stdout.write(self.style.SUCCESS(f"Partner-country demo data loaded: {described}."))
        self.stdout.write("Run `python manage.py demo_logins_countries` for the login.")
