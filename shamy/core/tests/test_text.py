"""Kazakh letters sort and search correctly, in Python and on the database under test.

The suite runs on SQLite and on PostgreSQL (``DATABASE_URL``). SQLite sorts with the Python
collation registered in shamy.core.apps; PostgreSQL with the ICU collation "shamy_kk" created by
registry migration 0001. The database tests below prove both give the Kazakh alphabet's order.
"""

from __future__ import annotations

import random

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from shamy.core.db import kazakh_order
from shamy.core.testing.factories import SchoolFactory
from shamy.core.text import KAZAKH_ALPHABET, kazakh_collate, kazakh_sort_key, search_key, search_query_key
from shamy.registry.models import Locality, School
from shamy.registry.services.schools import school_create

# Each pair: the Kazakh letter comes straight after its Russian neighbour and before the next letter.
KAZAKH_NEIGHBOURS = [
    ("а", "ә", "б"),
    ("г", "ғ", "д"),
    ("к", "қ", "л"),
    ("н", "ң", "о"),
    ("о", "ө", "п"),
    ("у", "ұ", "ү"),
    ("ұ", "ү", "ф"),
    ("х", "һ", "ц"),
    ("ы", "і", "ь"),
]

# Words in Kazakh dictionary order; every one of them differs from the next at a Kazakh letter.
DICTIONARY_ORDER = [
    "Арал",
    "Әйтеке би",
    "Байқоңыр",
    "Гүлдала",
    "Ғабит Мүсірепов",
    "Дариябек",
    "Көктерек",
    "Қарасу",
    "Лепсі",
    "Нарынқол",
    "Оңтүстік",
    "Өскемен",
    "Петропавл",
    "Ушарал",
    "Ұзынағаш",
    "Үшарал",
    "Федоровка",
    "Хромтау",
    "Һарон",
    "Целиноград",
    "Ырғыз",
    "Іле",
    "Эмба",
]


@pytest.mark.parametrize(("before", "letter", "after"), KAZAKH_NEIGHBOURS)
def test_kazakh_letter_sorts_between_its_neighbours(before, letter, after):
    for case in (str.lower, str.upper):
        assert kazakh_sort_key(case(before)) < kazakh_sort_key(case(letter)) < kazakh_sort_key(case(after))
        assert kazakh_collate(case(before), case(letter)) == -1
        assert kazakh_collate(case(letter), case(after)) == -1
        assert kazakh_collate(case(after), case(letter)) == 1


def test_alphabet_constant_is_the_kazakh_alphabet_in_order():
    assert len(KAZAKH_ALPHABET) == 42
    assert KAZAKH_ALPHABET.index("ә") == 1
    assert KAZAKH_ALPHABET.index("і") == KAZAKH_ALPHABET.index("ы") + 1


def test_sort_key_orders_words_like_a_kazakh_dictionary():
    shuffled = DICTIONARY_ORDER[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=kazakh_sort_key) == DICTIONARY_ORDER


def test_sort_key_ignores_case_and_puts_shorter_prefix_first():
    assert kazakh_sort_key("ҚАРАСУ") == kazakh_sort_key("қарасу")
    assert kazakh_sort_key("Ақ") < kazakh_sort_key("Ақсу") < kazakh_sort_key("Ақтөбе")
    # Digits come before letters, as in ICU.
    assert kazakh_sort_key("1-мектеп") < kazakh_sort_key("Ақсу")


def test_collate_is_a_total_order_that_separates_case_variants():
    assert kazakh_collate("Әлі", "Әлі") == 0
    assert kazakh_collate("әлі", "Әлі") != 0
    assert kazakh_collate("әлі", "Әлі") == -kazakh_collate("Әлі", "әлі")


@given(st.text(alphabet=KAZAKH_ALPHABET + KAZAKH_ALPHABET.upper() + " 0123456789-", max_size=12), st.text(max_size=12))
def test_collate_is_antisymmetric(left, right):
    assert kazakh_collate(left, right) == -kazakh_collate(right, left)


@pytest.mark.parametrize(
    ("query", "text"),
    [("ақсу", "АҚСУ"), ("АҚСУ", "Ақсу ауылы"), ("ӘЛІ", "Әлі"), ("өскемен", "ӨСКЕМЕН"), ("ұлы", "ҰЛЫТАУ"), ("һ", "Һ")],
)
def test_search_key_folds_kazakh_case(query, text):
    assert search_query_key(query) in search_key(text)


@pytest.mark.django_db
def test_database_orders_school_names_by_the_kazakh_alphabet():
    """ORDER BY kazakh_order("name_kk") gives dictionary order on SQLite and PostgreSQL alike."""
    shuffled = DICTIONARY_ORDER[:]
    random.Random(11).shuffle(shuffled)
    for name in shuffled:
        SchoolFactory(name_kk=name)
    ordered = list(School.objects.order_by(kazakh_order("name_kk"), "id").values_list("name_kk", flat=True))
    assert ordered == DICTIONARY_ORDER
    descending = list(
        School.objects.order_by(kazakh_order("name_kk", descending=True), "id").values_list("name_kk", flat=True)
    )
    assert descending == DICTIONARY_ORDER[::-1]


@pytest.mark.django_db
@pytest.mark.parametrize(("before", "letter", "after"), KAZAKH_NEIGHBOURS)
def test_database_puts_each_kazakh_letter_after_its_neighbour(before, letter, after):
    for case in (str.lower, str.upper):
        for stem in (before, letter, after):
            SchoolFactory(name_kk=case(stem) + "ба мектебі")
    ordered = list(School.objects.order_by(kazakh_order("name_kk"), "id").values_list("name_kk", flat=True))
    firsts = [name[0].lower() for name in ordered]
    assert firsts == [before, before, letter, letter, after, after]


@pytest.mark.django_db
def test_school_list_sorts_by_kazakh_name(client, cast):
    for name in ("Іле мектебі", "Ырғыз мектебі", "Әйтеке би мектебі", "Ауыл мектебі", "Үшарал мектебі"):
        SchoolFactory(name_kk=name, region=cast.region_a)
    client.force_login(cast.aigerim)
    response = client.get(reverse("registry:school-list"), {"sort": "name"})
    assert response.status_code == 200
    names = [school.name_kk for school in response.context["page"]]
    assert names == sorted(names, key=kazakh_sort_key)
    assert names.index("Ауыл мектебі") < names.index("Әйтеке би мектебі") < names.index("Ырғыз мектебі")
    assert names.index("Ырғыз мектебі") < names.index("Іле мектебі")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ақсу", "АҚСУ ЖАЛПЫ БІЛІМ БЕРЕТІН МЕКТЕБІ"),
        ("АҚСУ", "АҚСУ ЖАЛПЫ БІЛІМ БЕРЕТІН МЕКТЕБІ"),
        ("ӘЛІ", "Әлі Бөкейхан атындағы мектеп"),
        ("әлі бөкейхан", "Әлі Бөкейхан атындағы мектеп"),
        ("ҮШАРАЛ", "Үшарал ауылының мектебі"),
        ("өскемен", "Өскемен гимназиясы"),
        # The Russian name is searched too, with the same folding.
        ("усть-каменогорская", "Өскемен гимназиясы"),
    ],
)
def test_school_list_search_is_case_insensitive_for_kazakh_letters(client, cast, query, expected):
    for name_kk, name_ru in (
        ("АҚСУ ЖАЛПЫ БІЛІМ БЕРЕТІН МЕКТЕБІ", "ОБЩЕОБРАЗОВАТЕЛЬНАЯ ШКОЛА АКСУ"),
        ("Әлі Бөкейхан атындағы мектеп", "Школа имени Алихана Букейхана"),
        ("Үшарал ауылының мектебі", "Школа села Ушарал"),
        ("Өскемен гимназиясы", "Усть-Каменогорская гимназия"),
    ):
        school_create(
            actor=cast.aigerim,
            fields={"name_kk": name_kk, "name_ru": name_ru, "region": cast.region_b, "locality": Locality.RURAL},
        )
    client.force_login(cast.aigerim)
    response = client.get(reverse("registry:school-list"), {"q": query, "region": cast.region_b.pk})
    assert response.status_code == 200
    assert [school.name_kk for school in response.context["page"]] == [expected]
    assert expected in response.content.decode()
