"""Printable PDF briefs of the nation or a region for a school year (WeasyPrint).

Kazakh letters need a font that has them: DejaVu Sans (Debian fonts-dejavu-core), referenced
by its fontconfig name, with the file paths as a fallback.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from shamy.access.context import AnalyticsScope
from shamy.analytics import geo
from shamy.analytics.dashboard import Filters, build_dashboard, build_region_page, build_trend
from shamy.analytics.models import Indicator
from shamy.analytics.selectors import registry_year
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
    trend = build_trend("")
    return {
        "region": region,
        "filters": filters,
        "summaries": summaries,
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
