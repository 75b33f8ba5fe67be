"""``manage.py seed_demo_assessment``: assessment and certification demo data."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shamy.credentials.demo import AssessmentDemoRefused, assessment_demo_load


class Command(BaseCommand):
    help = (
        "Load the assessment and certification demo: the finished programme with every teacher certified "
        "(one certificate revoked), the pilot's submitted portfolios in every state of the chain. Needs "
        "`seed_demo_portfolios` first; a second run changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = assessment_demo_load(report=self.stdout.write if options["verbosity"] >= 2 else None)
        except AssessmentDemoRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        described = ", ".join(f"{name} {count}" for name, count in summary.counts.items())
        if summary.already_loaded:
            self.stdout.write(f"Assessment demo data already loaded ({described}): nothing changed.")
            return
        self.stdout.write(self.style.SUCCESS(f"Assessment demo data loaded in {summary.seconds:.1f} s: {described}."))
