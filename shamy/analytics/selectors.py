"""Reads for analytics: aggregate queries (one per panel), cached under a version key.

Each panel's sums are computed in the database with ``values().annotate()`` and filtered
aggregates, never by looping over schools in Python. Results are cached; any change to the
underlying data bumps the version (see :func:`shamy.analytics.cache.analytics_invalidate`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import (
    Avg,
    Case,
    CharField,
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
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from shamy.access.context import Actor, AnalyticsScope
from shamy.access.models import Membership
from shamy.access.roles import Role
from shamy.analytics import trends
from shamy.analytics.cache import cache_version
from shamy.analytics.indicators import INFERRED, Bucket, Row, TableCell, merge, protect, row_for, spec_for
from shamy.analytics.models import AnalyticsSettings, Indicator, IndicatorValue, Level, Scenario
from shamy.analytics.tally import active_teachers, school_sums, school_tally_rows, staff_date, tally_rows
from shamy.analytics.tally import current_school_year as current_school_year  # read here by other modules
from shamy.attendance.models import ATTENDED, Attendance
from shamy.core.countries import HOME_COUNTRY
from shamy.core.db import kazakh_order
from shamy.core.inputs import parse_id
from shamy.core.replicas import fresh_for_cache
from shamy.core.request_memo import remember
from shamy.core.suppression import complete
from shamy.programmes.models import CohortSchool, Programme
from shamy.registry.models import (
    District,
    Employment,
    QualificationCategory,
    Region,
    School,
)

CACHE_SECONDS = 60 * 60
OTHER_PROGRAMME_STAFF = (Role.LINK_FACILITATOR, Role.COORDINATOR, Role.CERTIFIER, Role.OBSERVER)
EXPERT_OR_ABOVE = [QualificationCategory.EXPERT, QualificationCategory.RESEARCHER, QualificationCategory.MASTER]

# Place → {"urban": bucket, "rural": bucket, "all": bucket of values given for all schools only}.
Panel = dict[int | None, dict[str, Bucket]]
# The key of the panel's own total when it is not the sum of its places (official counts:
# a nation's or region's urban and rural totals are missing when a part is, never summed short).
NATION = -1
# Registry keys that an official series replaces in a year other than the snapshot's.
OFFICIAL_KEYS = ("schools", "located", "rural")


def school_year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day of school year ``year`` (1 September to 31 August)."""
    return datetime.date(year, 9, 1), datetime.date(year + 1, 8, 31)


def _reached_schools(year: int, programme_id: int | None) -> QuerySet[Any]:
    """The ids of the schools in a cohort active at some time in the school year (a subquery):
    the schools :func:`_reach_measures` counts as reached."""
    first, last = school_year_bounds(year)
    links = CohortSchool.objects.filter(cohort__starts_on__lte=last, cohort__ends_on__gte=first)
    if programme_id is not None:
        links = links.filter(cohort__programme_id=programme_id)
    return links.values("school_id")


def _stored_school_sums(
    *, scope: AnalyticsScope, level: str, region_id: int | None, year: int
) -> list[dict[str, Any]] | None:
    """The snapshot's school sums of the panel's groups from the stored rows, when every region in
    the panel's scope is current for the registry year's day; None otherwise (summed live)."""
    if region_id is not None:
        needed = [region_id] if scope.allows_region(region_id) else []
    else:
        needed = [region.pk for region in regions_in_scope(scope)]
    if not needed:
        return None  # nothing in scope: the live query answers (with nothing)
    return school_tally_rows(level=level, region_ids=needed, on=staff_date(year))


def _reach_measures(year: int, programme_id: int | None) -> dict[str, Any]:
    """Schools (and their pupils) in a cohort that is active at some time in the school year:
    a cohort reaches nothing before its start date or after its end date."""
    first, last = school_year_bounds(year)
    links = CohortSchool.objects.filter(
        school_id=OuterRef("pk"), cohort__starts_on__lte=last, cohort__ends_on__gte=first
    )
    if programme_id is not None:
        links = links.filter(cohort__programme_id=programme_id)
    return {
        "reached": Count("id", filter=Q(Exists(links))),
        "reached_pupils": Sum("pupils", filter=Q(Exists(links))),
    }


def _school_measures(year: int, programme_id: int | None) -> dict[str, Any]:
    """The registry snapshot's figures (only for its reference year) and the year's reach."""
    return {**_reach_measures(year, programme_id), **school_sums(year)}


def _official_parts(count: trends.OfficialCount) -> dict[str, Bucket]:
    """A unit's official counts as buckets: a part the source leaves blank is absent (no data)."""
    parts: dict[str, Bucket] = {"all": {}}
    if count.urban is not None:
        parts["urban"] = {"schools": count.urban, "located": count.urban, "rural": 0}
    if count.rural is not None:
        parts["rural"] = {"schools": count.rural, "located": count.rural, "rural": count.rural}
        if count.rural_inferred:
            parts["rural"][INFERRED] = 1
    if count.total is not None:
        parts["all"]["schools"] = count.total
    if count.urban is not None and count.rural is not None:
        parts["all"].update({"located": count.urban + count.rural, "rural": count.rural})
    return parts


def official_for(regions: Iterable[Region], year: int) -> dict[int, dict[str, Bucket]]:
    """Each region's official counts in ``year``, joined on the English name (the provenance's
    advice: names are stable across years, KATO codes are not), else on that year's KATO code."""
    counts = trends.official_year(year)
    by_name = {count.region_en: count for count in counts}
    by_kato = {count.kato: count for count in counts if count.kato}
    found = {}
    for region in regions:
        count = by_name.get(region.name_en) or by_kato.get(region.kato)
        # A row with no total has no figure at all (Shymkent 2014/15 and 2015/16, counted in
        # Turkistan's row those years): no data, and nothing to pool.
        if count is not None and count.total is not None:
            found[region.pk] = _official_parts(count)
    return found


def _strict_sum(parts: Iterable[dict[str, Bucket]]) -> dict[str, Bucket]:
    """Official counts pooled over places: a part is missing when any place lacks it."""
    pooled: dict[str, Bucket] = {"urban": {}, "rural": {}, "all": {}}
    items = list(parts)
    for locality in pooled:
        for key in OFFICIAL_KEYS:
            values = [place.get(locality, {}).get(key) for place in items]
            if not items or any(value is None for value in values):
                continue
            pooled[locality][key] = float(sum(value or 0 for value in values))
    return pooled


def _teacher_bucket(category: str, staff: int) -> dict[str, int]:
    """Sums for one qualification category's distinct teachers (a person has one category, so
    the categories' distinct counts add up to the distinct teachers of the group)."""
    return {
        "staff": staff,
        "staff_expert": staff if category in EXPERT_OR_ABOVE else 0,
        f"staff_category:{category}": staff,
    }


# Who attended, by the role they hold in the gathering's programme; each indicator counts its own.
# A principal who is also a facilitator counts as a principal; anyone attending for a school
# without a leading role there (a teacher, or a state-school teacher invited in) is a teacher.
ATTENDEE_KEYS = {
    "teacher": ("participants", "attended_hours"),
    "facilitator": ("facilitators",),
    "principal": ("principals",),
}


def _attendee_kind() -> Case:
    def holds(*roles: str) -> Exists:
        return Exists(
            Membership.objects.filter(
                user_id=OuterRef("person__user_id"),
                programme_id=OuterRef("gathering__programme_id"),
                role__in=list(roles),
            )
        )

    return Case(
        When(holds(Role.SCHOOL_PRINCIPAL), then=Value("principal")),
        When(holds(Role.SCHOOL_FACILITATOR), then=Value("facilitator")),
        When(holds(*OTHER_PROGRAMME_STAFF), then=Value("staff")),
        default=Value("teacher"),
        output_field=CharField(),
    )


def attended_in_year(year: int) -> QuerySet[Attendance]:
    """Attendance that counts for the programme indicators of school year ``year``: present or late,
    for a school, at a gathering not cancelled that started in the year (and not in the future)."""
    starts = timezone.make_aware(datetime.datetime(year, 9, 1))
    ends = timezone.make_aware(datetime.datetime(year + 1, 9, 1))
    return Attendance.objects.filter(
        status__in=ATTENDED,
        school__isnull=False,
        gathering__cancelled_at__isnull=True,
        gathering__starts_at__gte=starts,
        gathering__starts_at__lt=min(ends, timezone.now()),
    )


def attendance_sums(attended: QuerySet[Attendance], *group_by: str) -> Iterable[tuple[dict[str, Any], dict[str, Any]]]:
    """One aggregate query over ``attended`` grouped by ``group_by`` (fields or annotations) and by
    the attendee's role: per group and role, (the row, the bucket sums of that role)."""
    length = ExpressionWrapper(F("gathering__ends_at") - F("gathering__starts_at"), output_field=DurationField())
    rows = (
        attended.annotate(kind=_attendee_kind())
        .order_by()
        .values(*group_by, "kind")
        .annotate(people=Count("person_id", distinct=True), attended=Sum(length))
    )
    for row in rows:
        keys = ATTENDEE_KEYS.get(row["kind"])
        if keys is None:
            continue
        duration = row["attended"]
        values: dict[str, Any] = {keys[0]: row["people"]}
        if len(keys) > 1:
            values[keys[1]] = duration.total_seconds() / 3600 if duration is not None else 0.0
        yield row, values


def attendance_zeros(bucket: Bucket) -> None:
    """A place with schools but no attendance has 0 participants, not "no data"."""
    for names in ATTENDEE_KEYS.values():
        for name in names:
            bucket.setdefault(name, 0.0)


def _add_attendance(
    panel: Panel, *, scope: AnalyticsScope, key: str, region_id: int | None, year: int, programme_id: int | None
) -> None:
    """Programme participation in the school year, by role: distinct teachers who attended at
    least one gathering and the hours they attended (a gathering's whole length counts for
    present or late), and, as indicators of their own, the facilitators and the principals who
    attended. Programme staff (link facilitators, coordinators, trainers) count in none of them.
    Cancelled gatherings count for nothing. A place with schools but no attendance has 0."""
    attended = _scoped(attended_in_year(year), scope, "school__region_id")
    if region_id is not None:
        attended = attended.filter(school__region_id=region_id)
    if programme_id is not None:
        attended = attended.filter(gathering__programme_id=programme_id)
    for parts in panel.values():
        for bucket in parts.values():
            attendance_zeros(bucket)
    for row, values in attendance_sums(attended, f"school__{key}", "school__locality"):
        _add(panel, row[f"school__{key}"], row["school__locality"], values)


def _scoped(queryset: QuerySet[Any], scope: AnalyticsScope, region_path: str) -> QuerySet[Any]:
    if scope.national:
        # The country's figures are the home country's: a partner country's registry (issue 17)
        # never enters them. Excluded rather than filtered, so rows without a region stay counted.
        return queryset.exclude(**{f"{region_path}__in": foreign_regions()})
    if not scope.region_ids:
        return queryset.none()
    return queryset.filter(**{f"{region_path}__in": sorted(scope.region_ids)})


def foreign_regions() -> QuerySet[Any]:
    """The regions of other countries than the home country, as a subquery (no query of its own)."""
    return Region.objects.exclude(country=HOME_COUNTRY).values("pk")


#: Sums that apps above analytics add to a panel (analytics imports none of them), keyed by the
#: bucket keys each provider yields; a panel runs a provider only when its indicator needs one of
#: them (``extra``). A provider is called as ``provider(scoped=..., key=..., region_id=..., year=...,
#: programme_id=...)``, where ``scoped(queryset, region_path)`` narrows a queryset to the panel's
#: scope, and yields ``(place id, locality, {bucket key: value})``. Registered in ``AppConfig.ready``.
PanelProvider = Callable[..., Iterable[tuple[int | None, str, dict[str, Any]]]]
PANEL_PROVIDERS: dict[frozenset[str], PanelProvider] = {}


def register_panel_provider(provider: PanelProvider, keys: Iterable[str]) -> None:
    PANEL_PROVIDERS[frozenset(keys)] = provider


def provided_keys(*keys: str | None) -> frozenset[str]:
    """Which of ``keys`` (an indicator's bucket keys) come from a registered provider."""
    wanted = {key for key in keys if key}
    return frozenset(key for provided in PANEL_PROVIDERS for key in provided if key in wanted)


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
    extra: frozenset[str] = frozenset(),
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
    snapshot = year == registry_year()
    stored = _stored_school_sums(scope=scope, level=level, region_id=region_id, year=year) if snapshot else None
    if stored is not None:
        # The snapshot's sums stored per region (tally.py), and the year's reach counted live over
        # the few schools a cohort reaches: the same buckets as the one query below.
        for row in stored:
            _add(panel, row.pop(key), row.pop("locality"), {**row, "reached": 0, "reached_pupils": 0})
        reached = schools.filter(pk__in=_reached_schools(year, programme_id))
        for row in (
            reached.order_by().values(key, "locality").annotate(reached=Count("id"), reached_pupils=Sum("pupils"))
        ):
            _add(panel, row.pop(key), row.pop("locality"), row)
    else:
        measures = _school_measures(year, programme_id) if snapshot else _reach_measures(year, programme_id)
        for row in schools.order_by().values(key, "locality").annotate(**measures):
            _add(panel, row.pop(key), row.pop("locality"), row)
    if not snapshot:
        # Another year than the registry's: its official counts where the series has them.
        regions = _scoped(Region.objects.all(), scope, "id")
        if region_id is not None:
            regions = regions.filter(pk=region_id)
        official = official_for(regions, year)
        if level == Level.REGION:
            for region_pk, parts in official.items():
                for locality, bucket in parts.items():
                    panel.setdefault(region_pk, {}).setdefault(locality, {}).update(bucket)
        if official:
            panel[NATION] = _strict_sum(official.values())
    if staff and snapshot:
        # Counted ahead per region (shamy/analytics/tally.py) when every region needed is current
        # for that day; the regions needed are those with schools in the panel. A district panel
        # of the whole country (no region chosen) is counted live: its schools without a district
        # would form one group across regions.
        grouped: Iterable[dict[str, Any]] | None = None
        if level == Level.REGION or region_id is not None:
            needed = [region_id] if region_id is not None else [pk for pk in panel if pk is not None and pk != NATION]
            grouped = tally_rows(
                level=level, region_ids=[pk for pk in needed if scope.allows_region(pk)], on=staff_date(year)
            )
        if grouped is not None:
            for row in grouped:
                _add(
                    panel,
                    row[f"school__{key}"],
                    row["school__locality"],
                    _teacher_bucket(row["person__qualification"], row["staff"]),
                )
        else:
            for row, values in staff_sums(teachers, year, f"school__{key}", "school__locality"):
                _add(panel, row[f"school__{key}"], row["school__locality"], values)

    if attendance:
        _add_attendance(panel, scope=scope, key=key, region_id=region_id, year=year, programme_id=programme_id)

    def scoped(queryset: QuerySet[Any], region_path: str) -> QuerySet[Any]:
        return _scoped(queryset, scope, region_path)

    for provided, provider in PANEL_PROVIDERS.items():
        if not provided & extra:
            continue
        for place_id, locality, values in provider(
            scoped=scoped, key=key, region_id=region_id, year=year, programme_id=programme_id
        ):
            _add(panel, place_id, locality, values)

    # Imported values: prefer the coarsest level published for a place (an official regional
    # figure over a roll-up of district or school values), weighting by the people counted.
    levels = [Level.REGION, Level.DISTRICT, Level.SCHOOL] if level == Level.REGION else [Level.DISTRICT, Level.SCHOOL]
    rows = imported_sums(imported.filter(level__in=levels), "level", key, "locality")
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
        _add(panel, row[key], row["locality"], imported_bucket(row))
    return panel


def staff_sums(
    employments: QuerySet[Employment], year: int, *group_by: str
) -> Iterable[tuple[dict[str, Any], dict[str, int]]]:
    """Teachers employed at the end of school year ``year`` (today for the current one), by
    qualification category, in one query grouped by ``group_by``: per group and category, (the
    row, the bucket sums). The registry holds them for its reference year only."""
    active = active_teachers(staff_date(year), employments)
    # One COUNT(DISTINCT) grouped by category is far cheaper than a filtered distinct count per
    # category; the categories are summed back per place and locality.
    grouped = (
        active.order_by().values(*group_by, "person__qualification").annotate(staff=Count("person_id", distinct=True))
    )
    for row in grouped:
        yield row, _teacher_bucket(row["person__qualification"], row["staff"])


def imported_sums(values: QuerySet[IndicatorValue], *group_by: str) -> QuerySet[Any]:
    """Imported values pooled per indicator and ``group_by``, weighted by the people counted."""
    weight = Coalesce(F("people"), Value(1), output_field=FloatField())
    return (
        values.order_by()
        .values("indicator__code", *group_by)
        .annotate(total=Sum(F("value") * weight, output_field=FloatField()), weight=Sum(weight), people=Sum("people"))
    )


def imported_bucket(row: dict[str, Any]) -> Bucket:
    """A row of :func:`imported_sums` as bucket sums."""
    code = row["indicator__code"]
    values = {f"imported:{code}:sum": row["total"], f"imported:{code}:weight": row["weight"]}
    if row["people"] is not None:
        values[f"imported:{code}:people"] = row["people"]
    return values


def panel_for(
    *,
    scope: AnalyticsScope,
    level: str = Level.REGION,
    region_id: int | None = None,
    year: int,
    programme_id: int | None = None,
    staff: bool = False,
    attendance: bool = False,
    extra: frozenset[str] = frozenset(),
) -> Panel:
    cache_key = ":".join(
        str(part)
        for part in (
            f"analytics:{cache_version()}:panel",
            registry_year(),
            scope.cache_key,
            level,
            region_id,
            year,
            programme_id,
            staff,
            attendance,
            "-".join(sorted(extra)),
        )
    )

    def read() -> Panel:
        panel = cache.get(cache_key)
        if panel is None:
            with fresh_for_cache():  # a lagging replica's sums must not be cached as current
                panel = _build_panel(
                    scope=scope,
                    level=level,
                    region_id=region_id,
                    year=year,
                    programme_id=programme_id,
                    staff=staff,
                    attendance=attendance,
                    extra=extra,
                )
            cache.set(cache_key, panel, CACHE_SECONDS)
        return panel  # type: ignore[no-any-return]

    # A page reads the same panel for its table, its suppression pattern and its qualification
    # table: once per request, even with the cache off (any analytics write forgets it).
    memo = ("analytics", "panel", registry_year(), scope.cache_key, level, region_id, year, programme_id, staff)
    return remember((*memo, attendance, "-".join(sorted(extra))), read)


def overall_bucket(parts: dict[str, Bucket]) -> Bucket:
    """All schools of a place: urban + rural, except values given for all schools: imported
    values given for all schools only, and an official total (which is not urban + rural where a
    part is missing or, before 2008/09, where evening schools count only in the total)."""
    total = merge(bucket for locality, bucket in parts.items() if locality != "all")
    given = parts.get("all", {})
    codes = {key.split(":")[1] for key in given if key.startswith("imported:")}
    for code in codes:
        for suffix in ("sum", "weight", "people"):
            total.pop(f"imported:{code}:{suffix}", None)
            if f"imported:{code}:{suffix}" in given:
                total[f"imported:{code}:{suffix}"] = given[f"imported:{code}:{suffix}"]
    if "schools" in given:
        for key in OFFICIAL_KEYS:
            total.pop(key, None)
            if key in given:
                total[key] = given[key]
    return total


def national_parts(panel: Panel) -> dict[str, Bucket]:
    """The nation as one place: every region's sums pooled (a correctly weighted national figure).
    Official counts come from the panel's own total (:data:`NATION`), pooled strictly."""
    places = [parts for key, parts in panel.items() if key != NATION]
    pooled = {locality: merge(parts.get(locality, {}) for parts in places) for locality in ("urban", "rural", "all")}
    own = panel.get(NATION)
    if own is not None:
        for locality, bucket in pooled.items():
            for key in OFFICIAL_KEYS:
                bucket.pop(key, None)
                if key in own.get(locality, {}):
                    bucket[key] = own[locality][key]
    return pooled


SETTINGS_MEMO = ("analytics", "settings")


def analytics_settings() -> dict[str, Any]:
    """The settings row as a dictionary, cached under the analytics version (a change bumps it),
    and read once per request (a page asks for the threshold and the year once per table)."""

    def read() -> dict[str, Any]:
        key = f"analytics:{cache_version()}:settings"
        values = cache.get(key)
        if values is None:
            with fresh_for_cache():
                values = AnalyticsSettings.current().as_dict()
            cache.set(key, values, CACHE_SECONDS)
        return dict(values)

    return dict(remember(SETTINGS_MEMO, read))


def threshold() -> int:
    return int(analytics_settings()["suppression_threshold"])


def registry_year() -> int:
    """The school year the registry snapshot describes (its figures are shown under no other)."""
    return int(analytics_settings()["registry_year"])


@dataclass
class IndicatorTable:
    indicator: Indicator
    national: Row
    rows: list[tuple[Any, Row]]  # (Region or District, row) in display order
    # Cells hidden by primary or secondary suppression: (place pk or None for the total, column).
    suppressed: set[TableCell] = field(default_factory=set)


PanelTotals = tuple[dict[int | None, Bucket], dict[str, Bucket], Bucket]


def panel_totals(panel: Panel) -> PanelTotals:
    """Each place's sums over all its schools, the nation's parts and the nation's sums over all
    schools: the same for every indicator read from one panel, so worked out once per panel in a
    request (the analyst's home page reads one panel for six indicators). Nothing here changes a
    bucket, and the values are read, never written, by the tables."""

    def build() -> tuple[Panel, PanelTotals]:
        nation = national_parts(panel)
        overall = {key: overall_bucket(parts) for key, parts in panel.items()}
        return panel, (overall, nation, overall_bucket(nation))

    # Keyed by the panel's identity; the remembered value holds the panel itself, so no other
    # panel can take its id while the request lasts (and the check below is only a safeguard).
    kept, totals = remember(("analytics", "panel-totals", id(panel)), build)
    return totals if kept is panel else build()[1]


def indicator_table(
    *,
    indicator: Indicator,
    panel: Panel,
    places: Iterable[Any],
    minimum: int,
    forced: Iterable[TableCell] = (),
) -> IndicatorTable:
    """One published table: a row per place and the total row, with primary and secondary
    suppression applied (``forced``: cells a linked table hides, see :func:`protect`)."""
    spec = spec_for(indicator.code, indicator.source_kind)
    listed = list(places)
    overall, nation, nation_overall = panel_totals(panel)
    rows = []
    for place in listed:
        parts = panel.get(place.pk, {})
        place_overall = overall[place.pk] if place.pk in overall else overall_bucket(parts)
        rows.append(row_for(place.pk, parts, spec, minimum, overall=place_overall))
    national = row_for(None, nation, spec, minimum, overall=nation_overall)
    protected, national, hidden = protect(rows, national, spec, forced=forced)
    return IndicatorTable(indicator, national, list(zip(listed, protected, strict=True)), hidden)


def indicator_list() -> list[Indicator]:
    return list(Indicator.objects.order_by("position", "code"))


def regions_in_scope(scope: AnalyticsScope) -> list[Region]:
    """The scope's regions in KATO order, read once per request (every table of a page lists them)."""
    return list(
        remember(
            ("analytics", "regions", scope.national, tuple(sorted(scope.region_ids))),
            lambda: list(_scoped(Region.objects.all(), scope, "id").order_by("kato")),
        )
    )


def districts_of(region: Region) -> list[District]:
    """The region's districts in Kazakh order, read once per request."""
    return list(
        remember(
            ("analytics", "districts", region.pk),
            lambda: list(District.objects.filter(region=region).order_by(kazakh_order("name_kk"))),
        )
    )


def district_centres(region: Region) -> dict[int, tuple[float, float, int]]:
    """Per district of the region: the mean longitude and latitude of its schools that have a
    position, and how many they are (one aggregate query; no school is identified)."""
    rows = (
        School.objects.filter(region=region, district__isnull=False, latitude__isnull=False, longitude__isnull=False)
        .values("district_id")
        .annotate(lon=Avg("longitude"), lat=Avg("latitude"), schools=Count("id"))
        .order_by()
    )
    return {row["district_id"]: (float(row["lon"]), float(row["lat"]), row["schools"]) for row in rows}


#: A cell of the teachers-by-category tables: (region pk, or None for the whole country; category
#: index; "urban" or "rural").
QualificationCell = tuple[int | None, int, str]
SIDES = ("urban", "rural")


def _category_counts(parts: dict[str, Bucket]) -> list[dict[str, float]]:
    return [
        {side: float(parts.get(side, {}).get(f"staff_category:{category.value}", 0)) for side in SIDES}
        for category in QualificationCategory
    ]


def qualification_pattern(panel: Panel, minimum: int) -> set[QualificationCell]:
    """The cells hidden in the teachers-by-category tables of the country and of every region,
    protected together (``panel``: the national panel of regions).

    Each region's table is published on its region page and the country's on the dashboard, so
    besides each table's columns (the categories add up to the teachers counted, a published figure)
    one line per category and side runs across the regions, with the country as its total: a region
    hiding a cell alone could otherwise be worked out as the country minus the other regions."""
    # In the places' order, not the panel's (a query's): the pattern must not depend on it.
    places: list[int | None] = sorted((key for key in panel if key != NATION), key=lambda key: (key is None, key or 0))
    counts = {place: _category_counts(panel[place]) for place in places}
    counts[None] = _category_counts(national_parts(panel))
    places.append(None)
    values: dict[QualificationCell, float | None] = {
        (place, index, side): row[side] for place in places for index, row in enumerate(counts[place]) for side in SIDES
    }
    primary = {cell for cell, value in values.items() if value is not None and 0 < value < minimum}
    categories = range(len(QualificationCategory))
    lines = [[(place, index, side) for index in categories] for place in places for side in SIDES]
    lines += [[(place, index, side) for place in places] for index in categories for side in SIDES]
    totals = {(None, index, side) for index in categories for side in SIDES}
    return complete(values, lines, primary, totals=totals)


def qualification_breakdown(
    panel: Panel, minimum: int = 0, *, pattern: set[QualificationCell] | None = None, place: int | None = None
) -> list[dict[str, Any]]:
    """Teachers by qualification category, urban and rural, for the whole panel.

    With ``pattern`` (:func:`qualification_pattern`), the cells it hides for ``place`` (a region, or
    None for the country) are hidden. Without it (a table pooling several regions, which no other
    table repeats) a count of fewer than ``minimum`` teachers (but not 0) is hidden, and so is a
    second count in its column, so that the column's total (the teachers counted) cannot give it away."""
    counts = _category_counts(national_parts(panel))
    if pattern is not None:
        hidden = {(index, side) for where, index, side in pattern if where == place}
    else:
        hidden = protect_columns(counts, SIDES, minimum)
    rows: list[dict[str, Any]] = []
    for index, (category, row) in enumerate(zip(QualificationCategory, counts, strict=True)):
        shown: dict[str, Any] = {"label": category.label}
        for side in SIDES:
            shown[side] = row[side]
            shown[f"{side}_hidden"] = (index, side) in hidden
        rows.append(shown)
    return rows


def protect_columns(counts: list[dict[str, float]], columns: Iterable[str], minimum: int) -> set[tuple[int, str]]:
    """The cells (row index, column) hidden in a table of counts whose columns add up to a published
    total (teachers by category): a count of fewer than ``minimum`` (but not 0), and a second count
    in its column, so that the column's total cannot give it away."""
    names = list(columns)
    values: dict[tuple[int, str], float | None] = {
        (index, column): row[column] for index, row in enumerate(counts) for column in names
    }
    primary = {cell for cell, value in values.items() if value is not None and 0 < value < minimum}
    return complete(values, [[(index, column) for index in range(len(counts))] for column in names], primary)


def imported_years() -> list[int]:
    return sorted(set(IndicatorValue.objects.values_list("year", flat=True).distinct()), reverse=True)


def group_by_region(rows: Iterable[tuple[Any, Row]]) -> dict[int, Row]:
    grouped: dict[int, Row] = defaultdict(lambda: Row(None, *[None] * 5))  # type: ignore[arg-type]
    for place, row in rows:
        grouped[place.pk] = row
    return grouped


def programme_keys() -> list[int]:
    """Every programme's id: internal, for protecting the programmes' tables together (never shown)."""
    return list(Programme.objects.order_by("pk").values_list("pk", flat=True))


def programmes_for(user: Actor) -> list[Programme]:
    """Programmes the user may filter by: all for national readers, their own for coordinators;
    the home country's only, whose statistics the analytics are (a partner country's programme has
    no schools in them)."""
    return list(Programme.objects.restrict(user, "view").filter(country=HOME_COUNTRY).order_by("name_ru"))


def regions_for_analytics(*, actor: Actor) -> list[Region]:
    """The regions the actor may pick on analytics pages (rule "analytics")."""
    return list(Region.objects.restrict(actor, "analytics").order_by("kato"))


def region_for_analytics(*, actor: Actor, raw_id: str) -> Region | None:
    """The region chosen in a query string (None when none is chosen); 404 for a region whose
    aggregates the actor may not see."""
    region_id = parse_id(raw_id)
    if region_id is None:
        return None
    region = Region.objects.restrict(actor, "analytics").filter(pk=region_id).first()
    if region is None:
        raise Http404
    return region


def own_scenarios(*, actor: Actor, limit: int = 20) -> list[Scenario]:
    return list(Scenario.objects.restrict(actor, "own")[:limit])
