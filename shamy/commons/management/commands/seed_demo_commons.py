"""``manage.py seed_demo_commons``: demo items of the knowledge commons."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shamy.commons.demo import commons_demo_load


class Command(BaseCommand):
    help = "Load demo commons items (guides, books, session plans, webinars; published project summaries)."

    def handle(self, *args: Any, **options: Any) -> None:
        already, count = commons_demo_load()
        if already:
            self.stdout.write(f"Commons demo data already loaded ({count} items): nothing changed.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Commons demo data loaded: {count} items."))
