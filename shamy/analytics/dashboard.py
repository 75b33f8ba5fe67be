"""Assembles what the dashboard, region page, downloads and PDF briefs show.

Everything here works on aggregate panels from :mod:`shamy.analytics.selectors`; no query
touches individual schools or people.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shamy.access.context import AnalyticsScope
from shamy.analytics import charts, geo, need, trends
from shamy.analytics.indicators import COMPUTED, Bucket, Row, evaluate, imported_spec, spec_for
from shamy.analytics.models import Direction, Indicator, Level, SourceKind
from shamy.analytics.selectors import (
    IndicatorTable,
    current_school_year,
    districts_of,
    indicator_list,
    indicator_table,
    overall_bucket,
    panel_for,
    provided_keys,
    qualification_breakdown,
    regions_in_scope,
    threshold,
)
from shamy.analytics.templatetags.analytics_tags import plain
from shamy.core.translated import localized
from shamy.registry.models import Region

MEASURES = {
    "all": gettext_lazy("All schools"),
    "urban": gettext_lazy("Urban"),
    "rural": gettext_lazy("Rural"),
    "gap": gettext_lazy("Gap (urban − rural)"),
    "parity": gettext_lazy("Parity index (rural / urban)"),
}
DEFAULT_INDICATOR = "high_speed_internet_share"


@dataclass(frozen=True)
class Filters:
    indicator: str = DEFAULT_INDICATOR
    measure: str = "all"
    year: int = 0
    programme: int | None = None
    trend_region: str = ""

    @classmethod
    def from_query(
        cls,
        query: Mapping[str, Any],
        *,
        indicator_codes: Sequence[str],
        programme_ids: Sequence[int],
        programme_required: bool = False,
    ) -> Filters:
        """Unknown or invalid values fall back to defaults: a filter never causes an error page.

        With ``programme_required`` (coordinators, observers) the programme is always one of
        ``programme_ids``, the first by default.
        """
        code = str(query.get("indicator") or "")
        measure = str(query.get("measure") or "all")
        raw_year = str(query.get("year") or "")
        this_year = current_school_year()
        year = int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= this_year else this_year
        raw_programme = str(query.get("programme") or "")
        programme = int(raw_programme) if raw_programme.isdigit() and int(raw_programme) in programme_ids else None
        if programme is None and programme_required and programme_ids:
            programme = programme_ids[0]
        names = {name for name, _ru, _kato in trends.region_names()}
        trend_region = str(query.get("trend_region") or "")
        return cls(
            indicator=code if code in indicator_codes else DEFAULT_INDICATOR,
            measure=measure if measure in MEASURES else "all",
            year=year,
            programme=programme,
            trend_region=trend_region if trend_region in names else "",
        )

    def unit_for(self, indicator: Indicator) -> str:
        if self.measure == "parity":
            return "parity"
        return str(indicator.unit)


def _uses(indicator: Indicator, *prefixes: str) -> bool:
    spec = spec_for(indicator.code, indicator.source_kind)
    return any(key.startswith(prefixes) for key in (spec.numerator, spec.denominator or ""))


def needs_staff(indicator: Indicator) -> bool:
    """Whether the indicator is computed from current employments (teachers' qualifications)."""
    return _uses(indicator, "staff")


def provided_by_apps(indicator: Indicator) -> frozenset[str]:
    """The indicator's sums that another app provides (``selectors.register_panel_provider``)."""
    spec = spec_for(indicator.code, indicator.source_kind)
    return provided_keys(spec.numerator, spec.denominator, spec.people)


def needs_attendance(indicator: Indicator) -> bool:
    """Whether the indicator is computed from programme attendance."""
    return _uses(indicator, "participants", "attended")


def year_choices() -> list[int]:
    this_year = current_school_year()
    return list(range(this_year, this_year - 6, -1))


@dataclass
class MapRegion:
    shape: geo.RegionShape
    region: Region | None
    row: Row | None
    colour: str
    title: str
    value_text: str
    linked: bool
    name: str
    details: str


@dataclass
class Dashboard:
    filters: Filters
    indicator: Indicator
    table: IndicatorTable
    unit: str
    measure_label: str
    regions: list[MapRegion]
    geometry: geo.MapGeometry
    scale: charts.Scale
    bars: charts.BarChart
    qualification: list[dict[str, Any]]
    threshold: int
    extra: dict[str, Any] = field(default_factory=dict)


def build_dashboard(*, scope: AnalyticsScope, filters: Filters, indicator: Indicator) -> Dashboard:
    regions = regions_in_scope(scope)
    staff = needs_staff(indicator)
    panel = panel_for(
        scope=scope,
        year=filters.year,
        programme_id=filters.programme,
        staff=staff,
        attendance=needs_attendance(indicator),
        extra=provided_by_apps(indicator),
    )
    minimum = threshold()
    table = indicator_table(indicator=indicator, panel=panel, places=regions, minimum=minimum)
    unit = filters.unit_for(indicator)
    measure = filters.measure
    rows_by_kato = {region.kato: (region, row) for region, row in table.rows}
    values = [row.measure(measure).value if row.measure(measure).shown else None for _region, row in table.rows]
    scale = charts.parity_scale() if measure == "parity" else charts.value_scale(values)
    geometry = geo.map_geometry()
    map_regions = []
    for shape in geometry.shapes:
        region, row = rows_by_kato.get(shape.kato, (None, None))
        cell = row.measure(measure) if row is not None else None
        value = cell.value if cell is not None and cell.shown else None
        name = (
            region.name
            if region is not None
            else localized({"kk": shape.name_kk, "ru": shape.name_ru, "en": shape.name_en})
        )
        value_text = plain(cell, unit) if cell is not None else _("no data")
        title = _("%(region)s: %(value)s") % {"region": name, "value": value_text}
        details = title
        if row is not None:
            indicator_unit = str(indicator.unit)
            details = _("%(region)s: urban %(urban)s, rural %(rural)s, gap %(gap)s, parity index %(parity)s") % {
                "region": name,
                "urban": plain(row.urban, indicator_unit),
                "rural": plain(row.rural, indicator_unit),
                "gap": plain(row.gap, indicator_unit),
                "parity": plain(row.parity, "parity"),
            }
        map_regions.append(
            MapRegion(shape, region, row, scale.colour(value), title, value_text, region is not None, name, details)
        )
    bars = charts.bar_chart(
        [
            (
                region.name,
                row.measure(measure).value if row.measure(measure).shown else None,
                region,
            )
            for region, row in table.rows
        ],
        colour=charts.RURAL if measure == "rural" else charts.URBAN,
    )
    return Dashboard(
        filters=filters,
        indicator=indicator,
        table=table,
        unit=unit,
        measure_label=str(MEASURES[measure]),
        regions=map_regions,
        geometry=geometry,
        scale=scale,
        bars=bars,
        qualification=qualification_breakdown(panel) if staff else [],
        threshold=minimum,
    )


@dataclass
class RegionPage:
    region: Region
    table: IndicatorTable
    bars: charts.BarChart
    unit: str
    threshold: int
    qualification: list[dict[str, Any]]


def build_region_page(*, scope: AnalyticsScope, region: Region, filters: Filters, indicator: Indicator) -> RegionPage:
    staff = needs_staff(indicator)
    panel = panel_for(
        scope=scope,
        level=Level.DISTRICT,
        region_id=region.pk,
        year=filters.year,
        programme_id=filters.programme,
        staff=staff,
        attendance=needs_attendance(indicator),
        extra=provided_by_apps(indicator),
    )
    minimum = threshold()
    districts = [district for district in districts_of(region) if district.pk in panel]
    table = indicator_table(indicator=indicator, panel=panel, places=districts, minimum=minimum)
    measure = filters.measure if filters.measure in ("all", "urban", "rural", "gap", "parity") else "all"
    ranked = sorted(
        table.rows,
        key=lambda item: (not item[1].measure(measure).shown, -(item[1].measure(measure).value or 0)),
    )
    table.rows = ranked
    bars = charts.bar_chart(
        [
            (district.name, row.measure(measure).value if row.measure(measure).shown else None, district)
            for district, row in ranked
        ]
    )
    breakdown = qualification_breakdown(panel) if staff else []
    return RegionPage(region, table, bars, filters.unit_for(indicator), minimum, breakdown)


@dataclass
class Trend:
    title: str
    points: tuple[trends.Point, ...]
    counts: charts.LineChart
    share: charts.LineChart
    region_en: str


def build_trend(region_en: str = "") -> Trend:
    points = trends.region_series(region_en) if region_en else trends.national_series()
    years = [point.year for point in points]
    counts = charts.line_chart(
        years,
        [
            (_("All schools"), charts.TOTAL, "", [point.total for point in points]),
            (_("Urban"), charts.URBAN, "6 3", [point.urban for point in points]),
            (_("Rural"), charts.RURAL, "", [point.rural for point in points]),
        ],
        break_year=trends.BREAK_YEAR,
    )
    share = charts.line_chart(
        years,
        [(_("Rural share, %"), charts.RURAL, "", [point.rural_share for point in points])],
        height=220,
        break_year=trends.BREAK_YEAR,
        y_floor=None,
    )
    if region_en:
        title = _("Schools in %(region)s, 2000/01–2022/23") % {"region": trends.series_label(region_en)}
    else:
        title = _("Schools in Kazakhstan, 2000/01–2022/23")
    return Trend(title, points, counts, share, region_en)


def need_candidates(
    *, scope: AnalyticsScope, region: Region | None, year: int, programme: int | None
) -> list[need.Candidate]:
    """Regions (or one region's districts) with each need component, from one cached panel."""
    if region is None:
        panel = panel_for(scope=scope, year=year, programme_id=programme)
        places: list[Any] = [place for place in regions_in_scope(scope) if place.pk in panel]
    else:
        panel = panel_for(scope=scope, level=Level.DISTRICT, region_id=region.pk, year=year, programme_id=programme)
        places = [place for place in districts_of(region) if place.pk in panel]
    imported = [indicator for indicator in indicator_list() if indicator.source_kind == SourceKind.IMPORTED]
    overall = {place.pk: overall_bucket(panel.get(place.pk, {})) for place in places}

    def value(code: str, bucket: Bucket) -> float | None:
        return evaluate(COMPUTED[code], bucket, 0).value

    weakness: dict[int, list[float]] = {place.pk: [] for place in places}
    for indicator in imported:
        spec = imported_spec(indicator.code)
        values = {pk: evaluate(spec, bucket, 0).value for pk, bucket in overall.items()}
        shown = [v for v in values.values() if v is not None]
        if len(shown) < 2 or max(shown) == min(shown):
            continue
        low, high = min(shown), max(shown)
        for pk, v in values.items():
            if v is None:
                continue
            scaled = (v - low) / (high - low)
            weakness[pk].append(1 - scaled if indicator.direction == Direction.HIGHER_BETTER else scaled)
    candidates = []
    for place in places:
        bucket = overall[place.pk]
        internet = value("high_speed_internet_share", bucket)
        coverage = value("programme_schools_share", bucket)
        weak = weakness[place.pk]
        candidates.append(
            need.Candidate(
                place,
                {
                    "rural_share": value("rural_share", bucket),
                    "small_class_share": value("small_class_share", bucket),
                    "no_internet": None if internet is None else 100 - internet,
                    "weak_outcomes": sum(weak) / len(weak) if weak else None,
                    "low_coverage": None if coverage is None else 100 - coverage,
                },
                reached=bucket.get("reached", 0),
            )
        )
    return candidates
