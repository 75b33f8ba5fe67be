"""Printable PDF briefs of the nation or a region for a school year (WeasyPrint).

Kazakh letters need a font that has them: DejaVu Sans (Debian fonts-dejavu-core), referenced
by its fontconfig name, with the file paths as a fallback.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from shamy.access.context import AnalyticsScope
from shamy.analytics import geo, trends
from shamy.analytics.dashboard import Filters, build_dashboard, build_region_page, build_trend
from shamy.analytics.indicators import Row
from shamy.analytics.models import Indicator, Unit
from shamy.analytics.reading import favoured
from shamy.analytics.selectors import registry_year
from shamy.analytics.templatetags.analytics_tags import plain
from shamy.registry.models import Region

BRIEF_INDICATORS = (
    "schools",
    "rural_share",
    "small_class_share",
    "pupils_per_teacher",
    "high_speed_internet_share",
    "modernised_share",
    "teachers_expert_share",
    "programme_schools_share",
)


# Indicators about locality itself: split into urban and rural they say nothing (a rural share of
# 0% among urban schools and 100% among rural ones), so only the figure for all schools is given.
WHOLE_ONLY = frozenset({"rural_share"})


def comparable(indicator: Indicator) -> bool:
    """Whether an urban-rural gap and parity index of this indicator mean anything: not for counts
    (more schools in towns is not a disadvantage) nor for the indicators about locality itself."""
    return indicator.code not in WHOLE_ONLY and indicator.unit != Unit.COUNT


def brief_rows(summaries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The key-indicator rows worth printing: a row with no figure at all is left out, and the
    urban, rural, gap and parity cells are left empty where they mean nothing."""
    rows = []
    for item in summaries:
        indicator, row = item["indicator"], item["row"]
        split = indicator.code not in WHOLE_ONLY
        cells = [row.total, *((row.urban, row.rural) if split else ())]
        if not any(cell.shown and cell.value is not None for cell in cells):
            continue
        rows.append({**item, "split": split, "comparable": comparable(indicator)})
    return rows


def headline(*, place: str, year: int, rows: list[dict[str, Any]]) -> str:
    """One sentence saying where the region's rural schools are furthest behind."""
    behind: list[tuple[float, Indicator, Row]] = []
    for item in rows:
        indicator, row = item["indicator"], item["row"]
        if not item["comparable"] or row.parity is None or not (row.urban.shown and row.rural.shown):
            continue
        if favoured(row.parity, str(indicator.direction)) == "urban":
            behind.append((abs(1 - row.parity), indicator, row))
    school_year = f"{year}/{(year + 1) % 100:02d}"
    if not behind:
        return _(
            "%(place)s, %(year)s: on none of the indicators below are rural schools behind urban ones, "
            "or they cannot be compared."
        ) % {"place": place, "year": school_year}
    _distance, indicator, row = max(behind, key=lambda item: item[0])
    unit = str(indicator.unit)
    return _(
        "%(place)s, %(year)s: rural schools are furthest behind on “%(indicator)s”: %(rural)s against "
        "%(urban)s in urban schools (parity index %(parity)s)."
    ) % {
        "place": place,
        "year": school_year,
        "indicator": indicator.label,
        "rural": plain(row.rural, unit),
        "urban": plain(row.urban, unit),
        "parity": plain(row.parity, "parity"),
    }


def trend_series_for(region: Region | None) -> str:
    """The official series of the region (by its KATO code), or "" for the nation."""
    if region is None:
        return ""
    for name, _ru, kato in trends.region_names():
        if kato and kato == region.kato:
            return name
    return ""


def render_brief(
    *, request: HttpRequest, scope: AnalyticsScope, region: Region | None, filters: Filters, indicators: list[Indicator]
) -> bytes:
    from weasyprint import HTML

    html = brief_html(request=request, scope=scope, region=region, filters=filters, indicators=indicators)
    return bytes(HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf())


def brief_context(
    *, scope: AnalyticsScope, region: Region | None, filters: Filters, indicators: list[Indicator]
) -> dict[str, Any]:
    """What the brief shows, built by the dashboard's and region page's own builders."""
    chosen = [indicator for indicator in indicators if indicator.code in BRIEF_INDICATORS]
    chosen += [indicator for indicator in indicators if indicator.source_kind == "imported"]
    summaries: list[dict[str, Any]] = []
    map_board = None
    region_page = None
    for indicator in chosen:
        if region is None:
            board = build_dashboard(scope=scope, filters=filters, indicator=indicator)
            summaries.append({"indicator": indicator, "row": board.table.national})
            if indicator.code == filters.indicator or (
                map_board is None and indicator.code == "high_speed_internet_share"
            ):
                map_board = board
        else:
            page = build_region_page(scope=scope, region=region, filters=filters, indicator=indicator)
            summaries.append({"indicator": indicator, "row": page.table.national})
            if indicator.code == filters.indicator:
                region_page = page
    if region is not None and region_page is None:
        main = next(i for i in indicators if i.code == filters.indicator)
        region_page = build_region_page(scope=scope, region=region, filters=filters, indicator=main)
    trend = build_trend(trend_series_for(region))
    rows = brief_rows(summaries)
    place = region.name if region is not None else _("Kazakhstan")
    return {
        "region": region,
        "filters": filters,
        "summaries": rows,
        "headline": headline(place=place, year=filters.year, rows=rows),
        "board": map_board,
        "page": region_page,
        "trend": trend,
        "attribution": geo.ATTRIBUTION,
        "standalone": True,
        "generated": timezone.localtime(),
        "reference_year": registry_year(),
    }


def brief_html(
    *, request: HttpRequest, scope: AnalyticsScope, region: Region | None, filters: Filters, indicators: list[Indicator]
) -> str:
    context = brief_context(scope=scope, region=region, filters=filters, indicators=indicators)
    return render_to_string("analytics/brief.html", context, request)
