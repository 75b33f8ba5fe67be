"""``manage.py seed_demo_portfolios``: demo development projects on top of the programme demo."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shamy.portfolios.demo import PortfolioDemoRefused, portfolio_demo_load


class Command(BaseCommand):
    help = (
        "Load demo development projects for every demo teacher of the pilot programme: projects over "
        "every methodology stage, journals, steps, feedback, endorsements, evidence (generated PNG "
        "photos and PDFs), submitted portfolios and published summaries. Needs `seed_demo_programmes` "
        "first; a second run changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] >= 2
        try:
            summary = portfolio_demo_load(report=self.stdout.write if verbose else None)
        except PortfolioDemoRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        counts = summary.counts
        described = (
            f"{counts['projects']} projects over {counts['stages']} stages, {counts['evidence']} pieces of "
            f"evidence, {counts['submitted']} submitted portfolios, {counts['published']} published summaries"
        )
        if summary.already_loaded:
            self.stdout.write(f"Portfolio demo data already loaded ({described}): nothing changed.")
            return
        self.stdout.write(self.style.SUCCESS(f"Portfolio demo data loaded in {summary.seconds:.1f} s: {described}."))
