"""``manage.py seed_demo_fellowship``: the fellowship demo on top of ``seed_demo`` (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shamy.fellowship.demo import fellowship_demo_load
from shamy.programmes.demo import ProgrammeDemoRefused


class Command(BaseCommand):
    help = (
        "Load the fellowship demo: a first cohort of 22 fellows who finished two years in nine rural "
        "Karagandy schools, a current cohort in four regions, a cohort recruiting now with applications "
        "in every stage, alumni on each pathway. Needs `seed_demo` first; a second run changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = fellowship_demo_load()
        except ProgrammeDemoRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        described = ", ".join(f"{value} {key}" for key, value in summary.counts.items())
        if summary.already_loaded:
            self.stdout.write(f"Fellowship demo data already loaded ({described}): nothing changed.")
            return
        self.stdout.write(self.style.SUCCESS(f"Fellowship demo data loaded in {summary.seconds:.1f} s: {described}."))
        self.stdout.write("Run `python manage.py demo_logins_fellowship` for the logins.")
