"""Kazakh collation wherever people are sorted (issue 11, point 7).

A plain ``order_by("surname")`` sorts by code point on SQLite (and by the database's locale on
PostgreSQL), which puts «Ілиясова» (І, U+0406) before «Айтжанов» (А, U+0410). Every query that
orders people by name goes through ``shamy.core.db.kazakh_order`` (the ``shamy_kk`` collation, ICU
kk-KZ on PostgreSQL and ``shamy.core.text.kazakh_collate`` on SQLite). This test reads the sources
and fails on an ``order_by`` naming a person's name field without it; the behaviour itself is
tested in shamy/attendance/tests/test_l10n.py (the hours table).
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

SHAMY = Path(settings.BASE_DIR) / "shamy"
NAME_FIELDS = ("surname", "given_name", "patronymic", "full_name")


def _plain_name_orderings(path: Path, root: Path = SHAMY.parent) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "order_by"):
            continue
        for argument in node.args:
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                field = argument.value.lstrip("-").split("__")[-1]
                if field in NAME_FIELDS:
                    found.append(f"{path.relative_to(root)}:{node.lineno}: order_by({argument.value!r})")
    return found


def test_people_are_ordered_with_the_kazakh_collation():
    sources = [path for path in SHAMY.rglob("*.py") if "tests" not in path.parts and "migrations" not in path.parts]
    assert len(sources) > 100
    plain = [line for path in sources for line in _plain_name_orderings(path)]
    assert not plain, "order people with shamy.core.db.kazakh_order:\n" + "\n".join(plain)


def test_the_check_finds_a_plain_ordering(tmp_path):
    sample = tmp_path / "selectors.py"
    sample.write_text('rows.order_by("person__surname", "id")\nrows.order_by(kazakh_order("surname"))\n')
    assert _plain_name_orderings(sample, tmp_path) == ["selectors.py:1: order_by('person__surname')"]
