"""Teachers by qualification, counted ahead: the panels' slowest query, stored per region.

The teachers-by-qualification figures are a ``COUNT(DISTINCT person)`` over every current teacher
employment (about 340,000), joined to schools and people: seconds with no cache, and growing with
the number of teachers. :class:`~shamy.analytics.models.TeacherTally` stores the same counts for
each region's groups (the region, and each of its districts, by locality and category), so a
panel reads a few hundred rows instead.

Correctness does not depend on the stored counts being kept up to date:

- every write that can change a count (an employment saved or deleted, a person's category, a
  school moved or re-classified, a bulk load, the registry year) marks the regions it touches
  not current, in the write's own transaction (``tally_mark_stale``; ``signals.py`` connects it);
- once that transaction commits, those regions are counted again (``tally_refresh``), each
  under a row lock, reading only committed rows;
- a panel uses the stored counts only when every region it needs is current and was counted for
  the day it asks about; otherwise it runs the live query, as before (``tally_rows`` → None).

Groups never span two regions (a region's districts are its own), so counting region by region
gives exactly the national query's figures. A person teaching in two schools of one group counts
once, as live. ``shamy/analytics/tests/test_tally.py`` compares the two after every kind of write.

The same recount stores each region's school sums (:class:`~shamy.analytics.models.SchoolTally`:
the registry snapshot's figures per district and locality, defined once in :func:`school_sums`),
so the panels need not sum all the country's schools either; every write that changes a school
marks its region, and they are read under the same rule (``school_tally_rows`` → None: live).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, FilteredRelation, Q, QuerySet, Sum
from django.utils import timezone

from shamy.analytics.models import AnalyticsSettings, Level, SchoolTally, TeacherTally, TeacherTallyState
from shamy.registry.models import Employment, FutureSchool, Internet, Locality, Position, Region, School
from shamy.registry.stale import ALL, RegionStore


def current_school_year() -> int:
    """The first calendar year of the current school year (1 September to late May)."""
    today = timezone.localdate()
    return today.year if today.month >= 9 else today.year - 1


def staff_date(year: int) -> datetime.date:
    """The day whose teachers a school year's figures count: 31 May of a past school year, today
    in the current one."""
    return datetime.date(year + 1, 5, 31) if year < current_school_year() else timezone.localdate()


def active_teachers(on: datetime.date, employments: QuerySet[Employment] | None = None) -> QuerySet[Employment]:
    """Teacher employments current on ``on`` (the panels' definition), among ``employments``."""
    employments = Employment.objects.all() if employments is None else employments
    return employments.filter(position=Position.TEACHER, starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)
    )


def school_sums(year: int) -> dict[str, Any]:
    """The registry snapshot's sums over a group of schools, as the panels define them for school
    year ``year`` (the registry's): one definition for the live query and the stored sums."""
    return {
        "schools": Count("id"),
        "located": Count("id"),  # every registry school is urban or rural
        "pupils": Sum("pupils"),
        "teachers": Sum("teachers"),
        "rural": Count("id", filter=Q(locality=Locality.RURAL)),
        "small": Count("id", filter=Q(is_small_class=True)),
        "high_speed": Count("id", filter=Q(internet=Internet.HIGH_SPEED)),
        "modernised": Count("id", filter=Q(modernised_year__gte=year - 4, modernised_year__lte=year)),
        "future_planned": Count("id", filter=~Q(future_school=FutureSchool.NONE)),
        "future_built": Count("id", filter=Q(future_school=FutureSchool.BUILT)),
    }


# The sums a SchoolTally row stores; "located" and "rural" follow from its schools and locality.
STORED_SCHOOL_SUMS = (
    "schools",
    "pupils",
    "teachers",
    "small",
    "high_speed",
    "modernised",
    "future_planned",
    "future_built",
)


# --- Writes mark, commits recount ------------------------------------------------------------------


def _enqueue_refresh() -> None:
    from shamy.analytics.tasks import teacher_tally_refresh_stale  # the task module imports this one

    teacher_tally_refresh_stale.enqueue()


# Every write that may change who is counted where marks its regions (``signals.py``; one query)
# in its own transaction; once it commits, the regions not current are recounted in the background
# (the task ``teacher_tally_refresh_stale``: the worker in production, at once with the immediate
# backend of development and tests), so a registry edit does not wait for a region's recount;
# meanwhile the panels count those regions live (``shamy.registry.stale``).
STORE = RegionStore(TeacherTallyState, after_commit=_enqueue_refresh)
tally_mark_stale = STORE.mark_stale
tally_schedule = STORE.schedule


def tally_refresh_stale() -> int:
    """Recount every region that is not current (or never counted); returns how many."""
    stale = STORE.stale_region_ids()
    if stale:
        tally_refresh(stale)
    return len(stale)


@transaction.atomic
def tally_refresh(region_ids: Iterable[int] | None = ALL) -> None:
    """Count again the teachers of these regions (``ALL``: every region) for the registry year's
    day, and mark them current. Each region's state row is locked first, so two recounts of a region
    run one after the other, and a write that marks it meanwhile waits for the recount to end."""
    year = AnalyticsSettings.current().registry_year
    on = staff_date(year)
    regions = Region.objects.all() if region_ids is ALL else Region.objects.filter(pk__in=sorted(set(region_ids)))
    region_pks = list(regions.order_by("pk").values_list("pk", flat=True))
    if not region_pks:
        return
    TeacherTallyState.objects.bulk_create(
        [TeacherTallyState(region_id=pk, counted_on=on, current=False) for pk in region_pks], ignore_conflicts=True
    )
    states = list(TeacherTallyState.objects.select_for_update().filter(region_id__in=region_pks).order_by("pk"))
    employments = active_teachers(on).filter(school__region_id__in=region_pks).order_by()
    rows: list[TeacherTally] = []
    for level, group in ((Level.REGION, ()), (Level.DISTRICT, ("school__district_id",))):
        counts = employments.values("school__region_id", *group, "school__locality", "person__qualification").annotate(
            teachers=Count("person_id", distinct=True)
        )
        rows += [
            TeacherTally(
                state_id=row["school__region_id"],
                level=level,
                district_id=row.get("school__district_id"),
                locality=row["school__locality"],
                qualification=row["person__qualification"],
                teachers=row["teachers"],
            )
            for row in counts
        ]
    TeacherTally.objects.filter(state_id__in=region_pks).delete()
    TeacherTally.objects.bulk_create(rows, batch_size=2000)
    measures = {name: value for name, value in school_sums(year).items() if name in STORED_SCHOOL_SUMS}
    sums: QuerySet[Any] = (
        School.objects.filter(region_id__in=region_pks)
        .order_by()
        .values("region_id", "district_id", "locality")
        .annotate(**measures)
    )
    SchoolTally.objects.filter(state_id__in=region_pks).delete()
    SchoolTally.objects.bulk_create(
        [
            SchoolTally(
                state_id=row["region_id"],
                district_id=row["district_id"],
                locality=row["locality"],
                **{name: row[name] or 0 for name in STORED_SCHOOL_SUMS},
            )
            for row in sums
        ],
        batch_size=2000,
    )
    for state in states:
        state.counted_on = on
        state.current = True
    TeacherTallyState.objects.bulk_update(states, ["counted_on", "current"])


# --- Reads ---------------------------------------------------------------------------------------


def tally_rows(*, level: str, region_ids: Iterable[int], on: datetime.date) -> list[dict[str, Any]] | None:
    """The stored counts of these regions' groups at ``level``, shaped as the live query's rows
    (``school__region_id`` or ``school__district_id``, ``school__locality``,
    ``person__qualification``, ``staff``); None when any of the regions is not current for ``on``
    (the caller then counts live). One query."""
    wanted = sorted(set(region_ids))
    if not wanted:
        return []
    key = "school__region_id" if level == Level.REGION else "school__district_id"
    found = (
        TeacherTallyState.objects.filter(region_id__in=wanted)
        .annotate(kept=FilteredRelation("rows", condition=Q(rows__level=level)))
        .values(
            "region_id",
            "current",
            "counted_on",
            "kept__id",
            "kept__district_id",
            "kept__locality",
            "kept__qualification",
            "kept__teachers",
        )
        .order_by()
    )
    seen: set[int] = set()
    rows: list[dict[str, Any]] = []
    for row in found:
        if not row["current"] or row["counted_on"] != on:
            return None
        seen.add(row["region_id"])
        if row["kept__id"] is None:
            continue  # a region without teachers
        rows.append(
            {
                key: row["region_id"] if level == Level.REGION else row["kept__district_id"],
                "school__locality": row["kept__locality"],
                "person__qualification": row["kept__qualification"],
                "staff": row["kept__teachers"],
            }
        )
    return rows if seen == set(wanted) else None


def school_tally_rows(*, level: str, region_ids: Iterable[int], on: datetime.date) -> list[dict[str, Any]] | None:
    """The stored school sums of these regions' groups at ``level``, shaped as the live query's
    rows (``region_id`` or ``district_id``, ``locality`` and the sums of :func:`school_sums`), one
    row per group with schools; None when any of the regions is not current for ``on`` (the caller
    then sums live). One query, summing the districts' rows in SQL for a region's groups."""
    wanted = sorted(set(region_ids))
    if not wanted:
        return []
    key = "region_id" if level == Level.REGION else "district_id"
    group = () if level == Level.REGION else ("school_rows__district_id",)
    found = (
        TeacherTallyState.objects.filter(region_id__in=wanted)
        .values("region_id", "current", "counted_on", *group, "school_rows__locality")
        .annotate(**{name: Sum(f"school_rows__{name}") for name in STORED_SCHOOL_SUMS})
        .order_by()
    )
    seen: set[int] = set()
    groups: dict[tuple[int | None, str], dict[str, int]] = {}
    for row in found:
        if not row["current"] or row["counted_on"] != on:
            return None
        seen.add(row["region_id"])
        locality = row["school_rows__locality"]
        if locality is None:
            continue  # a region without schools
        place = row["region_id"] if level == Level.REGION else row["school_rows__district_id"]
        # Schools without a district form one group across regions, as in the live query.
        sums = groups.setdefault((place, locality), dict.fromkeys(STORED_SCHOOL_SUMS, 0))
        for name in STORED_SCHOOL_SUMS:
            sums[name] += int(row[name])
    if seen != set(wanted):
        return None
    return [
        {
            key: place,
            "locality": locality,
            **sums,
            "located": sums["schools"],
            "rural": sums["schools"] if locality == Locality.RURAL else 0,
        }
        for (place, locality), sums in groups.items()
    ]
