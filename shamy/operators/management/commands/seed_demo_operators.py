"""``manage.py seed_demo_operators``: the school-operator demo on top of the programme demo (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shamy.operators.demo import ProgrammeDemoRefused, operator_demo_load


class Command(BaseCommand):
    help = (
        "Load the school-operator demo: BINOM-like operator schools in Astana, Atyrau, Almaty and Shymkent "
        "under five-year agreements (those past their handover handed over), two school years of Saturday "
        "training days with attendance, a three-generation training-of-trainers cascade reaching state "
        "schools. Needs `seed_demo` and `seed_demo_programmes` first; a second run changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] >= 2
        try:
            summary = operator_demo_load(report=self.stdout.write if verbose else None)
        except ProgrammeDemoRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        counts = summary.counts
        described = (
            f"{counts['agreements']} operator schools ({counts['handed_over']} handed over), "
            f"{counts['training_days']} training days, {counts['sessions']} sessions, "
            f"{counts['trainers']} trainers, {counts['attendance']} attendance marks, "
            f"{counts['registrations']} summit registrations ({counts['checked_in']} checked in)"
        )
        if summary.already_loaded:
            self.stdout.write(f"Operator demo data already loaded ({described}): nothing changed.")
            return
        self.stdout.write(self.style.SUCCESS(f"Operator demo data loaded in {summary.seconds:.1f} s: {described}."))
        self.stdout.write("Run `python manage.py demo_logins_operators` for the logins.")
