"""Folding and stemming rules (shamy/commons/search.py), and search on the database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shamy.commons import search
from shamy.commons.models import ResourceSearch
from shamy.commons.selectors import SearchFilters, resource_search


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("казак", "Қазақ тілі"),  # typed without Kazakh letters
        ("ҚАЗАҚ", "қазақ тілі"),  # case
        ("школы", "Сельская школа"),  # another Russian form
        ("школа", "в школах района"),
        ("мектеп", "ауыл мектептерінің мұғалімдері"),  # Kazakh endings
        ("мектептер", "Ауылдық мектеп"),
        ("сауаттылык", "функционалдық сауаттылығын дамыту"),
        ("teachers", "A guide for teaching and teacher leadership"),
        ("учителей", "учитель-исследователь"),
    ],
)
def test_query_word_matches_text(query, text):
    stems = search.index_text(text)
    assert all(any(f" {key} " in stems for key in keys) for keys in search.query_terms(query))


@pytest.mark.parametrize(("query", "text"), [("школа", "Шолпан"), ("казак", "кабак"), ("мектеп", "мекен")])
def test_unrelated_words_do_not_match(query, text):
    stems = search.index_text(text)
    assert not all(any(f" {key} " in stems for key in keys) for keys in search.query_terms(query))


@given(st.text(alphabet="аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя", min_size=1, max_size=12))
def test_a_word_always_finds_itself_in_any_case(word):
    stems = search.index_text(word.upper())
    for keys in search.query_terms(word):
        assert any(f" {key} " in stems for key in keys)


def test_snippet_escapes_and_highlights():
    text = "<b>Қазақ</b> тілі & сауаттылық"
    snippet = search.snippet(text, search.query_terms("казак"))
    assert "<mark>Қазақ</mark>" in snippet and "&lt;b&gt;" in snippet and "&amp;" in snippet


@pytest.mark.django_db
def test_search_finds_items_ranked_and_only_published(commons_scene):
    scene = commons_scene
    found, _terms = resource_search(filters=SearchFilters(query="казак сауаттылык"))
    assert list(found) == [scene.published]
    found, _terms = resource_search(filters=SearchFilters(query="школы"))
    assert list(found) == [scene.project_item]  # "школа" in its text
    found, _terms = resource_search(filters=SearchFilters(query="занятия"))
    assert list(found) == []  # the pending session plan is not public
    found, _terms = resource_search(filters=SearchFilters(language="kk"))
    assert list(found) == [scene.published]


@pytest.mark.django_db
def test_the_embedded_index_follows_every_write():
    """SQLite: the FTS5 index (migration 0003) is kept by triggers on insert, update and delete;
    PostgreSQL: the narrow search rows (migration 0004) by triggers on insert, update, delete and
    truncate, and the search matches the same stems through them."""
    from django.db import connection

    from shamy.commons.demo import judged_resources
    from shamy.commons.models import Resource
    from shamy.commons.services.resources import reindex

    Resource.objects.bulk_create(judged_resources(is_demo=False))
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'commons_resource'")
            triggers = {row[0] for row in cursor.fetchall()}
        assert triggers == {"commons_resource_fts_insert", "commons_resource_fts_update", "commons_resource_fts_delete"}
    else:  # PostgreSQL: the narrow search rows of migration 0004, kept by triggers
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'commons_resource'::regclass AND NOT tgisinternal"
            )
            triggers = {row[0] for row in cursor.fetchall()}
        assert triggers == {
            "commons_resource_search_sync",
            "commons_resource_search_delete",
            "commons_resource_search_truncate",
        }
        assert ResourceSearch.objects.count() == Resource.objects.count()
    item = Resource.objects.get(title__startswith="Функционалдық")
    found, _terms = resource_search(filters=SearchFilters(query="сауаттылык"))
    assert item in found
    item.title, item.summary = "Ботаника", "Өсімдіктер әлемі"
    reindex(item)
    item.save()
    assert item not in resource_search(filters=SearchFilters(query="сауаттылык"))[0]
    assert list(resource_search(filters=SearchFilters(query="осимдиктер"))[0]) == [item]
    item.status = "rejected"
    item.save()
    assert not resource_search(filters=SearchFilters(query="осимдиктер"))[0].exists()
    item.status = "published"
    item.save()
    item.delete()
    assert not resource_search(filters=SearchFilters(query="осимдиктер"))[0].exists()
    if connection.vendor == "postgresql":
        assert not ResourceSearch.objects.filter(pk=item.pk).exists()


@pytest.mark.django_db
def test_ranking_is_title_matches_then_newest_and_pages_slice_it():
    """The same order on both databases (PostgreSQL ranks in the narrow search rows): one point
    per query word found in the title, then newest first, then id; a page is a slice of it and
    the count is the number of matches."""
    import datetime

    from django.utils import timezone

    from shamy.commons.demo import judged_resources
    from shamy.commons.models import Resource

    items = judged_resources(is_demo=False)
    now = timezone.now()
    for index, item in enumerate(items):
        item.published_at = now - datetime.timedelta(minutes=index % 7)  # ties broken by id
    Resource.objects.bulk_create(items)
    for query in ("школы", "мектеп", "teachers research", "казак тили", "formative assessment"):
        expected = ranked_in_python(query)
        found, _terms = resource_search(filters=SearchFilters(query=query))
        assert expected, query
        assert list(found) == expected, query
        assert found.count() == len(expected)
        assert list(found[1:3]) == expected[1:3]
        fresh, _terms = resource_search(filters=SearchFilters(query=query))
        assert fresh[1:][:2].count() == min(2, len(expected) - 1)  # the page's capped count slices too


@pytest.mark.django_db
def test_every_slice_of_the_ranking_follows_the_tiers():
    """Items with every subset of four query words in the title (all four in the text), ties in
    the date: PostgreSQL takes a slice from the newest rows when the top tier (every word in the
    title) found there fills it, and ranks every match otherwise; every slice, wherever it starts
    and ends, must be the same as the slice of the whole order computed in Python, for a query of
    three words and of four, on both databases."""
    import datetime
    import itertools

    from django.utils import timezone

    from shamy.commons.models import Resource
    from shamy.commons.services.resources import reindex

    words = ("алма", "школа", "river", "garden")
    now = timezone.now()
    items: list[Resource] = []
    for size in range(len(words) + 1):
        for chosen in itertools.combinations(words, size):
            for copy in range(2):
                item = Resource(
                    kind="guide",
                    title=" ".join(("Тақырып", *chosen)),
                    summary=" ".join(words) + " мәтін",
                    language="kk",
                    country="KZ",
                    status="published",
                    published_at=now - datetime.timedelta(minutes=(len(items) * 5 + copy) % 9),
                )
                reindex(item)
                items.append(item)
    unrelated = Resource(
        kind="guide", title="алма школа", summary="тек екі сөз", language="kk", country="KZ", status="published"
    )
    unrelated.published_at = now
    reindex(unrelated)
    Resource.objects.bulk_create([*items, unrelated])
    for query in ("алма школы rivers", "алма школы rivers gardens"):
        expected = ranked_in_python(query)
        assert unrelated not in expected
        for width in (1, 3, 7):
            for start in range(len(expected) + 1):
                # A fresh search each time: on PostgreSQL, a slice of a search not yet counted is
                # first looked for among the newest rows, a counted one is ranked whole.
                fresh, _terms = resource_search(filters=SearchFilters(query=query))
                assert list(fresh[start : start + width]) == expected[start : start + width], (query, start, width)
        found, _terms = resource_search(filters=SearchFilters(query=query))
        assert list(found) == expected, query
        assert found.count() == len(expected) == len(items)
        assert list(found[5:][4:9]) == expected[9:14]
        assert list(found[len(expected) - 2 :]) == expected[-2:]
        assert list(found[:2]) == expected[:2]  # counted: ranked whole, the same order


def ranked_in_python(query: str) -> list:
    """The items ``query`` matches in the search's order, computed in Python from the stems: every
    query word in the item's stems; more query words in the title first, then newest, then id."""
    from shamy.commons.models import Resource

    terms = search.query_terms(query)
    return sorted(
        (
            item
            for item in Resource.objects.all()
            if all(any(f" {key} " in item.search_stems for key in keys) for keys in terms)
        ),
        key=lambda item: (
            -sum(any(f" {key} " in item.title_stems for key in keys) for keys in terms),
            -item.published_at.timestamp(),
            -item.pk,
        ),
    )
