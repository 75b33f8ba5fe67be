from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from shamy.commons.bench import bench_items_load


class Command(BaseCommand):
    help = "Generate commons items for the load test (default 100,000; idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--items", type=int, default=100_000)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        made = bench_items_load(count=options["items"])
        self.stdout.write(f"{made} commons items generated in {time.monotonic() - started:.1f} s.")
