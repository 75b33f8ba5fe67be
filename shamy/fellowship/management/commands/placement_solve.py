"""``manage.py placement_solve IN.json``: solve a placement input from outside the web interface.

Reads either documented input form (README.md, "Placement solver input"; ``-`` reads standard
input) and prints ``{"assignment": [[fellow, vacancy], ...], "objective": ..., "placed": ...,
"infeasible": null or a message}``. A malformed input is an error (exit status 1); an infeasible
one is an answer (exit status 0, ``infeasible`` says which constraint cannot be met). When the
pairwise peers term was solved by local search (a large input), a note on standard error says
the answer is a local optimum.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from shamy.fellowship.placement import PlacementInputError, solve


class Command(BaseCommand):
    help = "Solve a fellowship placement input (JSON file, or - for standard input) and print the result as JSON."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("input", help="the JSON input file, or - for standard input")
        parser.add_argument("--indent", type=int, default=None, help="pretty-print with this indent")

    def handle(self, *args: Any, **options: Any) -> None:
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
                result = solve(data)
            except PlacementInputError as error:
                raise CommandError(f"invalid placement input: {error}") from error
            self.stdout.write(json.dumps(result.to_json(), ensure_ascii=False, indent=options["indent"]))
            if not result.exact:
                self.stderr.write(
                    "note: the peers term on this many open pairs was solved by local search: "
                    "a local optimum, not a proven one (README, placement solver)."
                )
