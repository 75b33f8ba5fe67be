"""Reads for analytics: aggregate queries (one per panel), cached under a version key.

Each panel's sums are computed in the database with ``values().annotate()`` and filtered
aggregates, never by looping over schools in Python. Results are cached; any change to the
underlying data bumps the version (see :func:`shamy.analytics.cache.analytics_invalidate`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from shamy.access.context import Actor, AnalyticsScope
from shamy.analytics.cache import cache_version
from shamy.analytics.indicators import Bucket, Row, merge, row_for, spec_for
from shamy.analytics.models import AnalyticsSettings, Indicator, IndicatorValue, Level
from shamy.attendance.models import ATTENDED, Attendance
from shamy.core.db import kazakh_order
from shamy.programmes.models import CohortSchool, Programme
from shamy.registry.models import (
    District,
    Employment,
    FutureSchool,
    Internet,
    Locality,
    Position,
    QualificationCategory,
    Region,
    School,
)

CACHE_SECONDS = 60 * 60
EXPERT_OR_ABOVE = [QualificationCategory.EXPERT, QualificationCategory.RESEARCHER, QualificationCategory.MASTER]

# Place → {"urban": bucket, "rural": bucket, "all": bucket of values given for all schools only}.
Panel = dict[int | None, dict[str, Bucket]]


def current_school_year() -> int:
    """The first calendar year of the current school year (1 September to late May)."""
    today = timezone.localdate()
    return today.year if today.month >= 9 else today.year - 1


def _school_measures(year: int, programme_id: int | None) -> dict[str, Any]:
    links = CohortSchool.objects.filter(school_id=OuterRef("pk"))
    if programme_id is not None:
        links = links.filter(cohort__programme_id=programme_id)
    return {
        "reached": Count("id", filter=Q(Exists(links))),
        "reached_pupils": Sum("pupils", filter=Q(Exists(links))),
        "schools": Count("id"),
        "pupils": Sum("pupils"),
        "teachers": Sum("teachers"),
        "rural": Count("id", filter=Q(locality=Locality.RURAL)),
        "small": Count("id", filter=Q(is_small_class=True)),
        "high_speed": Count("id", filter=Q(internet=Internet.HIGH_SPEED)),
        "modernised": Count("id", filter=Q(modernised_year__gte=year - 4, modernised_year__lte=year)),
        "future_planned": Count("id", filter=~Q(future_school=FutureSchool.NONE)),
        "future_built": Count("id", filter=Q(future_school=FutureSchool.BUILT)),
    }


def _teacher_bucket(category: str, staff: int) -> dict[str, int]:
    """Sums for one qualification category's distinct teachers (a person has one category, so
    the categories' distinct counts add up to the distinct teachers of the group)."""
    return {
        "staff": staff,
        "staff_expert": staff if category in EXPERT_OR_ABOVE else 0,
        f"staff_category:{category}": staff,
    }


def _add_attendance(
    panel: Panel, *, scope: AnalyticsScope, key: str, region_id: int | None, year: int, programme_id: int | None
) -> None:
    """Programme participation in the school year: distinct teachers who attended at least one
    gathering, and the hours they attended (a gathering's whole length counts for present or late).
    Cancelled gatherings count for nothing."""
    starts = timezone.make_aware(datetime.datetime(year, 9, 1))
    ends = timezone.make_aware(datetime.datetime(year + 1, 9, 1))
    attended = _scoped(
        Attendance.objects.filter(
            status__in=ATTENDED,
            school__isnull=False,
            gathering__cancelled_at__isnull=True,
            gathering__starts_at__gte=starts,
            gathering__starts_at__lt=ends,
        ),
        scope,
        "school__region_id",
    )
    if region_id is not None:
        attended = attended.filter(school__region_id=region_id)
    if programme_id is not None:
        attended = attended.filter(gathering__programme_id=programme_id)
    length = ExpressionWrapper(F("gathering__ends_at") - F("gathering__starts_at"), output_field=DurationField())
    rows = (
        attended.order_by()
        .values(f"school__{key}", "school__locality")
        .annotate(participants=Count("person_id", distinct=True), attended=Sum(length))
    )
    for row in rows:
        duration = row["attended"]
        hours = duration.total_seconds() / 3600 if duration is not None else 0.0
        _add(
            panel,
            row[f"school__{key}"],
            row["school__locality"],
            {"participants": row["participants"], "attended_hours": hours},
        )


def _scoped(queryset: QuerySet[Any], scope: AnalyticsScope, region_path: str) -> QuerySet[Any]:
    if scope.national:
        return queryset
    if not scope.region_ids:
        return queryset.none()
    return queryset.filter(**{f"{region_path}__in": sorted(scope.region_ids)})


def _add(panel: Panel, key: int | None, locality: str, values: dict[str, Any]) -> None:
    bucket = panel.setdefault(key, {}).setdefault(locality, {})
    for name, value in values.items():
        bucket[name] = bucket.get(name, 0) + float(value or 0)


def _build_panel(
    *,
    scope: AnalyticsScope,
    level: str,
    region_id: int | None,
    year: int,
    programme_id: int | None,
    staff: bool,
    attendance: bool = False,
) -> Panel:
    """Aggregate queries: schools, imported values and, when ``staff``, teachers (people).

    The teacher query reads every current employment, so it runs only for the panels that
    show teachers' qualifications.
    """
    key = "region_id" if level == Level.REGION else "district_id"
    schools = _scoped(School.objects.all(), scope, "region_id")
    teachers = _scoped(Employment.objects.all(), scope, "school__region_id")
    imported = _scoped(IndicatorValue.objects.filter(year=year), scope, "region_id")
    if region_id is not None:
        schools = schools.filter(region_id=region_id)
        teachers = teachers.filter(school__region_id=region_id)
        imported = imported.filter(region_id=region_id)
    panel: Panel = {}
    for row in schools.order_by().values(key, "locality").annotate(**_school_measures(year, programme_id)):
        _add(panel, row.pop(key), row.pop("locality"), row)
    if staff:
        on = datetime.date(year + 1, 5, 31) if year < current_school_year() else timezone.localdate()
        active = teachers.filter(position=Position.TEACHER, starts_on__lte=on).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=on)
        )
        # One COUNT(DISTINCT) grouped by category is far cheaper than a filtered distinct count per
        # category; the categories are summed back per place and locality.
        grouped = (
            active.order_by()
            .values(f"school__{key}", "school__locality", "person__qualification")
            .annotate(staff=Count("person_id", distinct=True))
        )
        for row in grouped:
            _add(
                panel,
                row[f"school__{key}"],
                row["school__locality"],
                _teacher_bucket(row["person__qualification"], row["staff"]),
            )

    if attendance:
        _add_attendance(panel, scope=scope, key=key, region_id=region_id, year=year, programme_id=programme_id)

    # Imported values: prefer the coarsest level published for a place (an official regional
    # figure over a roll-up of district or school values), weighting by the people counted.
    levels = [Level.REGION, Level.DISTRICT, Level.SCHOOL] if level == Level.REGION else [Level.DISTRICT, Level.SCHOOL]
    weight = Coalesce(F("people"), Value(1), output_field=FloatField())
    rows = (
        imported.filter(level__in=levels)
        .order_by()
        .values("indicator__code", "level", key, "locality")
        .annotate(total=Sum(F("value") * weight, output_field=FloatField()), weight=Sum(weight), people=Sum("people"))
    )
    chosen: dict[tuple[str, int | None], str] = {}
    collected = list(rows)
    for row in collected:
        place = (row["indicator__code"], row[key])
        if place not in chosen or levels.index(row["level"]) < levels.index(chosen[place]):  # type: ignore[arg-type]
            chosen[place] = row["level"]
    for row in collected:
        code = row["indicator__code"]
        if chosen[(code, row[key])] != row["level"]:
            continue
        values = {f"imported:{code}:sum": row["total"], f"imported:{code}:weight": row["weight"]}
        if row["people"] is not None:
            values[f"imported:{code}:people"] = row["people"]
        _add(panel, row[key], row["locality"], values)
    return panel


def panel_for(
    *,
    scope: AnalyticsScope,
    level: str = Level.REGION,
    region_id: int | None = None,
    year: int,
    programme_id: int | None = None,
    staff: bool = False,
    attendance: bool = False,
) -> Panel:
    cache_key = ":".join(
        str(part)
        for part in (
            f"analytics:{cache_version()}:panel",
            scope.cache_key,
            level,
            region_id,
            year,
            programme_id,
            staff,
            attendance,
        )
    )
    panel = cache.get(cache_key)
    if panel is None:
        panel = _build_panel(
            scope=scope,
            level=level,
            region_id=region_id,
            year=year,
            programme_id=programme_id,
            staff=staff,
            attendance=attendance,
        )
        cache.set(cache_key, panel, CACHE_SECONDS)
    return panel


def overall_bucket(parts: dict[str, Bucket]) -> Bucket:
    """All schools of a place: urban + rural, except imported values given for all schools."""
    total = merge(bucket for locality, bucket in parts.items() if locality != "all")
    given = parts.get("all", {})
    codes = {key.split(":")[1] for key in given if key.startswith("imported:")}
    for code in codes:
        for suffix in ("sum", "weight", "people"):
            total.pop(f"imported:{code}:{suffix}", None)
            if f"imported:{code}:{suffix}" in given:
                total[f"imported:{code}:{suffix}"] = given[f"imported:{code}:{suffix}"]
    return total


def national_parts(panel: Panel) -> dict[str, Bucket]:
    """The nation as one place: every region's sums pooled (a correctly weighted national figure)."""
    return {
        locality: merge(parts.get(locality, {}) for parts in panel.values()) for locality in ("urban", "rural", "all")
    }


def threshold() -> int:
    return AnalyticsSettings.current().suppression_threshold


@dataclass
class IndicatorTable:
    indicator: Indicator
    national: Row
    rows: list[tuple[Any, Row]]  # (Region or District, row) in display order


def indicator_table(*, indicator: Indicator, panel: Panel, places: Iterable[Any], minimum: int) -> IndicatorTable:
    spec = spec_for(indicator.code, indicator.source_kind)
    rows = []
    for place in places:
        parts = panel.get(place.pk, {})
        rows.append((place, row_for(place.pk, parts, spec, minimum, overall=overall_bucket(parts))))
    nation = national_parts(panel)
    national = row_for(None, nation, spec, minimum, overall=overall_bucket(nation))
    return IndicatorTable(indicator, national, rows)


def indicator_list() -> list[Indicator]:
    return list(Indicator.objects.order_by("position", "code"))


def regions_in_scope(scope: AnalyticsScope) -> list[Region]:
    return list(_scoped(Region.objects.all(), scope, "id").order_by("kato"))


def districts_of(region: Region) -> list[District]:
    return list(District.objects.filter(region=region).order_by(kazakh_order("name_kk")))


def qualification_breakdown(panel: Panel) -> list[dict[str, Any]]:
    """Teachers by qualification category, urban and rural, for the whole panel."""
    nation = national_parts(panel)
    rows = []
    for category in QualificationCategory:
        key = f"staff_category:{category.value}"
        rows.append(
            {
                "label": category.label,
                "urban": nation.get("urban", {}).get(key, 0),
                "rural": nation.get("rural", {}).get(key, 0),
            }
        )
    return rows


def imported_years() -> list[int]:
    return sorted(set(IndicatorValue.objects.values_list("year", flat=True).distinct()), reverse=True)


def group_by_region(rows: Iterable[tuple[Any, Row]]) -> dict[int, Row]:
    grouped: dict[int, Row] = defaultdict(lambda: Row(None, *[None] * 5))  # type: ignore[arg-type]
    for place, row in rows:
        grouped[place.pk] = row
    return grouped


def programmes_for(user: Actor) -> list[Programme]:
    """Programmes the user may filter by: all for national readers, their own for coordinators."""
    return list(Programme.objects.restrict(user, "view").order_by("name_ru"))
