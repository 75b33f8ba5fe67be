from __future__ import annotations

import importlib

import pytest
from django.urls import clear_url_caches, reverse

from shamy.core.testing.cast import PERSONAS
from shamy.core.testing.factories import SchoolFactory
from shamy.core.testing.fuzz import query_fuzz_test
from shamy.core.testing.matrix import Expect, Row, matrix_test

pytestmark = [pytest.mark.django_db, pytest.mark.urls("shamy.home.tests.bench_urlconf")]


def _bench_namespaces(module) -> list[str]:
    return [pattern.namespace for pattern in module.urlpatterns if getattr(pattern, "namespace", None) == "bench"]


def test_bench_urls_exist_only_when_switched_on(settings):
    import shamy.urls

    try:
        settings.SHAMY_BENCH = False
        assert _bench_namespaces(importlib.reload(shamy.urls)) == []
        settings.SHAMY_BENCH = True
        assert _bench_namespaces(importlib.reload(shamy.urls)) == ["bench"]
    finally:
        settings.SHAMY_BENCH = False
        importlib.reload(shamy.urls)
        clear_url_caches()


expect = Expect(PERSONAS)
MATRIX = [
    Row("bench:trivial", lambda c: reverse("bench:trivial"), expect.everyone()),
    Row("bench:schools", lambda c: reverse("bench:schools"), expect.each(200, olzhas=403)),
]
test_bench_view_permission_matrix = matrix_test(MATRIX, PERSONAS)
test_bench_query_parameters = query_fuzz_test(MATRIX, PERSONAS)


def test_trivial_view_returns_a_few_bytes(client, cast):
    client.force_login(cast.dana)
    response = client.get(reverse("bench:trivial"))
    assert response.content == b"ok\n"


def test_minimal_page_lists_at_most_fifty_visible_schools(client, cast):
    SchoolFactory.create_batch(55, region=cast.region_a)
    client.force_login(cast.dana)
    response = client.get(reverse("bench:schools"))
    assert response.content.count(b"<tr>") == 50

    client.force_login(cast.saule)
    response = client.get(reverse("bench:schools"))
    assert response.content.count(b"<tr>") == 1
    assert cast.school_b1.name_kk in response.content.decode()


@pytest.mark.parametrize("extra", [2, 20])
def test_minimal_page_runs_a_constant_number_of_queries(client, cast, django_assert_num_queries, extra):
    SchoolFactory.create_batch(extra, region=cast.region_b)
    client.force_login(cast.dana)
    client.get(reverse("bench:trivial"))  # the session is loaded by a first request either way
    # session, user, memberships, schools
    with django_assert_num_queries(4):
        response = client.get(reverse("bench:schools"))
    assert response.content.count(b"<tr>") == 3 + extra
