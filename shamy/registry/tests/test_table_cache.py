"""The cached school table: never shared across scopes or languages, stale at once after a write."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from shamy.core.testing.factories import DistrictFactory, SchoolFactory
from shamy.core.versioned_cache import CacheVersion
from shamy.registry.cache import REGISTRY_CACHE
from shamy.registry.services.schools import school_update

pytestmark = pytest.mark.django_db


def _names(response) -> str:
    return response.content.decode()


def test_each_scope_gets_its_own_table(client, cast):
    url = reverse("registry:school-list")
    client.force_login(cast.dana)  # the whole country: warms the cache first
    national = _names(client.get(url))
    assert cast.school_a1.name_kk in national and cast.school_b1.name_kk in national

    client.force_login(cast.kairat)  # region A only, same URL, same language
    regional = _names(client.get(url))
    assert cast.school_a1.name_kk in regional
    assert cast.school_b1.name_kk not in regional

    client.force_login(cast.saule)  # school B1 only
    principal = _names(client.get(url))
    assert cast.school_b1.name_kk in principal
    assert cast.school_a1.name_kk not in principal and cast.school_a2.name_kk not in principal


def test_each_language_gets_its_own_table(client, cast):
    client.force_login(cast.dana)
    url = reverse("registry:school-list")
    client.get(url)  # Kazakh, cached
    kazakh = _names(client.get(url))
    cast.dana.language = "ru"
    cast.dana.save(update_fields=["language"])
    russian = _names(client.get(url))
    assert 'lang="ru"' in russian
    assert cast.school_a1.name_ru in russian and cast.school_a1.name_ru not in kazakh
    assert '<span class="badge rural">Село</span>' in russian  # the locality label in Russian
    assert '<span class="badge rural">Ауыл</span>' in kazakh


def test_a_change_shows_at_once(client, cast):
    client.force_login(cast.dana)
    url = reverse("registry:school-list")
    assert cast.school_a1.name_kk in _names(client.get(url))
    school_update(actor=cast.aigerim, school=cast.school_a1, changes={"name_kk": "Жаңа атаулы мектеп"})
    page = _names(client.get(url))
    assert "Жаңа атаулы мектеп" in page

    SchoolFactory(region=cast.region_a, name_kk="Қосылған мектеп")
    page = _names(client.get(url))
    assert "Қосылған мектеп" in page
    assert "4 мектеп" in page.replace("\xa0", " ")  # the count moved with the rows


def test_a_district_rename_shows_on_the_region_page(client, cast):
    client.force_login(cast.dana)
    url = reverse("registry:region-detail", args=[cast.region_a.pk])
    district = cast.school_a1.district
    client.get(url)
    district.name_kk = "Атауы өзгерген аудан"
    district.save()
    assert "Атауы өзгерген аудан" in _names(client.get(url))
    DistrictFactory(region=cast.region_a)  # another write bumps the version again
    assert REGISTRY_CACHE.current() >= 3


def test_page_numbers_resolve_like_the_paginator(client, cast):
    client.force_login(cast.dana)
    url = reverse("registry:school-list")
    for raw in ("abc", "0", "999", "-1"):
        response = client.get(url, {"page": raw})
        assert response.status_code == 200
        assert cast.school_a1.name_kk in _names(response)


def test_a_write_bumps_now_and_once_more_after_commit(django_capture_on_commit_callbacks):
    version = CacheVersion("test-namespace")
    start = version.current()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            version.changed()
            version.changed()
            version.changed()
            assert version.current() == start + 3  # visible inside the transaction at once
    assert len(callbacks) == 1  # one after-commit bump per transaction, however many writes
    assert version.current() == start + 4


def test_a_rolled_back_write_still_leaves_the_cache_correct(django_capture_on_commit_callbacks):
    version = CacheVersion("test-rollback")
    start = version.current()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                version.changed()
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
        with transaction.atomic():
            version.changed()
    assert len(callbacks) == 1  # the rolled-back block's callback is gone; the next one registered its own
    assert version.current() == start + 3


def test_entries_are_keyed_by_version():
    version = CacheVersion("test-keys")
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert version.get_or_compute(("a",), compute) == 1
    assert version.get_or_compute(("a",), compute) == 1  # hit
    assert version.get_or_compute(("b",), compute) == 2  # another key
    version.bump()
    assert version.get_or_compute(("a",), compute) == 3  # stale after a bump


def test_an_evicted_version_never_revives_old_entries():
    from django.core.cache import cache

    version = CacheVersion("test-evicted")
    assert version.get_or_compute(("page",), lambda: "old rows") == "old rows"
    version.bump()
    cache.delete(version.version_key)  # culled from a full cache
    assert version.get_or_compute(("page",), lambda: "new rows") == "new rows"


def test_the_cache_can_be_turned_off(client, cast, settings, django_assert_num_queries):
    from shamy.registry import school_counts

    school_counts.refresh()  # the regions' school numbers, as after any committed write
    settings.REGISTRY_CACHE_SECONDS = 0
    client.force_login(cast.dana)
    url = reverse("registry:school-list")
    client.get(url)
    for _ in range(2):  # every request reads its page (the total: the regions' stored numbers)
        with django_assert_num_queries(5):
            client.get(url)


def test_cached_region_and_district_counts_follow_scope_and_writes(client, cast):
    client.force_login(cast.dana)
    regions = client.get(reverse("registry:region-list")).context["rows"]
    assert {row.region.pk for row in regions} == {cast.region_a.pk, cast.region_b.pk}
    client.force_login(cast.kairat)  # region A only: never the national entry
    regions = client.get(reverse("registry:region-list")).context["rows"]
    assert [row.region.pk for row in regions] == [cast.region_a.pk]
    assert regions[0].school_count == 2
    SchoolFactory(region=cast.region_a, district=cast.school_a1.district)
    regions = client.get(reverse("registry:region-list")).context["rows"]
    assert regions[0].school_count == 3
    districts = client.get(reverse("registry:region-detail", args=[cast.region_a.pk])).context["districts"]
    assert sum(row.school_count for row in districts) == 3
    client.force_login(cast.bolat)  # school A1 only
    districts = client.get(reverse("registry:region-detail", args=[cast.region_a.pk])).context["districts"]
    assert sum(row.school_count for row in districts) == 1
