"""Folding and stemming rules (shamy/commons/search.py), and search on the database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shamy.commons import search
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
    PostgreSQL matches the same stems through its GIN index."""
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
    item = Resource.objects.get(title__startswith="Функционалдық")
    found, _terms = resource_search(filters=SearchFilters(query="сауаттылык"))
    assert item in found
    item.title, item.summary = "Ботаника", "Өсімдіктер әлемі"
    reindex(item)
    item.save()
    assert item not in resource_search(filters=SearchFilters(query="сауаттылык"))[0]
    assert list(resource_search(filters=SearchFilters(query="осимдиктер"))[0]) == [item]
    item.delete()
    assert not resource_search(filters=SearchFilters(query="осимдиктер"))[0].exists()
