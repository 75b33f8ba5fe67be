from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from shamy.surveys.bench import bench_survey_load


class Command(BaseCommand):
    help = "Generate a survey of 5,000 identified pre/post pairs for the load test (idempotent); prints its id."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--pairs", type=int, default=5000)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        post = bench_survey_load(pairs=options["pairs"])
        self.stdout.write(f"post survey {post.pk} ready in {time.monotonic() - started:.1f} s.")
