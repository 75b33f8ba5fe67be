"""``manage.py seed_demo_surveys``: the pilot's pre, post and anonymous surveys with answers."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shamy.surveys.demo import SurveyDemoRefused, survey_demo_load


class Command(BaseCommand):
    help = "Load demo surveys of the pilot programme (needs `seed_demo_programmes`); a second run changes nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = survey_demo_load(report=self.stdout.write if options["verbosity"] >= 2 else None)
        except SurveyDemoRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        described = f"{summary.counts['surveys']} surveys, {summary.counts['responses']} responses"
        if summary.already_loaded:
            self.stdout.write(f"Survey demo data already loaded ({described}): nothing changed.")
            return
        self.stdout.write(self.style.SUCCESS(f"Survey demo data loaded in {summary.seconds:.1f} s: {described}."))
