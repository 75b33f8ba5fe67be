"""One school beside similar schools: the comparison group and the indicators held per school.

**Similar schools** (one definition, read by the handover comparison of school operators): state
schools of the same region and the same locality (urban or rural) in the same size band of
pupils (:data:`SIZE_BANDS`), never run by an operator (the registry's ownership, operator and
handover date: a school handed over keeps its handover date). Fixed bands rather than a window
around each school ("half to twice its pupils"): two schools of one band share one group, so two
published groups never differ by a school or two whose figures could be worked out by
subtraction, and a band can be named on the page.

**The figures** are the equity analytics' own: the same bucket sums as the dashboard's panels
(registry snapshot, teachers by qualification category, programme participation by role,
imported values per school), evaluated by :func:`shamy.analytics.indicators.evaluate` under the
platform's threshold (a value computed from fewer people is suppressed), the teachers-by-category
counts protected as the dashboard protects them (:func:`~shamy.analytics.selectors.protect_columns`).
As everywhere in analytics, the registry's figures exist for its reference year only; the other
years have programme participation and imported outcomes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, CharField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from shamy.analytics.indicators import Bucket, Cell, evaluate, spec_for
from shamy.analytics.models import Indicator, IndicatorValue, Level, SourceKind
from shamy.analytics.selectors import (
    _reach_measures,
    _school_measures,
    attendance_sums,
    attendance_zeros,
    attended_in_year,
    imported_bucket,
    imported_sums,
    protect_columns,
    registry_year,
    staff_sums,
    threshold,
)
from shamy.core.numbers import format_decimal
from shamy.registry.models import Employment, Ownership, QualificationCategory, School

#: The lower bounds of the size bands, in pupils: under 100 (most small-class schools), 100–299,
#: 300–599, 600–999, 1,000–1,999, 2,000 and more.
SIZE_BANDS = (0, 100, 300, 600, 1000, 2000)

#: Computed indicators that describe one school (the others count schools of a kind, or repeat
#: what the group shares by definition: its region's rural share, its locality).
SCHOOL_INDICATORS = (
    "pupils",
    "teachers",
    "pupils_per_teacher",
    "small_class_share",
    "high_speed_internet_share",
    "modernised_share",
    "teachers_expert_share",
    "programme_teachers",
    "participation_hours_per_teacher",
    "programme_facilitators",
    "programme_principals",
)
SIDES = ("school", "group")


def size_band(pupils: int) -> tuple[int, int | None]:
    """The band ``pupils`` falls in: (lowest, highest) pupils, None for the open top band."""
    low = max(bound for bound in SIZE_BANDS if bound <= pupils)
    index = SIZE_BANDS.index(low)
    return low, SIZE_BANDS[index + 1] - 1 if index + 1 < len(SIZE_BANDS) else None


def similar_state_schools(school: School) -> QuerySet[School]:
    """State schools like ``school``: same region, same locality, same size band, never run by an
    operator; not the school itself."""
    low, high = size_band(school.pupils)
    rows = School.objects.filter(
        region_id=school.region_id,
        locality=school.locality,
        ownership=Ownership.STATE,
        operator__isnull=True,
        handover_on__isnull=True,
        pupils__gte=low,
    ).exclude(pk=school.pk)
    return rows if high is None else rows.filter(pupils__lte=high)


@dataclass(frozen=True)
class PeerRow:
    indicator: Indicator
    cells: dict[int, tuple[Cell, Cell]]  # school year -> (the school, the group)

    @property
    def yes_no(self) -> bool:
        """A share of schools: for one school, whether it is one (100 %) or not (0 %)."""
        spec = spec_for(self.indicator.code, self.indicator.source_kind)
        return spec.denominator == "schools"


@dataclass
class PeerComparison:
    years: list[int]
    group_size: int
    band: tuple[int, int | None]
    minimum: int
    registry_year: int
    rows: list[PeerRow] = field(default_factory=list)
    # Teachers by qualification category in the registry's year: label, the school's and the
    # group's counts, and whether each is hidden.
    categories: list[dict[str, Any]] = field(default_factory=list)

    @property
    def band_label(self) -> str:
        """The size band in words: "300–599 pupils", "2,000 pupils or more"."""
        low, high = self.band
        if high is None:
            return _("%(low)s pupils or more") % {"low": format_decimal(low, 0)}
        return _("%(low)s–%(high)s pupils") % {"low": format_decimal(low, 0), "high": format_decimal(high, 0)}


def _side(school: School, path: str) -> Case:
    return Case(When(**{path: school.pk}, then=Value("school")), default=Value("group"), output_field=CharField())


def _add(buckets: dict[str, Bucket], side: str, values: dict[str, Any]) -> None:
    bucket = buckets[side]
    for name, value in values.items():
        bucket[name] = bucket.get(name, 0) + float(value or 0)


def peer_buckets(school: School, group: QuerySet[School], year: int) -> dict[str, Bucket]:
    """The analytics' bucket sums of the school and of the group in school ``year``: one query
    each for the registry's figures, the teachers (the registry's year only), programme
    participation and imported values, whatever the group's size."""
    buckets: dict[str, Bucket] = {side: {} for side in SIDES}
    ids = group.values("pk")
    both = Q(pk=school.pk) | Q(pk__in=ids)
    snapshot = year == registry_year()
    present: set[str] = set()  # an empty group has no figures at all (not zeros)
    measures = _school_measures(year, None) if snapshot else _reach_measures(year, None)
    schools = School.objects.filter(both).annotate(side=_side(school, "pk")).order_by().values("side")
    for sums in schools.annotate(**measures):
        totals: dict[str, Any] = dict(sums)
        side = totals.pop("side")
        present.add(side)
        _add(buckets, side, totals)
    in_schools = Q(school_id=school.pk) | Q(school_id__in=ids)
    if snapshot:
        employments = Employment.objects.filter(in_schools).annotate(side=_side(school, "school_id"))
        for staffed, values in staff_sums(employments, year, "side"):
            _add(buckets, staffed["side"], values)
    for bucket in buckets.values():
        attendance_zeros(bucket)
    attended = attended_in_year(year).filter(in_schools).annotate(side=_side(school, "school_id"))
    for group_row, values in attendance_sums(attended, "side"):
        _add(buckets, group_row["side"], values)
    imported = IndicatorValue.objects.filter(in_schools, year=year, level=Level.SCHOOL).annotate(
        side=_side(school, "school_id")
    )
    for pooled in imported_sums(imported, "side"):
        _add(buckets, pooled["side"], imported_bucket(pooled))
    return {side: bucket for side, bucket in buckets.items() if side in present}


def _indicators() -> list[Indicator]:
    return list(
        Indicator.objects.filter(Q(code__in=SCHOOL_INDICATORS) | Q(source_kind=SourceKind.IMPORTED)).order_by(
            "position", "code"
        )
    )


def _categories(buckets: dict[str, Bucket], minimum: int) -> list[dict[str, Any]]:
    counts = [
        {side: float(buckets.get(side, {}).get(f"staff_category:{category.value}", 0)) for side in SIDES}
        for category in QualificationCategory
    ]
    hidden = protect_columns(counts, SIDES, minimum)
    rows = []
    for index, (category, row) in enumerate(zip(QualificationCategory, counts, strict=True)):
        shown: dict[str, Any] = {"label": category.label}
        for side in SIDES:
            shown[side] = row[side]
            shown[f"{side}_hidden"] = (index, side) in hidden
        rows.append(shown)
    return rows


def school_beside_peers(*, school: School, years: Iterable[int]) -> PeerComparison:
    """The school's indicators and its similar schools' (pooled: the group's sums, never a mean of
    the schools' values) in each of ``years``, each cell under the analytics' suppression rule.
    An indicator with no figure in any year is left out. Costs a fixed number of queries."""
    wanted = sorted(set(years))
    group = similar_state_schools(school)
    minimum = threshold()
    reference = registry_year()
    comparison = PeerComparison(
        years=wanted,
        group_size=group.count(),
        band=size_band(school.pupils),
        minimum=minimum,
        registry_year=reference,
    )
    by_year = {year: peer_buckets(school, group, year) for year in wanted}
    for indicator in _indicators():
        spec = spec_for(indicator.code, indicator.source_kind)
        cells = {
            year: (evaluate(spec, buckets.get("school"), minimum), evaluate(spec, buckets.get("group"), minimum))
            for year, buckets in by_year.items()
        }
        if all(cell.no_data for pair in cells.values() for cell in pair):
            continue
        comparison.rows.append(PeerRow(indicator, cells))
    if reference in by_year:
        comparison.categories = _categories(by_year[reference], minimum)
    return comparison
