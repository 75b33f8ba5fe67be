"""Reads from the registry. Every selector starts from ``restrict(actor, action)``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation

from shamy.access.context import Actor, access_for
from shamy.core.db import kazakh_order
from shamy.core.inputs import parse_id
from shamy.core.text import search_query_key
from shamy.core.translated import name_picker
from shamy.registry import school_counts
from shamy.registry.cache import REGISTRY_CACHE, scope_key
from shamy.registry.models import (
    District,
    Employment,
    FutureSchool,
    InstructionLanguage,
    Internet,
    Locality,
    Ownership,
    Person,
    Region,
    School,
)


@dataclass(frozen=True)
class SchoolFilters:
    """Parsed, validated school-list filters (unknown values are ignored, never an error page)."""

    region: int | None = None
    district: int | None = None
    locality: str = ""
    small_class: bool | None = None
    language: str = ""
    internet: str = ""
    ownership: str = ""
    future_school: str = ""
    search: str = ""
    sort: str = "name"

    SORTS = {
        "name": ("name_kk", False),
        "-name": ("name_kk", True),
        "pupils": ("pupils", False),
        "-pupils": ("pupils", True),
        "teachers": ("teachers", False),
        "-teachers": ("teachers", True),
        "region": ("region__kato", False),
        "-region": ("region__kato", True),
    }

    @classmethod
    def from_query(cls, query: Mapping[str, Any]) -> SchoolFilters:
        def choice(key: str, choices: type) -> str:
            raw = str(query.get(key) or "").strip()
            return raw if raw in choices.values else ""  # type: ignore[attr-defined]

        small = str(query.get("small_class") or "").strip()
        sort = str(query.get("sort") or "name").strip()
        return cls(
            region=parse_id(query.get("region")),
            district=parse_id(query.get("district")),
            locality=choice("locality", Locality),
            small_class={"1": True, "0": False}.get(small),
            language=choice("language", InstructionLanguage),
            internet=choice("internet", Internet),
            ownership=choice("ownership", Ownership),
            future_school=choice("future_school", FutureSchool),
            search=str(query.get("q") or "").strip()[:100],
            sort=sort if sort in cls.SORTS else "name",
        )


def school_list(*, actor: Actor, filters: SchoolFilters) -> QuerySet[School]:
    schools = School.objects.restrict(actor, "view").select_related("region", "district")
    if filters.region:
        schools = schools.filter(region_id=filters.region)
    if filters.district:
        schools = schools.filter(district_id=filters.district)
    if filters.locality:
        schools = schools.filter(locality=filters.locality)
    if filters.small_class is not None:
        schools = schools.filter(is_small_class=filters.small_class)
    if filters.language:
        schools = schools.filter(language=filters.language)
    if filters.internet:
        schools = schools.filter(internet=filters.internet)
    if filters.ownership:
        schools = schools.filter(ownership=filters.ownership)
    if filters.future_school:
        schools = schools.filter(future_school=filters.future_school)
    if filters.search:
        key = search_query_key(filters.search)
        schools = schools.filter(Q(search_text__contains=key) | Q(bin=filters.search) | Q(kato=filters.search))
    field, descending = SchoolFilters.SORTS[filters.sort]
    # Names sort in the language they are shown in: the Kazakh name on Kazakh pages, the Russian
    # one otherwise (the Kazakh collation orders Russian words correctly too).
    name = "name_kk" if (translation.get_language() or "kk").startswith("kk") else "name_ru"
    if field == "name_kk":
        return schools.order_by(kazakh_order(name, descending=descending), "id")
    return schools.order_by(f"-{field}" if descending else field, kazakh_order(name), "id")


def school_total(*, actor: Actor, filters: SchoolFilters, schools: QuerySet[School]) -> int:
    """How many ``schools`` (:func:`school_list` for ``actor`` and ``filters``) there are: from the
    regions' stored numbers when only a region is chosen (``shamy.registry.school_counts``: every
    school of the regions the actor may see), else counted."""
    if filters == SchoolFilters(region=filters.region, sort=filters.sort):
        stored = school_counts.stored_total(actor=actor, region_id=filters.region)
        if stored is not None:
            return stored
    return schools.count()


@dataclass
class RegionRow:
    region: Region
    school_count: int = 0
    urban_count: int = 0
    rural_count: int = 0
    small_class_count: int = 0
    pupil_total: int = 0
    teacher_total: int = 0


_COUNTS = {
    "school_count": Count("id"),
    "urban_count": Count("id", filter=Q(locality=Locality.URBAN)),
    "rural_count": Count("id", filter=Q(locality=Locality.RURAL)),
    "small_class_count": Count("id", filter=Q(is_small_class=True)),
    "pupil_total": Sum("pupils"),
    "teacher_total": Sum("teachers"),
}


def _counts_by(schools: QuerySet[School], key: str) -> dict[int, dict[str, int]]:
    return {row[key]: row for row in schools.order_by().values(key).annotate(**_COUNTS)}


def region_list_with_counts(*, actor: Actor) -> list[RegionRow]:
    """Regions the actor may see, with counts over the schools the actor may see.

    Two queries, cached for the actor's exact scope until the registry changes (shamy.registry.cache).
    """

    def compute() -> list[RegionRow]:
        counts = _counts_by(School.objects.restrict(actor, "view"), "region_id")
        rows = []
        for region in Region.objects.restrict(actor, "view").order_by("kato"):
            row = counts.get(region.pk, {})
            rows.append(RegionRow(region, **{name: row.get(name) or 0 for name in _COUNTS}))
        return rows

    return REGISTRY_CACHE.get_or_compute(("region-counts", scope_key(actor)), compute)


def region_get_for_user(*, user: Actor, region_id: int) -> Region:
    return get_object_or_404(Region.objects.restrict(user, "view"), pk=region_id)


@dataclass
class DistrictRow:
    district: District | None
    school_count: int = 0
    urban_count: int = 0
    rural_count: int = 0
    small_class_count: int = 0
    pupil_total: int = 0
    teacher_total: int = 0


def district_list_for_region(*, actor: Actor, region: Region) -> list[DistrictRow]:
    """The region's districts holding schools the actor may see, in Kazakh alphabetical order.

    One query, cached like :func:`region_list_with_counts`.
    """
    return district_table_for_region(actor=actor, region=region)[0]


def district_table_for_region(*, actor: Actor, region: Region) -> tuple[list[DistrictRow], int]:
    """:func:`district_list_for_region`, and the number of schools of the region the actor may see
    (the region page's school count: the same schools, so no second count).

    One query: the counts grouped by district, with the districts' own columns (a school's district
    lies in its region; one that does not is counted in the total but, as before, has no row).
    """

    def compute() -> tuple[list[DistrictRow], int]:
        grouped = (
            School.objects.restrict(actor, "view")
            .filter(region=region)
            .order_by()
            .values(
                "district_id",
                "district__region_id",
                "district__kato",
                "district__name_kk",
                "district__name_ru",
                "district__name_en",
                "district__is_city",
                "district__is_demo",
            )
            .annotate(**_COUNTS)
            .order_by(kazakh_order("district__name_kk"), "district_id")
        )
        rows: list[DistrictRow] = []
        unplaced: list[DistrictRow] = []
        total = 0
        for values in grouped:
            row: dict[str, Any] = dict(values)
            counts = {name: row[name] or 0 for name in _COUNTS}
            total += counts["school_count"]
            if row["district_id"] is None:
                unplaced.append(DistrictRow(None, **counts))
            elif row["district__region_id"] == region.pk:
                district = District(
                    id=row["district_id"],
                    region=region,
                    kato=row["district__kato"],
                    name_kk=row["district__name_kk"],
                    name_ru=row["district__name_ru"],
                    name_en=row["district__name_en"],
                    is_city=row["district__is_city"],
                    is_demo=row["district__is_demo"],
                )
                district._state.adding = False  # a row read from the database, as the ORM marks it
                rows.append(DistrictRow(district, **counts))
        return rows + unplaced, total

    parts = ("district-counts", scope_key(actor), region.pk)
    return REGISTRY_CACHE.get_or_compute(parts, compute)


def districts_for_filter(*, actor: Actor, region_id: int | None) -> QuerySet[District]:
    if not region_id:
        return District.objects.none()
    return District.objects.restrict(actor, "view").filter(region_id=region_id).order_by(kazakh_order("name_kk"))


@dataclass(frozen=True)
class VisibleRegions:
    """The regions a reader may see, for the school list: its region filter's choices, and each
    region's stored school number (``shamy.registry.school_counts``; None when not current)."""

    choices: list[tuple[str, str]]
    numbers: dict[int, int | None]
    by_school: bool  # the reader sees single schools: their number is not per region

    def total(self, filters: SchoolFilters) -> int | None:
        """How many schools the list shows, when only a region (or none) is chosen and every region
        it needs is current; None otherwise (count them)."""
        if self.by_school or filters != SchoolFilters(region=filters.region, sort=filters.sort):
            return None
        if filters.region is None:
            numbers = list(self.numbers.values())
        else:  # a region the reader may not see shows no school
            numbers = [self.numbers[filters.region]] if filters.region in self.numbers else []
        if any(number is None for number in numbers):
            return None
        return sum(number or 0 for number in numbers)


def visible_regions(*, actor: Actor) -> VisibleRegions:
    """The school list's regions (:class:`VisibleRegions`) by KATO code, names in the active
    language: one query for the filter and the list's total (no model instances)."""
    name = name_picker()
    rows = (
        Region.objects.restrict(actor, "view")
        .order_by("kato")
        .values_list(*_NAMES, "kato", "school_count__current", "school_count__schools")
    )
    choices: list[tuple[str, str]] = []
    numbers: dict[int, int | None] = {}
    for pk, kk, ru, en, _kato, current, schools in rows:
        choices.append((str(pk), name(kk, ru, en)))
        numbers[pk] = schools if current else None
    return VisibleRegions(choices, numbers, by_school=bool(access_for(actor).registry.school_ids))


def district_choices(*, actor: Actor, region_id: int | None) -> list[tuple[str, str]]:
    """The district filter once a region is chosen, ``(id, name)`` as :func:`visible_regions`'
    choices, in Kazakh order."""
    if not region_id:
        return []
    name = name_picker()
    districts = districts_for_filter(actor=actor, region_id=region_id).values_list(*_NAMES)
    return [(str(pk), name(kk, ru, en)) for pk, kk, ru, en in districts]


_NAMES = ("pk", "name_kk", "name_ru", "name_en")


def school_page(schools: QuerySet[School]) -> QuerySet[School]:
    """The ``shape`` of ``@checked`` for a school's page."""
    return schools.select_related("region", "district", "operator")


def person_page(people: QuerySet[Person]) -> QuerySet[Person]:
    return people.prefetch_related(
        Prefetch("employments", queryset=Employment.objects.select_related("school", "school__region"))
    )


def school_get_for_user(*, user: Actor, school_id: int) -> School:
    return get_object_or_404(
        School.objects.restrict(user, "view").select_related("region", "district", "operator"), pk=school_id
    )


def school_staff(*, school: School) -> QuerySet[Employment]:
    today = timezone.localdate()
    return (
        Employment.objects.filter(school=school)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("person")
        .order_by("position", kazakh_order("person__surname"), kazakh_order("person__given_name"))
    )


def person_get_for_user(*, user: Actor, person_id: int) -> Person:
    people = Person.objects.restrict(user, "view").prefetch_related(
        Prefetch("employments", queryset=Employment.objects.select_related("school", "school__region"))
    )
    try:
        return people.get(pk=person_id)
    except Person.DoesNotExist as error:
        raise Http404 from error
