"""The stored teacher counts (analytics.tally) equal the live COUNT(DISTINCT) after every kind of
write, and a panel never reads them when they are not current."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from shamy.access.context import AnalyticsScope
from shamy.analytics.models import AnalyticsSettings, Level, TeacherTallyState
from shamy.analytics.selectors import panel_for
from shamy.analytics.services.settings import analytics_settings_update
from shamy.analytics.tally import (
    active_teachers,
    school_sums,
    school_tally_rows,
    staff_date,
    tally_mark_stale,
    tally_rows,
)
from shamy.core.testing.factories import DistrictFactory, EmploymentFactory, PersonFactory, RegionFactory, SchoolFactory
from shamy.registry.models import (
    Employment,
    FutureSchool,
    Internet,
    Locality,
    Person,
    Position,
    QualificationCategory,
    Region,
    School,
)
from shamy.registry.services.people import (
    employment_create,
    employment_create_many,
    person_create_many,
    person_update,
)
from shamy.registry.services.schools import school_update

pytestmark = pytest.mark.django_db
NATIONAL = AnalyticsScope(national=True)
# In the live query summing every school's figures (the modernised schools' filter), never elsewhere.
SUMS_EVERY_SCHOOL = '"modernised_year" >='


def _on() -> datetime.date:
    return staff_date(AnalyticsSettings.current().registry_year)


def _live(key: str, region_id: int | None = None) -> dict[tuple[object, ...], int]:
    employments = active_teachers(_on())
    if region_id is not None:
        employments = employments.filter(school__region_id=region_id)
    rows = (
        employments.order_by()
        .values(f"school__{key}", "school__locality", "person__qualification")
        .annotate(staff=Count("person_id", distinct=True))
    )
    return {
        (row[f"school__{key}"], row["school__locality"], row["person__qualification"]): row["staff"] for row in rows
    }


def _stored(level: str, region_ids: list[int]) -> dict[tuple[object, ...], int] | None:
    rows = tally_rows(level=level, region_ids=region_ids, on=_on())
    if rows is None:
        return None
    key = "school__region_id" if level == Level.REGION else "school__district_id"
    return {(row[key], row["school__locality"], row["person__qualification"]): row["staff"] for row in rows}


def _live_schools(key: str, region_id: int | None = None) -> dict[tuple[object, ...], dict[str, int]]:
    schools = School.objects.all() if region_id is None else School.objects.filter(region_id=region_id)
    rows = schools.order_by().values(key, "locality").annotate(**school_sums(AnalyticsSettings.current().registry_year))
    return {(row.pop(key), row.pop("locality")): {name: value or 0 for name, value in row.items()} for row in rows}


def _stored_schools(level: str, region_ids: list[int]) -> dict[tuple[object, ...], dict[str, int]] | None:
    rows = school_tally_rows(level=level, region_ids=region_ids, on=_on())
    if rows is None:
        return None
    key = "region_id" if level == Level.REGION else "district_id"
    return {(row.pop(key), row.pop("locality")): row for row in rows}


def assert_tally_is_live() -> None:
    """Every region is current, and its stored teacher counts and school sums equal the live
    queries at both levels (and for the whole country's districts)."""
    regions = list(Region.objects.values_list("pk", flat=True))
    assert _stored(Level.REGION, regions) == _live("region_id")
    assert _stored_schools(Level.REGION, regions) == _live_schools("region_id")
    assert _stored_schools(Level.DISTRICT, regions) == _live_schools("district_id")
    for region in regions:
        assert _stored(Level.DISTRICT, [region]) == _live("district_id", region)
        assert _stored_schools(Level.DISTRICT, [region]) == _live_schools("district_id", region)


@pytest.fixture
def staffed(cast, django_capture_on_commit_callbacks):
    """Two regions with urban and rural schools, teachers of several categories, one person
    teaching in two schools of one district (counted once there), all committed."""
    with django_capture_on_commit_callbacks(execute=True):
        district = DistrictFactory(region=cast.region_a)
        urban = SchoolFactory(region=cast.region_a, district=district, locality=Locality.URBAN)
        rural = SchoolFactory(region=cast.region_a, district=district, locality=Locality.RURAL)
        other = SchoolFactory(region=cast.region_b, locality=Locality.URBAN)
        for index, category in enumerate(QualificationCategory):
            for school in (urban, rural, other):
                for _ in range(index + 1):
                    EmploymentFactory(person=PersonFactory(qualification=category), school=school)
        twice = PersonFactory(qualification=QualificationCategory.MASTER)
        EmploymentFactory(person=twice, school=urban)
        EmploymentFactory(person=twice, school=SchoolFactory(region=cast.region_a, district=district))
        EmploymentFactory(  # a principal is not counted
            person=PersonFactory(qualification=QualificationCategory.EXPERT), school=urban, position=Position.PRINCIPAL
        )
    assert_tally_is_live()
    return {"urban": urban, "rural": rural, "other": other, "twice": twice, "district": district}


def test_counts_match_live_after_building(staffed):
    stored = _stored(Level.REGION, list(Region.objects.values_list("pk", flat=True)))
    assert stored is not None and sum(stored.values()) > 0
    schools = _stored_schools(Level.REGION, list(Region.objects.values_list("pk", flat=True)))
    assert schools is not None and sum(sums["schools"] for sums in schools.values()) == School.objects.count()


def test_school_figures_changed_through_the_service(cast, staffed, django_capture_on_commit_callbacks):
    """Every stored sum follows an edit of the fields it counts."""
    with django_capture_on_commit_callbacks(execute=True):
        school_update(
            actor=cast.aigerim,
            school=staffed["rural"],
            changes={
                "pupils": 431,
                "teachers": 37,
                "is_small_class": True,
                "internet": Internet.HIGH_SPEED,
                "modernised_year": AnalyticsSettings.current().registry_year - 2,
                "future_school": FutureSchool.BUILT,
                "future_school_built_year": AnalyticsSettings.current().registry_year - 1,
            },
        )
    stored = _stored_schools(Level.DISTRICT, [cast.region_a.pk])
    assert stored is not None
    sums = stored[(staffed["district"].pk, Locality.RURAL)]
    assert (sums["pupils"] >= 431, sums["small"], sums["high_speed"], sums["modernised"], sums["future_built"]) == (
        True,
        1,
        1,
        1,
        1,
    )
    assert_tally_is_live()


def test_school_created_and_deleted(cast, staffed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        SchoolFactory(region=cast.region_b, locality=Locality.RURAL, pupils=12, internet=Internet.HIGH_SPEED)
    assert_tally_is_live()
    with django_capture_on_commit_callbacks(execute=True):
        School.objects.filter(region=cast.region_b, employments__isnull=True).first().delete()
    assert_tally_is_live()


def test_panel_with_stored_school_sums_equals_the_live_panel(cast, staffed, django_capture_on_commit_callbacks):
    """The whole panel, programme reach (counted live beside the stored sums) included, at both
    levels and for every programme filter."""
    from shamy.analytics.cache import analytics_invalidate
    from shamy.programmes.models import Cohort, CohortSchool, Programme

    year = AnalyticsSettings.current().registry_year
    starts, ends = datetime.date(year, 9, 1), datetime.date(year + 1, 6, 30)
    with django_capture_on_commit_callbacks(execute=True):
        for reached in (staffed["rural"], staffed["other"]):
            programme = Programme.objects.create(name_kk="П", name_ru="П", starts_on=starts, ends_on=ends)
            cohort = Cohort.objects.create(
                programme=programme, name_kk="К", name_ru="К", starts_on=starts, ends_on=ends
            )
            CohortSchool.objects.create(cohort=cohort, school=reached, joined_on=starts)
    shapes = [
        {"level": Level.REGION, "region_id": None},
        {"level": Level.DISTRICT, "region_id": cast.region_a.pk},
        {"level": Level.DISTRICT, "region_id": None},
    ]
    for programme_id in [None, *Programme.objects.values_list("pk", flat=True)]:
        for shape in shapes:
            analytics_invalidate()
            with CaptureQueriesContext(connection) as captured:
                stored = panel_for(scope=NATIONAL, year=year, programme_id=programme_id, **shape)
            # The stored sums are read; the schools are not summed (only the reached ones counted).
            assert not any(SUMS_EVERY_SCHOOL in query["sql"] for query in captured.captured_queries)
            TeacherTallyState.objects.update(current=False)
            analytics_invalidate()
            with CaptureQueriesContext(connection) as captured:
                live = panel_for(scope=NATIONAL, year=year, programme_id=programme_id, **shape)
            assert any(SUMS_EVERY_SCHOOL in query["sql"] for query in captured.captured_queries)
            TeacherTallyState.objects.update(current=True)
            assert stored == live
    assert any(bucket.get("reached") for parts in stored.values() for bucket in parts.values())


def test_hire_through_the_service(cast, staffed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        employment_create(
            actor=cast.aigerim,
            person=PersonFactory(qualification=QualificationCategory.RESEARCHER),
            school=staffed["rural"],
            starts_on=datetime.date(2021, 9, 1),
        )
    assert_tally_is_live()


def test_transfer_ends_one_employment_and_starts_another(cast, staffed, django_capture_on_commit_callbacks):
    employment = Employment.objects.filter(school=staffed["urban"], position=Position.TEACHER).first()
    with django_capture_on_commit_callbacks(execute=True):
        employment.ends_on = datetime.date(2022, 12, 31)
        employment.save()
        employment_create(
            actor=cast.aigerim, person=employment.person, school=staffed["other"], starts_on=datetime.date(2023, 1, 1)
        )
    assert_tally_is_live()


def test_employment_moved_to_another_region_leaves_the_old_one(staffed, django_capture_on_commit_callbacks):
    employment = Employment.objects.filter(school=staffed["rural"]).first()
    with django_capture_on_commit_callbacks(execute=True):
        employment.school = staffed["other"]
        employment.save()
    assert_tally_is_live()


def test_qualification_change_through_the_service(cast, staffed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        person_update(
            actor=cast.aigerim, person=staffed["twice"], changes={"qualification": QualificationCategory.NONE}
        )
    assert_tally_is_live()


def test_deleting_an_employment_and_a_person(staffed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Employment.objects.filter(school=staffed["other"]).first().delete()
        Person.objects.filter(employments__school=staffed["urban"]).first().delete()
    assert_tally_is_live()


def test_school_moved_and_reclassified_through_the_service(cast, staffed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        school_update(actor=cast.aigerim, school=staffed["rural"], changes={"locality": Locality.URBAN})
        school_update(
            actor=cast.aigerim,
            school=staffed["other"],
            changes={"region": cast.region_a, "district": staffed["district"]},
        )
    assert_tally_is_live()


def test_bulk_import_of_people_and_employments(cast, staffed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        people = person_create_many(
            actor=cast.aigerim,
            rows=[
                {"surname": f"Импорт{n}", "given_name": "Айгүл", "qualification": QualificationCategory.EXPERT}
                for n in range(5)
            ],
        )
        employment_create_many(
            actor=cast.aigerim,
            rows=[
                {
                    "person": person,
                    "school": staffed["rural"],
                    "position": Position.TEACHER,
                    "starts_on": datetime.date(2022, 9, 1),
                }
                for person in people
            ],
        )
    assert_tally_is_live()


def test_demo_bulk_load(django_capture_on_commit_callbacks):
    """The demo loader writes people and employments around the ORM (no model signals): its
    bulk_data_changed recounts every region. (Only into a database without real data: no cast.)"""
    from shamy.registry.demo.loader import demo_load

    with django_capture_on_commit_callbacks(execute=True):
        demo_load(scale=0.01)
    assert Region.objects.count() > 2 and Employment.objects.exists()
    assert_tally_is_live()


def test_registry_year_change_counts_another_day(cast, staffed, django_capture_on_commit_callbacks):
    EmploymentFactory(  # starts after 31 May 2023: counted for 2023/24, not for 2022/23
        person=PersonFactory(), school=staffed["urban"], starts_on=datetime.date(2023, 9, 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        analytics_settings_update(
            actor=cast.aigerim, public_enabled=False, suppression_threshold=10, registry_year=2023
        )
    assert TeacherTallyState.objects.filter(counted_on=datetime.date(2024, 5, 31), current=True).exists()
    assert_tally_is_live()


def test_a_new_region_is_counted(staffed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        region = RegionFactory()
    assert TeacherTallyState.objects.filter(region=region, current=True).exists()
    assert_tally_is_live()


def test_uncommitted_write_reads_live(cast, staffed, django_capture_on_commit_callbacks):
    """Marked in the write's transaction: until the recount, panels count live (and right)."""
    EmploymentFactory(person=PersonFactory(qualification=QualificationCategory.MASTER), school=staffed["other"])
    assert _stored(Level.REGION, [cast.region_b.pk]) is None
    region_a = {key: count for key, count in _live("region_id").items() if key[0] == cast.region_a.pk}
    assert _stored(Level.REGION, [cast.region_a.pk]) == region_a
    panel = panel_for(scope=NATIONAL, year=AnalyticsSettings.current().registry_year, staff=True)
    assert panel[cast.region_b.pk]["urban"]["staff_category:master"] == 7  # 6 seeded + 1 uncommitted


def test_panel_reads_stored_counts_in_one_query(cast, staffed, django_assert_num_queries):
    from shamy.analytics.cache import analytics_invalidate

    year = AnalyticsSettings.current().registry_year
    panel_for(scope=NATIONAL, year=year, staff=True)
    analytics_invalidate()
    # Settings, the regions in scope, stored school sums, the reached schools, stored teacher counts,
    # imported values (on a page the regions are read once for the whole request).
    with django_assert_num_queries(6) as current:
        stored = panel_for(scope=NATIONAL, year=year, staff=True)
    tally_mark_stale()
    analytics_invalidate()
    # Each stored read's check finds the regions stale, then the live query: school sums, teachers.
    with django_assert_num_queries(len(current.captured_queries) + 1):
        live = panel_for(scope=NATIONAL, year=year, staff=True)
    assert stored == live
    assert any("analytics_teachertally" in query["sql"] for query in current.captured_queries)


# --- Cold paths (every cache off): constant queries, and no count over every employment ---------

DUMMY_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def _cold_queries(client, url: str) -> list[str]:
    with override_settings(CACHES=DUMMY_CACHE), CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize(
    "page",
    ["dashboard", "region", "home"],
)
def test_cold_pages_read_stored_counts_in_constant_queries(
    client, cast, staffed, page, django_capture_on_commit_callbacks
):
    """With the cache off, the teachers' indicator pages (and the analyst's home page, whose
    "largest gaps" read it) cost the same queries with 20 more teachers, and none of them counts
    over the employments once the stored counts are current."""
    client.force_login(cast.dana)
    url = {
        "dashboard": reverse("analytics:dashboard") + "?indicator=teachers_expert_share",
        "region": reverse("analytics:region-detail", args=[cast.region_a.pk]) + "?indicator=teachers_expert_share",
        "home": reverse("home:home"),
    }[page]
    before = _cold_queries(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(20):
            EmploymentFactory(person=PersonFactory(qualification=QualificationCategory.EXPERT), school=staffed["rural"])
    after = _cold_queries(client, url)
    assert len(after) == len(before)
    assert any("analytics_teachertally" in sql for sql in after)
    assert not any("registry_employment" in sql for sql in after)
    # One more than before the school sums were stored (the reached schools beside the stored sums).
    assert len(after) == {"dashboard": 11, "region": 18, "home": 10}[page]
    assert not any(SUMS_EVERY_SCHOOL in sql for sql in after)  # nor sums every school
