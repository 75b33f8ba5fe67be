"""The stored schools per region (registry.school_counts) equal a live count after every kind of
write, and the school list and the API read them only when they are current."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shamy.core.testing.factories import RegionFactory, SchoolFactory
from shamy.registry.models import Locality, Region, School, SchoolCount
from shamy.registry.school_counts import mark_stale, stored_total
from shamy.registry.selectors import SchoolFilters
from shamy.registry.services.schools import school_create, school_create_many, school_update

pytestmark = pytest.mark.django_db


def assert_counts_are_live() -> None:
    """Every region is current, and its stored number is its schools' live count."""
    live = dict(School.objects.order_by().values("region_id").annotate(n=Count("id")).values_list("region_id", "n"))
    stored = {row.region_id: (row.schools, row.current) for row in SchoolCount.objects.all()}
    assert stored == {pk: (live.get(pk, 0), True) for pk in Region.objects.values_list("pk", flat=True)}


def _fields(cast, **extra):
    return {
        "name_kk": "Ақсу мектебі",
        "name_ru": "Школа Аксу",
        "region": cast.region_a,
        "locality": Locality.RURAL,
    } | extra


@pytest.fixture
def counted(cast, django_capture_on_commit_callbacks):
    """The cast's schools, and ten more in region B, all committed and counted."""
    with django_capture_on_commit_callbacks(execute=True):
        SchoolFactory.create_batch(10, region=cast.region_b)
    assert_counts_are_live()
    return cast


def test_created_through_the_service(counted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        school_create(actor=counted.aigerim, fields=_fields(counted))
    assert_counts_are_live()


def test_moved_to_another_region_leaves_the_old_one(counted, django_capture_on_commit_callbacks):
    before = SchoolCount.objects.get(region=counted.region_a).schools
    with django_capture_on_commit_callbacks(execute=True):
        school_update(
            actor=counted.aigerim, school=counted.school_a1, changes={"region": counted.region_b, "district": None}
        )
    assert SchoolCount.objects.get(region=counted.region_a).schools == before - 1
    assert_counts_are_live()


def test_an_edit_that_moves_nothing_keeps_the_numbers(counted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        school_update(actor=counted.aigerim, school=counted.school_a1, changes={"pupils": 47})
    assert_counts_are_live()


def test_deleted(counted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        School.objects.filter(region=counted.region_b, pk__gt=counted.school_b1.pk).first().delete()
    assert_counts_are_live()


def test_bulk_import(counted, django_capture_on_commit_callbacks):
    """An import's commit writes schools in bulk (no model signals): bulk_data_changed recounts."""
    with django_capture_on_commit_callbacks(execute=True):
        school_create_many(
            actor=counted.aigerim,
            rows=[_fields(counted, name_kk=f"Мектеп {n}", name_ru=f"Школа {n}") for n in range(5)],
        )
    assert_counts_are_live()


def test_demo_bulk_load(django_capture_on_commit_callbacks):
    """The demo loader writes around the ORM; its bulk_data_changed recounts every region."""
    from shamy.registry.demo.loader import demo_load

    with django_capture_on_commit_callbacks(execute=True):
        demo_load(scale=0.01)
    assert Region.objects.count() > 2 and School.objects.count() > 20
    assert_counts_are_live()


def test_a_new_region_is_counted(counted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        region = RegionFactory(kato="99")
    assert SchoolCount.objects.get(region=region).current
    assert_counts_are_live()


def test_a_rolled_back_write_changes_nothing(counted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            school_create(actor=counted.aigerim, fields=_fields(counted))
            raise RuntimeError
    assert_counts_are_live()


def test_uncommitted_write_reads_live(counted, client, settings):
    """Marked in the write's transaction: until it commits and is counted, totals count live."""
    settings.REGISTRY_CACHE_SECONDS = 0
    SchoolFactory(region=counted.region_b)  # no commit callbacks run: region B is not current
    assert stored_total(actor=counted.dana, region_id=counted.region_b.pk) is None
    assert stored_total(actor=counted.dana, region_id=counted.region_a.pk) == 2
    client.force_login(counted.dana)
    page = client.get(reverse("registry:school-list")).context["page"]
    assert page.paginator.count == School.objects.count() == 14


def test_totals_follow_the_readers_scope(counted):
    assert stored_total(actor=counted.dana) == 13  # the whole country
    assert stored_total(actor=counted.kairat) == 2  # region A
    assert stored_total(actor=counted.kairat, region_id=counted.region_b.pk) == 0  # not theirs: none
    assert stored_total(actor=counted.bolat) is None  # one school: counted live


def test_school_list_reads_the_stored_total(counted, client, settings):
    """With every cache off, the unfiltered list takes its total from the regions' numbers, read
    with the filter's regions (no COUNT over the schools: one query fewer); a filter counts live."""
    settings.REGISTRY_CACHE_SECONDS = 0
    client.force_login(counted.dana)
    url = reverse("registry:school-list")
    client.get(url)
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert len(captured.captured_queries) == 5
    assert not [q["sql"] for q in captured.captured_queries if "COUNT(*)" in q["sql"]]
    assert response.context["page"].paginator.count == 13
    rural = client.get(url, {"locality": "rural", "region": counted.region_a.pk}).context["page"].paginator.count
    assert rural == School.objects.filter(region=counted.region_a, locality=Locality.RURAL).count() == 1
    by_region = client.get(url, {"region": counted.region_b.pk, "sort": "-pupils"}).context["page"].paginator.count
    assert by_region == 11


def test_api_school_list_reads_the_stored_total(counted, client, settings):
    from shamy.accounts.services.users import api_token_create

    settings.REGISTRY_CACHE_SECONDS = 0
    _token, raw = api_token_create(actor=counted.dana, name="tests")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    url = reverse("api:school-list")
    with CaptureQueriesContext(connection) as captured:
        body = client.get(url, **headers).json()
    assert body["count"] == 13 and len(body["items"]) == 13
    assert not [q["sql"] for q in captured.captured_queries if "COUNT(*)" in q["sql"]]
    urban = School.objects.filter(locality=Locality.URBAN).count()
    assert client.get(url, {"locality": "urban"}, **headers).json()["count"] == urban  # filtered: counted live
    mark_stale()
    assert client.get(url, **headers).json()["count"] == 13  # stale: counted live


def test_the_list_counts_live_while_a_region_is_stale(counted, client, settings):
    settings.REGISTRY_CACHE_SECONDS = 0
    mark_stale([counted.region_a.pk])  # as a write would, not counted again yet
    client.force_login(counted.dana)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("registry:school-list"))
    assert [q for q in captured.captured_queries if "COUNT(*)" in q["sql"]]
    assert response.context["page"].paginator.count == 13


def test_filters_that_a_region_total_cannot_answer_are_counted():
    assert SchoolFilters(region=3, sort="-pupils") == SchoolFilters(region=3, sort="-pupils")
    for filters in (SchoolFilters(search="ақсу"), SchoolFilters(small_class=True), SchoolFilters(district=4)):
        assert filters != SchoolFilters(region=filters.region, sort=filters.sort)


def test_list_totals_follow_the_readers_scope(counted, client, settings):
    settings.REGISTRY_CACHE_SECONDS = 0
    url = reverse("registry:school-list")
    client.force_login(counted.kairat)  # region A
    assert client.get(url).context["page"].paginator.count == 2
    assert client.get(url, {"region": counted.region_b.pk}).context["page"].paginator.count == 0
    client.force_login(counted.bolat)  # one school: counted live
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).context["page"].paginator.count == 1
    assert [q for q in captured.captured_queries if "COUNT(*)" in q["sql"]]
