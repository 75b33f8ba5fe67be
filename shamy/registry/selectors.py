"""Reads from the registry. Every selector starts from ``restrict(actor, action)``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation

from shamy.access.context import Actor
from shamy.core.db import kazakh_order
from shamy.core.inputs import parse_id
from shamy.core.text import search_query_key
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

    Two queries, cached like :func:`region_list_with_counts`.
    """

    def compute() -> list[DistrictRow]:
        counts = _counts_by(School.objects.restrict(actor, "view").filter(region=region), "district_id")
        rows = [
            DistrictRow(district, **{name: counts[district.pk].get(name) or 0 for name in _COUNTS})
            for district in District.objects.filter(region=region, pk__in=[k for k in counts if k]).order_by(
                kazakh_order("name_kk")
            )
        ]
        if None in counts:
            rows.append(DistrictRow(None, **{name: counts[None].get(name) or 0 for name in _COUNTS}))  # type: ignore[index]
        return rows

    parts = ("district-counts", scope_key(actor), region.pk)
    return REGISTRY_CACHE.get_or_compute(parts, compute)


def districts_for_filter(*, actor: Actor, region_id: int | None) -> QuerySet[District]:
    if not region_id:
        return District.objects.none()
    return District.objects.restrict(actor, "view").filter(region_id=region_id).order_by(kazakh_order("name_kk"))


def regions_for_filter(*, actor: Actor) -> list[Region]:
    return list(Region.objects.restrict(actor, "view").order_by("kato"))


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


def school_rows_labelled(schools: Iterable[School]) -> list[School]:
    """The schools of one page with their choice labels attached, translated once per request.

    ``get_<field>_display()`` rebuilds a dictionary of lazy translations on every call, which
    cost about as much as the page's queries for 50 rows × 3 columns.
    """
    labels = {
        name: {value: str(label) for value, label in choices}
        for name, choices in (
            ("locality", Locality.choices),
            ("language", InstructionLanguage.choices),
            ("internet", Internet.choices),
        )
    }
    rows = list(schools)
    for school in rows:
        school.locality_label = labels["locality"].get(school.locality, school.locality)  # type: ignore[attr-defined]
        school.language_label = labels["language"].get(school.language, school.language)  # type: ignore[attr-defined]
        school.internet_label = labels["internet"].get(school.internet, school.internet)  # type: ignore[attr-defined]
    return rows
