"""``manage.py seed_demo_results``: the pilot programme's results framework."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shamy.results.demo import ResultsDemoRefused, results_demo_load


class Command(BaseCommand):
    help = "Load the pilot's results framework (needs `seed_demo_surveys`); a second run changes nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            already, count = results_demo_load()
        except ResultsDemoRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        if already:
            self.stdout.write(f"Results demo data already loaded ({count} indicators): nothing changed.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Results demo data loaded: {count} indicators."))
