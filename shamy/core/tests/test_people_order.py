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

import pytest
from django.apps import apps
from django.conf import settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from shamy.core.testing.factories import PersonFactory
from shamy.core.text import KAZAKH_ALPHABET, kazakh_sort_key, kazakh_sort_name
from shamy.registry.models import Person

SHAMY = Path(settings.BASE_DIR) / "shamy"
NAME_FIELDS = ("surname", "given_name", "patronymic", "full_name")
# Kazakh names of places and programmes (regions, districts, schools): a choice list of regions
# sorted by code point put «Ақмола облысы» after «Атырау облысы» (қ is U+049B, т is U+0442).
KAZAKH_TITLE_FIELDS = ("name_kk",)


def _plain_name_orderings(path: Path, root: Path = SHAMY.parent, fields: tuple[str, ...] = NAME_FIELDS) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "order_by"):
            continue
        for argument in node.args:
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                field = argument.value.lstrip("-").split("__")[-1]
                if field in fields:
                    found.append(f"{path.relative_to(root)}:{node.lineno}: order_by({argument.value!r})")
    return found


def test_people_are_ordered_with_the_kazakh_collation():
    sources = [path for path in SHAMY.rglob("*.py") if "tests" not in path.parts and "migrations" not in path.parts]
    assert len(sources) > 100
    plain = [line for path in sources for line in _plain_name_orderings(path)]
    assert not plain, "order people with shamy.core.db.kazakh_order:\n" + "\n".join(plain)


def test_kazakh_names_of_places_are_ordered_with_the_kazakh_collation():
    sources = [path for path in SHAMY.rglob("*.py") if "tests" not in path.parts and "migrations" not in path.parts]
    plain = [line for path in sources for line in _plain_name_orderings(path, fields=KAZAKH_TITLE_FIELDS)]
    assert not plain, "order Kazakh names with shamy.core.db.kazakh_order:\n" + "\n".join(plain)


def test_the_check_finds_a_plain_ordering(tmp_path):
    sample = tmp_path / "selectors.py"
    sample.write_text('rows.order_by("person__surname", "id")\nrows.order_by(kazakh_order("surname"))\n')
    assert _plain_name_orderings(sample, tmp_path) == ["selectors.py:1: order_by('person__surname')"]


def _plain_default_orderings() -> list[str]:
    found = []
    for model in apps.get_models():
        for entry in model._meta.ordering:
            if isinstance(entry, str) and entry.lstrip("-").split("__")[-1] in NAME_FIELDS:
                found.append(f"{model._meta.label}: ordering {entry!r}")
    return found


def test_default_orderings_of_people_follow_the_kazakh_alphabet():
    # A model's Meta.ordering applies wherever a query names no order: it sorts by a stored
    # kazakh_sort_name key (Person.sort_name), never by a name field's code points.
    assert not _plain_default_orderings(), "\n".join(_plain_default_orderings())


@st.composite
def names(draw):
    letters = st.sampled_from(KAZAKH_ALPHABET + KAZAKH_ALPHABET.upper() + " -'1")
    return draw(st.text(letters, min_size=1, max_size=12))


@hypothesis_settings(max_examples=300)
@given(st.lists(st.tuples(names(), names()), min_size=2, max_size=30))
def test_stored_key_orders_like_the_kazakh_sort_key(people):
    by_key = sorted(people, key=lambda p: kazakh_sort_name(*p))
    expected = sorted(people, key=lambda p: (kazakh_sort_key(p[0]), kazakh_sort_key(p[1])))
    assert [(kazakh_sort_key(s), kazakh_sort_key(g)) for s, g in by_key] == [
        (kazakh_sort_key(s), kazakh_sort_key(g)) for s, g in expected
    ]


def test_the_stored_key_is_lowercase_ascii():
    key = kazakh_sort_name("Әлімова-Ұлы Ё", "Гүлнар 2")
    assert key and set(key) <= set("0123456789abcdefghijklmnopqrstuvwxyz")


@pytest.mark.django_db
def test_people_without_an_order_come_in_kazakh_order():
    surnames = ["Ілиясова", "Айтжанов", "Әлімова", "Ыбыраев", "Қасымов", "Карпов", "Үсенов", "Ұлан", "Абаев"]
    for surname in surnames:
        PersonFactory(surname=surname, given_name="Асқар")
    PersonFactory(surname="Абаев", given_name="Ғалым")
    PersonFactory(surname="Абаев", given_name="Әсет")
    listed = [(p.surname, p.given_name) for p in Person.objects.all()]
    assert listed == [
        ("Абаев", "Асқар"),
        ("Абаев", "Әсет"),
        ("Абаев", "Ғалым"),
        ("Айтжанов", "Асқар"),
        ("Әлімова", "Асқар"),
        ("Карпов", "Асқар"),
        ("Қасымов", "Асқар"),
        ("Ұлан", "Асқар"),
        ("Үсенов", "Асқар"),
        ("Ыбыраев", "Асқар"),
        ("Ілиясова", "Асқар"),
    ]


@pytest.mark.django_db
def test_the_key_follows_renames_and_bulk_inserts():
    person = Person.objects.get(pk=PersonFactory(surname="Ілиясова", given_name="Асқар").pk)
    person.surname = "Абаев"
    person.save(update_fields=["surname"])
    person.refresh_from_db()
    assert person.sort_name == kazakh_sort_name("Абаев", "Асқар")
    made = Person.objects.bulk_create([Person(surname="Әлімова", given_name="Гүлнар")])
    assert Person.objects.get(pk=made[0].pk).sort_name == kazakh_sort_name("Әлімова", "Гүлнар")
