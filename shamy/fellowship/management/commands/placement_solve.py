"""``manage.py placement_solve IN.json``: solve a placement input from outside the web interface.

Reads either documented input form (README.md, "Placement solver input"; ``-`` reads standard
input) and prints ``{"assignment": [[fellow, vacancy], ...], "objective": ..., "placed": ...,
"infeasible": null or a message}``. A malformed input is an error (exit status 1); an infeasible
one is an answer (exit status 0, ``infeasible`` says which constraint cannot be met).
``--time-limit`` (seconds, default the ``PLACEMENT_SECONDS`` setting) bounds HiGHS's work on the
pairwise peers term; when it runs out before HiGHS proves the answer optimal, the JSON gains
``"gap"`` and ``"bound"`` and a note on standard error says so.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from shamy.fellowship.placement import PlacementInputError, solve


class Command(BaseCommand):
    help = "Solve a fellowship placement input (JSON file, or - for standard input) and print the result as JSON."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("input", help="the JSON input file, or - for standard input")
        parser.add_argument("--indent", type=int, default=None, help="pretty-print with this indent")
        parser.add_argument(
            "--time-limit",
            type=float,
            default=None,
            help="seconds HiGHS may spend on the peers term (default: the PLACEMENT_SECONDS setting)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        time_limit = options["time_limit"] if options["time_limit"] is not None else settings.PLACEMENT_SECONDS
        if not time_limit > 0:
            raise CommandError(f"--time-limit must be a positive number of seconds, not {time_limit}")
        with translation.override("en"):
            try:
                if options["input"] == "-":
                    data = json.load(sys.stdin)
                else:
                    with open(options["input"], encoding="utf-8") as handle:
                        data = json.load(handle)
            except (OSError, ValueError) as error:
                raise CommandError(f"cannot read {options['input']}: {error}") from error
            try:
                result = solve(data, time_limit=time_limit)
            except PlacementInputError as error:
                raise CommandError(f"invalid placement input: {error}") from error
            self.stdout.write(json.dumps(result.to_json(), ensure_ascii=False, indent=options["indent"]))
            if not result.exact:
                self.stderr.write(
                    f"note: HiGHS reached the time limit ({time_limit:g} s) before proving this answer optimal; "
                    f"the optimum is at most {result.bound:.6f}, a gap of {result.gap:.2%} (README, placement solver)."
                )
