"""Recall at 10 of the commons search and of PostgreSQL's text-search configurations on the judged
queries (`manage.py commons_search_compare`, PostgreSQL; nothing is kept)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shamy.commons.compare import compare


class Command(BaseCommand):
    help = "Compare the commons search with PostgreSQL's simple, russian and hunspell configurations."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            measured = compare()
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write("| configuration | recall@10 | queries that miss a relevant item |")
        self.stdout.write("| --- | ---: | --- |")
        for row in measured:
            recall = f"{row.recall:.3f}" if row.recall is not None else "not available"
            detail = row.note or ", ".join(f'"{query}"' for query in row.missed) or "—"
            self.stdout.write(f"| {row.name} | {recall} | {detail} |")
