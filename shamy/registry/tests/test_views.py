from __future__ import annotations

import pytest
from django.urls import reverse

from shamy.core.testing.cast import PERSONAS
from shamy.core.testing.fuzz import query_fuzz_test
from shamy.core.testing.matrix import Expect, Row, matrix_test

pytestmark = pytest.mark.django_db


def _client(client, cast, persona):
    user = cast.user(persona)
    if user is not None:
        client.force_login(user)
    return client


expect = Expect(PERSONAS)
MATRIX = [
    Row("registry:region-list", lambda c: reverse("registry:region-list"), expect.each(200, olzhas=403)),
    Row(
        "registry:region-detail",
        lambda c: reverse("registry:region-detail", args=[c.region_a.pk]),
        expect.only({"aigerim", "dana", "kairat", "bolat"}),
    ),
    Row("registry:school-list", lambda c: reverse("registry:school-list"), expect.each(200, olzhas=403)),
    Row(
        "registry:school-detail",
        lambda c: reverse("registry:school-detail", args=[c.school_a2.pk]),
        expect.only({"aigerim", "dana", "kairat"}),
    ),
    Row(
        "registry:person-detail",
        lambda c: reverse("registry:person-detail", args=[c.teacher_a1.pk]),
        expect.only({"aigerim", "dana", "kairat", "bolat"}),
    ),
]
test_registry_view_permission_matrix = matrix_test(MATRIX, PERSONAS)
test_registry_query_parameters = query_fuzz_test(MATRIX, PERSONAS)


def test_regional_analyst_sees_only_own_region_schools(client, cast):
    response = _client(client, cast, "kairat").get(reverse("registry:school-list"))
    names = [school.name_kk for school in response.context["page"]]
    assert sorted(names) == sorted([cast.school_a1.name_kk, cast.school_a2.name_kk])


def test_principal_sees_only_own_school(client, cast):
    response = _client(client, cast, "bolat").get(reverse("registry:school-list"))
    assert [school.pk for school in response.context["page"]] == [cast.school_a1.pk]


def test_region_list_counts_only_visible_schools(client, cast):
    response = _client(client, cast, "kairat").get(reverse("registry:region-list"))
    rows = response.context["rows"]
    assert [row.region.kato for row in rows] == ["19"]
    assert (rows[0].school_count, rows[0].urban_count, rows[0].rural_count) == (2, 1, 1)
    assert rows[0].pupil_total == 46 + 1250


def test_search_is_case_insensitive_in_kazakh(client, cast):
    response = _client(client, cast, "dana").get(reverse("registry:school-list"), {"q": "ақсу"})
    assert [s.pk for s in response.context["page"]] == [cast.school_a1.pk]
    response = _client(client, cast, "dana").get(reverse("registry:school-list"), {"q": "АҚСУ"})
    assert [s.pk for s in response.context["page"]] == [cast.school_a1.pk]


def test_filters_combine(client, cast):
    response = _client(client, cast, "dana").get(
        reverse("registry:school-list"), {"region": cast.region_a.pk, "locality": "rural", "small_class": "1"}
    )
    assert [s.pk for s in response.context["page"]] == [cast.school_a1.pk]


def test_person_iin_masked_for_analyst_and_shown_to_principal(client, cast):
    url = reverse("registry:person-detail", args=[cast.teacher_a1.pk])
    analyst_page = _client(client, cast, "dana").get(url).content.decode()
    assert cast.teacher_a1.iin not in analyst_page
    assert cast.teacher_a1.iin[-4:] in analyst_page
    assert cast.teacher_a1.phone not in analyst_page
    client.logout()
    principal_page = _client(client, cast, "bolat").get(url).content.decode()
    assert cast.teacher_a1.iin in principal_page


def test_school_list_query_count_is_constant(
    client, cast, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from shamy.core.testing.factories import SchoolFactory
    from shamy.registry import school_counts
    from shamy.registry.models import School

    school_counts.refresh()  # the regions' school numbers, as after any committed write
    _client(client, cast, "dana")
    url = reverse("registry:school-list")
    client.get(url)  # warm the session, content types and the table cache
    # Warm: session, user, memberships, regions for the filter; the table comes from the cache.
    with django_assert_num_queries(4):
        client.get(url)
    with django_capture_on_commit_callbacks(execute=True):  # a committed write: the cached table is stale
        SchoolFactory.create_batch(20, region=cast.region_a)
    # Cold: + one page of rows, however many schools there are; the total is the sum of the
    # regions' stored school numbers, read with the regions for the filter.
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.context["page"].paginator.count == 23
    with django_assert_num_queries(4):
        client.get(url)
    # A filter the regions' numbers cannot answer: + a COUNT.
    with django_assert_num_queries(6):
        response = client.get(url, {"locality": "rural"})
    assert response.context["page"].paginator.count == School.objects.filter(locality="rural").count() > 20
    # Right after a write, before its region is counted again: the total is counted live (+1).
    school_counts.mark_stale([cast.region_a.pk])
    with django_assert_num_queries(6):
        response = client.get(url, {"sort": "-pupils"})
    assert response.context["page"].paginator.count == 23


def test_region_list_query_count_is_constant(client, cast, django_assert_num_queries):
    from shamy.core.testing.factories import SchoolFactory

    _client(client, cast, "dana")
    url = reverse("registry:region-list")
    client.get(url)
    with django_assert_num_queries(3):  # session, user, memberships: the counts come from the cache
        client.get(url)
    SchoolFactory.create_batch(20, region=cast.region_b)  # a write: the cached counts are stale
    with django_assert_num_queries(5):  # + the counts and the regions, however many schools there are
        response = client.get(url)
    assert sum(row.school_count for row in response.context["rows"]) == 23
    with django_assert_num_queries(3):
        client.get(url)


def test_names_sort_in_the_language_shown(client, cast):
    from shamy.core.testing.factories import SchoolFactory

    # Kazakh order puts "Әл" after "Ал"; the Russian names are in the opposite order.
    SchoolFactory(region=cast.region_b, name_kk="Ақбұлақ мектебі", name_ru="Школа Ы")
    SchoolFactory(region=cast.region_b, name_kk="Әлімтау мектебі", name_ru="Школа А")
    _client(client, cast, "saule")  # sees region B's school B1 only; use dana for all of region B
    client.force_login(cast.dana)
    url = reverse("registry:school-list")
    kazakh = [s.name_kk for s in client.get(url, {"region": cast.region_b.pk}).context["page"]]
    assert kazakh.index("Ақбұлақ мектебі") < kazakh.index("Әлімтау мектебі")
    client.cookies["shamy_language"] = "ru"
    cast.dana.language = "ru"
    cast.dana.save()
    russian = [s.name_ru for s in client.get(url, {"region": cast.region_b.pk}).context["page"]]
    assert russian.index("Школа А") < russian.index("Школа Ы")


def test_region_page_lists_its_visible_schools(client, cast):
    response = _client(client, cast, "bolat").get(reverse("registry:region-detail", args=[cast.region_a.pk]))
    assert [school.pk for school in response.context["page"]] == [cast.school_a1.pk]
    client.force_login(cast.dana)
    response = client.get(reverse("registry:region-detail", args=[cast.region_a.pk]))
    assert {school.pk for school in response.context["page"]} == {cast.school_a1.pk, cast.school_a2.pk}
    assert cast.school_a2.name_kk in response.content.decode()


def test_region_page_query_count_is_constant(client, cast, django_assert_num_queries):
    from shamy.core.testing.factories import SchoolFactory

    client.force_login(cast.dana)
    url = reverse("registry:region-detail", args=[cast.region_a.pk])
    client.get(url)
    # Session, user, memberships, the region: districts and the school table come from the cache.
    with django_assert_num_queries(4):
        client.get(url)
    SchoolFactory.create_batch(20, region=cast.region_a)
    # + the district counts (with the districts' names, and summed for the table's count) and the
    # table's rows: no COUNT of its own, the district rows hold the same schools.
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.context["page"].paginator.count == 22
    with django_assert_num_queries(4):
        client.get(url)


def test_region_page_counts_its_visible_schools_once_for_both_tables(client, cast, settings):
    from shamy.core.testing.factories import SchoolFactory

    settings.REGISTRY_CACHE_SECONDS = 0
    # A school without a district: its own row, last, and in the table's count.
    SchoolFactory(region=cast.region_a, district=None, name_kk="Ауданы жоқ мектеп", pupils=7)
    client.force_login(cast.dana)
    response = client.get(reverse("registry:region-detail", args=[cast.region_a.pk]))
    rows = response.context["districts"]
    assert rows[-1].district is None
    assert (rows[-1].school_count, rows[-1].pupil_total) == (1, 7)
    assert sum(row.school_count for row in rows) == response.context["page"].paginator.count == 3
    assert "3 мектеп" in response.content.decode()
    client.force_login(cast.bolat)  # school A1 only
    response = client.get(reverse("registry:region-detail", args=[cast.region_a.pk]))
    assert [row.district.pk for row in response.context["districts"]] == [cast.school_a1.district_id]
    assert response.context["page"].paginator.count == 1
    assert [school.pk for school in response.context["page"]] == [cast.school_a1.pk]
