"""Assembles what the dashboard, region page, downloads and PDF briefs show.

Everything here works on aggregate panels from :mod:`shamy.analytics.selectors`; no query
touches individual schools or people.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shamy.access.context import AnalyticsScope
from shamy.analytics import charts, geo, need, trends
from shamy.analytics.indicators import (
    COLUMNS,
    COMPUTED,
    Bucket,
    Row,
    TableCell,
    evaluate,
    imported_spec,
    spec_for,
)
from shamy.analytics.models import Direction, Indicator, Level, SourceKind
from shamy.analytics.reading import favoured, parity_reading, parity_rule
from shamy.analytics.selectors import (
    IndicatorTable,
    Panel,
    current_school_year,
    district_centres,
    districts_of,
    indicator_list,
    indicator_table,
    overall_bucket,
    panel_for,
    programme_keys,
    provided_keys,
    qualification_breakdown,
    qualification_pattern,
    regions_in_scope,
    registry_year,
    threshold,
)
from shamy.analytics.templatetags.analytics_tags import plain
from shamy.core.inputs import parse_id, parse_year
from shamy.core.numbers import format_decimal
from shamy.core.suppression import complete
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
# Indicators counted from dated records (cohort dates, attendance): true in any school year.
DATED = frozenset(
    {
        "programme_schools",
        "programme_pupils",
        "programme_teachers",
        "participation_hours_per_teacher",
        "programme_facilitators",
        "programme_principals",
    }
)
# Registry indicators that an official series gives for years other than the registry's.
OFFICIAL = frozenset({"schools", "rural_share"})
# The panel keys that count programme reach in a school year.
REACH_KEYS = ("reached", "reached_pupils")


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
        reference_year: int | None = None,
    ) -> Filters:
        """Unknown or invalid values fall back to defaults: a filter never causes an error page.

        With ``programme_required`` (coordinators, observers) the programme is always one of
        ``programme_ids``, the first by default. Without a year, a registry indicator opens on
        the registry's reference year (the only year its figures describe) and a dated one
        (programme reach, attendance) on the current school year.
        """
        code = str(query.get("indicator") or "")
        code = code if code in indicator_codes else DEFAULT_INDICATOR
        measure = str(query.get("measure") or "all")
        this_year = current_school_year()
        default_year = this_year if code in DATED or reference_year is None else reference_year
        year = parse_year(query.get("year"), minimum=2000, maximum=this_year) or default_year
        programme = parse_id(query.get("programme"))
        if programme not in programme_ids:
            programme = None
        if programme is None and programme_required and programme_ids:
            programme = programme_ids[0]
        names = {name for name, _ru, _kato in trends.region_names()}
        trend_region = str(query.get("trend_region") or "")
        return cls(
            indicator=code,
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


def varies_by_programme(indicator: Indicator) -> bool:
    """Whether a programme filter changes the indicator's figures (attendance, or sums another app
    provides per programme): those tables are protected together across programmes."""
    return needs_attendance(indicator) or bool(provided_by_apps(indicator))


def needs_attendance(indicator: Indicator) -> bool:
    """Whether the indicator is computed from programme attendance."""
    return _uses(indicator, "participants", "attended", "facilitators", "principals")


def year_choices(reference_year: int | None = None) -> list[int]:
    """The current school year and the five before it, reaching back to the registry's year."""
    this_year = current_school_year()
    first = min(this_year - 5, reference_year if reference_year is not None else this_year)
    return list(range(this_year, first - 1, -1))


def year_basis(indicator: Indicator, year: int, reference_year: int) -> str:
    """Where an indicator's figures for ``year`` come from: "registry" (the snapshot, in its own
    year), "official" (the official series), "dated" (records dated in that year), "imported",
    or "none" (a registry figure in another year: no data)."""
    if indicator.source_kind == SourceKind.IMPORTED:
        return "imported"
    if indicator.code in DATED or provided_by_apps(indicator):
        return "dated"  # sums other apps provide are counted from their own dated records
    if year == reference_year:
        return "registry"
    if indicator.code in OFFICIAL and year in trends.official_years():
        return "official"
    return "none"


# A cell of the programmes' tables taken together: (programme id or None for all; place; column).
JointCell = tuple[int | None, int | None, str]


def _joint_pattern(
    *, indicator: Indicator, year: int, minimum: int, region: Region | None
) -> dict[int | None, set[TableCell]]:
    """The cells hidden in the national table of regions (``region`` None) or in one region's
    table of districts, for every programme filter at once (None: all programmes).

    Attendance figures are published per programme and for all programmes together, the latter
    being (at most) the sum of the former, so a cell hidden in one programme's table could be
    worked out as "all programmes" minus the others. Those tables are protected together: besides
    each table's rows and columns, one line per cell runs across the programmes, with "all
    programmes" as its total. A district table also keeps hidden what the national table hides of
    its region (its total row). Figures that no programme filter changes need only their own table.
    """
    scope = AnalyticsScope(national=True)
    attendance = needs_attendance(indicator)
    extra = provided_by_apps(indicator)
    keys: list[int | None] = [None, *programme_keys()] if attendance or extra else [None]
    places: list[Any] = []
    tables: dict[int | None, IndicatorTable] = {}
    national: dict[int | None, set[TableCell]] = {}
    if region is not None:
        national = _joint_pattern(indicator=indicator, year=year, minimum=minimum, region=None)
    for key in keys:
        panel = panel_for(
            scope=scope,
            level=Level.REGION if region is None else Level.DISTRICT,
            region_id=None if region is None else region.pk,
            year=year,
            programme_id=key,
            staff=needs_staff(indicator),
            attendance=attendance,
            extra=extra,
        )
        if not places:
            places = regions_in_scope(scope) if region is None else [d for d in districts_of(region) if d.pk in panel]
        forced = {(None, column) for pk, column in national.get(key, set()) if region is not None and pk == region.pk}
        tables[key] = indicator_table(indicator=indicator, panel=panel, places=places, minimum=minimum, forced=forced)
    if len(keys) == 1:
        return {key: table.suppressed for key, table in tables.items()}
    row_keys: list[int | None] = [place.pk for place in places] + [None]
    values: dict[JointCell, float | None] = {}
    hidden: set[JointCell] = set()
    lines: list[list[JointCell]] = []
    for key, table in tables.items():
        rows = [row for _place, row in table.rows] + [table.national]
        for row_key, row in zip(row_keys, rows, strict=True):
            for column in COLUMNS:
                values[(key, row_key, column)] = getattr(row, column).people
        hidden |= {(key, row_key, column) for row_key, column in table.suppressed}
        lines += [[(key, row_key, column) for column in COLUMNS] for row_key in row_keys]
        lines += [[(key, row_key, column) for row_key in row_keys] for column in COLUMNS]
    lines += [[(key, row_key, column) for key in keys] for row_key in row_keys for column in COLUMNS]
    totals = {
        (key, row_key, column)
        for key in keys
        for row_key in row_keys
        for column in COLUMNS
        if key is None or row_key is None or column == "total"
    }
    hidden = complete(values, lines, hidden, totals=totals)
    return {key: {(row_key, column) for k, row_key, column in hidden if k == key} for key in keys}


def national_pattern(*, indicator: Indicator, filters: Filters, minimum: int) -> set[TableCell]:
    """The cells the national table of regions hides for these filters (see :func:`_joint_pattern`)."""
    if spec_for(indicator.code, indicator.source_kind).people is None:
        return set()  # nothing about people: nothing is hidden
    patterns = _joint_pattern(indicator=indicator, year=filters.year, minimum=minimum, region=None)
    # Figures no programme filter changes have one pattern, computed without a filter.
    return patterns.get(filters.programme if varies_by_programme(indicator) else None, set())


def region_pattern(*, indicator: Indicator, filters: Filters, minimum: int, region: Region) -> set[TableCell]:
    """The cells a region's table of districts hides for these filters: its total row as the
    national table hides it, and its districts protected with the other programmes' tables."""
    if spec_for(indicator.code, indicator.source_kind).people is None:
        return set()
    patterns = _joint_pattern(indicator=indicator, year=filters.year, minimum=minimum, region=region)
    return patterns.get(filters.programme if varies_by_programme(indicator) else None, set())


def qualification_for(
    *, scope: AnalyticsScope, filters: Filters, panel: Any, minimum: int, region: Region | None = None
) -> list[dict[str, Any]]:
    """The teachers-by-category table of a region page (``region``) or of the dashboard, hiding what
    the country's and the regions' tables hide together (:func:`qualification_pattern`)."""
    if region is not None:
        place: int | None = region.pk
    elif scope.national:
        place = None
    elif len(scope.region_ids) == 1:
        (place,) = scope.region_ids
    else:  # several regions pooled: a table no other page repeats, protected on its own
        return qualification_breakdown(panel, minimum)
    national = panel_for(
        scope=AnalyticsScope(national=True), year=filters.year, programme_id=filters.programme, staff=True
    )
    return qualification_breakdown(panel, minimum, pattern=qualification_pattern(national, minimum), place=place)


def about_indicator(indicator: Indicator, year: int, reference_year: int) -> list[tuple[str, str]]:
    """(label, text) pairs every export of an indicator carries: source, licence, definition."""
    basis = year_basis(indicator, year, reference_year)
    if basis == "official":
        source = f"{trends.SOURCE}"
        licence = str(trends.LICENCE)
        definition = str(trends.DEFINITION)
    else:
        source = indicator.source_text
        if basis == "imported":
            licence = _("as published by the source named")
        else:
            licence = _("computed by Shamy from its registry and programme records; not openly licensed")
        definition = indicator.definition_text
        if basis in ("registry", "none"):
            definition += " " + _("Registry figures describe the school year %(year)s only.") % {
                "year": f"{reference_year}/{(reference_year + 1) % 100:02d}"
            }
    return [(_("Source"), source), (_("Licence"), licence), (_("Definition"), definition)]


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
    label: str = ""  # the figure written on the map ("" where there is none)


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
    basis: str = "registry"
    reference_year: int = 0
    about: list[tuple[str, str]] = field(default_factory=list)  # source, licence, definition
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def scale_rule(self) -> str:
        return scale_rule(self.scale)

    @property
    def parity_note(self) -> str:
        if self.filters.measure != "parity":
            return ""
        return parity_bands_note(str(self.indicator.direction))


def scale_rule(scale: charts.Scale) -> str:
    """One sentence saying how the map's classes were drawn."""
    if scale.method == "natural_breaks":
        return _(
            "Colours: natural breaks (Jenks), drawn from the figures shown so that similar places share a colour "
            "(goodness of fit %(fit)s)."
        ) % {"fit": format_decimal(scale.fit or 0, 2)}
    if scale.method == "quantiles":
        return _("Colours: quantiles, about the same number of places in each colour, drawn from the figures shown.")
    return _("Colours: every place shown has the same figure.")


def parity_bands_note(direction: str) -> str:
    return " ".join(
        [
            _("Reading the parity index (UNESCO): from 0.97 to 1.03 is parity; below 0.8 or above 1.2 is a large gap."),
            parity_rule(direction),
        ]
    )


def dashboard_table(
    *, scope: AnalyticsScope, filters: Filters, indicator: Indicator, panel: Panel | None = None
) -> IndicatorTable:
    """The dashboard's published table of regions for one indicator, suppression applied."""
    regions = regions_in_scope(scope)
    if panel is None:
        panel = panel_for(
            scope=scope,
            year=filters.year,
            programme_id=filters.programme,
            staff=needs_staff(indicator),
            attendance=needs_attendance(indicator),
            extra=provided_by_apps(indicator),
        )
    minimum = threshold()
    forced: set[TableCell] = set()
    if not scope.national or needs_attendance(indicator):
        # A regional table repeats the national table's pattern for its regions, so that two
        # views of one region never differ in what they hide; attendance tables repeat the
        # pattern protecting the programmes' tables together (see national_pattern).
        pattern = national_pattern(indicator=indicator, filters=filters, minimum=minimum)
        forced = {
            cell
            for cell in pattern
            if (cell[0] is None and scope.national) or (cell[0] is not None and scope.allows_region(cell[0]))
        }
    return indicator_table(indicator=indicator, panel=panel, places=regions, minimum=minimum, forced=forced)


def build_dashboard(*, scope: AnalyticsScope, filters: Filters, indicator: Indicator) -> Dashboard:
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
    table = dashboard_table(scope=scope, filters=filters, indicator=indicator, panel=panel)
    unit = filters.unit_for(indicator)
    measure = filters.measure
    rows_by_kato = {region.kato: (region, row) for region, row in table.rows}
    values = [row.measure(measure).value if row.measure(measure).shown else None for _region, row in table.rows]
    # Classes drawn from the data for every measure, parity included: the fixed UNESCO bands put
    # every region in one class; their reading stays as a note beside the legend.
    scale = charts.value_scale(values)
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
            if row.parity is not None:
                details += f" ({parity_reading(row.parity, str(indicator.direction))})"
        map_regions.append(
            MapRegion(
                shape,
                region,
                row,
                scale.colour(value),
                title,
                value_text,
                region is not None,
                name,
                details,
                label=plain(cell, unit) if value is not None and cell is not None else "",
            )
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
        ascending=charts.worst_first(measure, str(indicator.direction)),
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
        qualification=qualification_for(scope=scope, filters=filters, panel=panel, minimum=minimum) if staff else [],
        threshold=minimum,
        basis=year_basis(indicator, filters.year, registry_year()),
        reference_year=registry_year(),
        about=about_indicator(indicator, filters.year, registry_year()),
    )


@dataclass(frozen=True)
class Gap:
    """One region × indicator cell of the "largest gaps" view."""

    region: Region
    indicator: Indicator
    row: Row
    distance: float  # |1 − parity|: how far from parity, whichever side is favoured
    behind: str  # "rural", "urban" or "" at parity: the side that has the worse of it


GAP_SORTS = ("parity", "gap")


def largest_gaps(
    *, scope: AnalyticsScope, filters: Filters, indicators: Sequence[Indicator], sort: str = "parity"
) -> list[Gap]:
    """Every region × indicator with a published parity index, furthest from parity first (or,
    with ``sort="gap"``, by the absolute gap within each indicator, since units differ). The
    tables are the dashboard's own, suppression included; each distinct panel is read once. When
    one indicator needs the teachers' sums, every panel carries them: a panel with them has the same
    school and imported sums as one without, and no other indicator reads the teachers' keys."""
    panels: dict[tuple[bool, bool, frozenset[str]], Panel] = {}
    gaps = []
    staff = any(needs_staff(indicator) for indicator in indicators)
    for indicator in indicators:
        key = (staff, needs_attendance(indicator), provided_by_apps(indicator))
        if key not in panels:
            panels[key] = panel_for(
                scope=scope,
                year=filters.year,
                programme_id=filters.programme,
                staff=key[0],
                attendance=key[1],
                extra=key[2],
            )
        table = dashboard_table(scope=scope, filters=filters, indicator=indicator, panel=panels[key])
        for region, row in table.rows:
            if row.parity is None or not (row.urban.shown and row.rural.shown):
                continue
            side = favoured(row.parity, str(indicator.direction))
            behind = {"urban": "rural", "rural": "urban"}.get(side or "", "")
            gaps.append(Gap(region, indicator, row, abs(1 - row.parity), behind))
    if sort == "gap":
        position = {indicator.pk: index for index, indicator in enumerate(indicators)}
        gaps.sort(key=lambda gap: (position[gap.indicator.pk], -abs(gap.row.gap or 0)))
    else:
        gaps.sort(key=lambda gap: (-gap.distance, gap.behind != "rural"))
    return gaps


@dataclass(frozen=True)
class DistrictMark:
    """A district on the region's map: a circle at the centre of its schools, sized by their number."""

    district: Any
    x: float
    y: float
    radius: float
    colour: str
    label: str
    title: str


@dataclass(frozen=True)
class DistrictMap:
    frame: geo.RegionFrame
    marks: tuple[DistrictMark, ...]
    scale: charts.Scale

    @property
    def scale_rule(self) -> str:
        return scale_rule(self.scale)


def district_map(*, region: Region, table: IndicatorTable, measure: str, unit: str) -> DistrictMap | None:
    """The region's outline with each district drawn where its schools are (district boundaries are
    not in the map data), coloured by the district's figure in classes drawn from the data."""
    frame = geo.region_frame(region.kato)
    if frame is None:
        return None
    centres = district_centres(region)
    values = [row.measure(measure).value if row.measure(measure).shown else None for _d, row in table.rows]
    scale = charts.value_scale(values)
    largest = max((centre[2] for centre in centres.values()), default=1)
    marks = []
    for district, row in table.rows:
        if district.pk not in centres:
            continue
        lon, lat, schools = centres[district.pk]
        x, y = frame.project(lon, lat)
        cell = row.measure(measure)
        value = cell.value if cell.shown else None
        text = plain(cell, unit) if value is not None else _("no data")
        marks.append(
            DistrictMark(
                district,
                x,
                y,
                round(6 + 14 * (schools / largest) ** 0.5, 1),
                scale.colour(value),
                plain(cell, unit) if value is not None else "",
                _("%(district)s: %(value)s") % {"district": district.name, "value": text},
            )
        )
    # Small circles on top of large ones, so every district can be pointed at.
    marks.sort(key=lambda mark: -mark.radius)
    return DistrictMap(frame, tuple(marks), scale)


@dataclass
class RegionPage:
    region: Region
    table: IndicatorTable
    bars: charts.BarChart
    unit: str
    threshold: int
    qualification: list[dict[str, Any]]
    basis: str = "registry"
    reference_year: int = 0
    about: list[tuple[str, str]] = field(default_factory=list)  # source, licence, definition
    map: DistrictMap | None = None


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
    # The region's own figures are in the national table too: what that table hides, the
    # region page hides (and protects among its districts, with the other programmes' tables).
    forced = region_pattern(indicator=indicator, filters=filters, minimum=minimum, region=region)
    table = indicator_table(indicator=indicator, panel=panel, places=districts, minimum=minimum, forced=forced)
    measure = filters.measure if filters.measure in ("all", "urban", "rural", "gap", "parity") else "all"
    ascending = charts.worst_first(measure, str(indicator.direction))
    sign = 1 if ascending else -1
    ranked = sorted(
        table.rows,
        key=lambda item: (not item[1].measure(measure).shown, sign * (item[1].measure(measure).value or 0)),
    )
    table.rows = ranked
    bars = charts.bar_chart(
        [
            (district.name, row.measure(measure).value if row.measure(measure).shown else None, district)
            for district, row in ranked
        ],
        ascending=ascending,
    )
    breakdown = (
        qualification_for(scope=scope, filters=filters, panel=panel, minimum=minimum, region=region) if staff else []
    )
    reference = registry_year()
    return RegionPage(
        region,
        table,
        bars,
        filters.unit_for(indicator),
        minimum,
        breakdown,
        basis=year_basis(indicator, filters.year, reference),
        reference_year=reference,
        about=about_indicator(indicator, filters.year, reference),
        map=district_map(region=region, table=table, measure=measure, unit=filters.unit_for(indicator)),
    )


@dataclass
class Trend:
    title: str
    points: tuple[trends.Point, ...]
    counts: charts.LineChart
    share: charts.LineChart
    region_en: str
    breaks: tuple[trends.Break, ...] = ()
    source: str = ""
    licence: str = ""
    definition: str = ""

    @property
    def numbered_breaks(self) -> list[tuple[int, trends.Break]]:
        """The breaks within the series' years, numbered as the charts' markers are."""
        years = {point.year for point in self.points}
        return [(number, item) for number, item in enumerate(self.breaks, start=1) if item.year in years]

    def notes(self, point: trends.Point) -> list[str]:
        """What a reader must know about one year's figures: its breaks and its gaps."""
        notes = [f"({number}) {item.note}" for number, item in self.numbered_breaks if item.year == point.year]
        if point.before_break:
            notes.append(_("Urban and rural exclude evening schools."))
        if point.total is not None and (point.urban is None or point.rural is None):
            notes.append(_("Split missing in the source."))
        if point.rural_inferred:
            notes.append(_("Rural 0 inferred: the source has no rural row for a city of republican significance."))
        return notes

    @property
    def rows(self) -> list[tuple[trends.Point, list[str]]]:
        return [(point, self.notes(point)) for point in self.points]


def build_trend(region_en: str = "") -> Trend:
    points = trends.region_series(region_en) if region_en else trends.national_series()
    years = [point.year for point in points]
    breaks = trends.breaks_for(region_en)
    counts = charts.line_chart(
        years,
        [
            (_("All schools"), charts.TOTAL, "", [point.total for point in points]),
            (_("Urban"), charts.URBAN, "6 3", [point.urban for point in points]),
            (_("Rural"), charts.RURAL, "", [point.rural for point in points]),
        ],
        breaks=[item.year for item in breaks],
    )
    share = charts.line_chart(
        years,
        [(_("Rural share, %"), charts.RURAL, "", [point.rural_share for point in points])],
        height=220,
        breaks=[item.year for item in breaks],
        y_floor=None,
        decimals=1,
    )
    if region_en:
        title = _("Schools in %(region)s, 2000/01–2022/23") % {"region": trends.series_label(region_en)}
    else:
        title = _("Schools in Kazakhstan, 2000/01–2022/23")
    return Trend(
        title,
        points,
        counts,
        share,
        region_en,
        breaks,
        str(trends.SOURCE),
        str(trends.LICENCE),
        str(trends.DEFINITION),
    )


@functools.lru_cache(maxsize=256)
def _trend_charts(region_en: str, language: str) -> tuple[str, str, str]:
    trend = build_trend(region_en)
    return (
        render_to_string("analytics/svg/line.html", {"chart": trend.counts, "title": trend.title, "chart_id": "trend"}),
        render_to_string(
            "analytics/svg/line.html", {"chart": trend.share, "title": trend.title, "chart_id": "trend-share"}
        ),
        render_to_string("analytics/_trend_table.html", {"trend": trend}),
    )


def trend_charts(region_en: str) -> tuple[str, str, str]:
    """The trend's two line charts as SVG (counts, rural share) and its table, drawn once per process
    and language: they come from the official series shipped in ``analytics/data``, never from the
    database, so no write can change them and the cache being off does not mean drawing them again."""
    return _trend_charts(region_en, translation.get_language() or "kk")


def need_candidates(
    *, scope: AnalyticsScope, region: Region | None, year: int, programme: int | None
) -> list[need.Candidate]:
    """Regions (or one region's districts) with each need component.

    The places' make-up (rural share, small-class schools, internet, outcomes) is the registry
    snapshot's, in its reference year; programme coverage counts the schools a cohort reaches
    in ``year`` (cohorts active that year only), over the snapshot's schools.
    """
    reference = registry_year()
    if region is None:
        panel = panel_for(scope=scope, year=reference, programme_id=programme)
        reach = panel if year == reference else panel_for(scope=scope, year=year, programme_id=programme)
        places: list[Any] = [place for place in regions_in_scope(scope) if place.pk in panel]
    else:
        panel = panel_for(
            scope=scope, level=Level.DISTRICT, region_id=region.pk, year=reference, programme_id=programme
        )
        reach = (
            panel
            if year == reference
            else panel_for(scope=scope, level=Level.DISTRICT, region_id=region.pk, year=year, programme_id=programme)
        )
        places = [place for place in districts_of(region) if place.pk in panel]
    if reach is not panel:
        panel = {
            key: {
                locality: {**bucket, **{name: reach.get(key, {}).get(locality, {}).get(name, 0) for name in REACH_KEYS}}
                for locality, bucket in parts.items()
            }
            for key, parts in panel.items()
        }
    imported = [indicator for indicator in indicator_list() if indicator.source_kind == SourceKind.IMPORTED]
    minimum = threshold()
    overall = {place.pk: overall_bucket(panel.get(place.pk, {})) for place in places}

    def value(code: str, bucket: Bucket) -> float | None:
        return evaluate(COMPUTED[code], bucket, 0).value

    weakness: dict[int, list[float]] = {place.pk: [] for place in places}
    for indicator in imported:
        spec = imported_spec(indicator.code)
        # A value computed from too few people is left out, as on every other page.
        values = {pk: evaluate(spec, bucket, minimum).value for pk, bucket in overall.items()}
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


def need_page(
    *,
    scope: AnalyticsScope,
    region: Region | None,
    filters: Filters,
    weights: dict[str, int],
    errors: Mapping[str, str] | None,
    raw: Mapping[str, Any],
) -> dict[str, Any]:
    """The need page's ranking and its weight fields. Invalid weights are a form error: nothing is
    ranked until they are corrected; a field in error shows what was typed."""
    errors = errors or {}
    candidates = need_candidates(scope=scope, region=region, year=filters.year, programme=filters.programme)
    reference = registry_year()
    return {
        "ranked": [] if errors else need.rank(candidates, weights),
        "usable": need.usable(candidates, weights),
        "weights": weights,
        "errors": errors,
        "components": need.COMPONENTS,
        "scales": need.SCALES,
        "weight_fields": [
            {
                "key": key,
                "label": label,
                "value": raw.get(key, "") if key in errors else weights[key],
                "error": errors.get(key, ""),
            }
            for key, label in need.COMPONENTS.items()
        ],
        "reference_year": reference,
        "years": year_choices(reference),
    }
