"""``manage.py seed_demo_programmes``: the programme demo on top of ``seed_demo`` (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shamy.programmes.demo import ProgrammeDemoRefused, programme_demo_load


class Command(BaseCommand):
    help = (
        "Load the programme demo: a rural-schools teacher-leadership pilot in 11 demo schools of Almaty "
        "Region, Atyrau and Mangystau (principals, 22 school facilitators, 132 teachers, link facilitators), "
        "a year of sessions with attendance, and an earlier finished programme. Needs `seed_demo` first; "
        "a second run changes nothing; refused on real data."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] >= 2
        try:
            summary = programme_demo_load(report=self.stdout.write if verbose else None)
        except ProgrammeDemoRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        counts = summary.counts
        described = (
            f"{counts['programmes']} programmes, {counts['schools']} schools, {counts['principals']} principals, "
            f"{counts['facilitators']} school facilitators, {counts['teachers']} teachers, "
            f"{counts['link_facilitators']} link facilitators, {counts['gatherings']} gatherings, "
            f"{counts['attendance']} attendance marks"
        )
        if summary.already_loaded:
            self.stdout.write(f"Programme demo data already loaded ({described}): nothing changed.")
            return
        self.stdout.write(self.style.SUCCESS(f"Programme demo data loaded in {summary.seconds:.1f} s: {described}."))
        self.stdout.write("Run `python manage.py demo_logins_programmes` for the logins.")
