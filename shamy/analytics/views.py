from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from shamy.access.context import PUBLIC_ANALYTICS
from shamy.access.http import AuthedHttpRequest
from shamy.analytics import exports, geo, need, targets, trends
from shamy.analytics.cache import cache_version
from shamy.analytics.dashboard import (
    GAP_SORTS,
    Filters,
    build_dashboard,
    build_region_page,
    build_trend,
    largest_gaps,
    need_page,
    trend_charts,
)
from shamy.analytics.forms import (
    AnalyticsSettingsForm,
    DashboardFilterForm,
    GapsFilterForm,
    ImportedIndicatorForm,
    TrendRegionForm,
)
from shamy.analytics.models import AnalyticsSettings, Indicator, Scenario
from shamy.analytics.permissions import (
    AnalyticsScope,
    can_import_indicator_values,
    can_manage_analytics_settings,
    can_view_analytics,
    require_analytics,
)
from shamy.analytics.selectors import (
    CACHE_SECONDS,
    current_school_year,
    indicator_list,
    own_scenarios,
    programmes_for,
    region_for_analytics,
    regions_for_analytics,
    registry_year,
    threshold,
)
from shamy.analytics.services.scenarios import scenario_create
from shamy.analytics.services.settings import analytics_settings_update
from shamy.analytics.services.values import indicator_create
from shamy.core.replicas import fresh_for_cache, replica_reads
from shamy.core.rules import checked, requires
from shamy.registry.models import Region


def _filters(request: HttpRequest, scope: AnalyticsScope) -> tuple[Filters, list[Indicator], list[Any]]:
    indicators = indicator_list()
    programmes = [] if scope.public else programmes_for(request.user)
    if scope.programme_ids:
        programmes = [programme for programme in programmes if programme.pk in scope.programme_ids]
    filters = Filters.from_query(
        request.GET,
        indicator_codes=[indicator.code for indicator in indicators],
        programme_ids=[programme.pk for programme in programmes],
        programme_required=bool(scope.programme_ids),
        reference_year=registry_year(),
    )
    return filters, indicators, programmes


def _indicator(indicators: list[Indicator], code: str) -> Indicator:
    for indicator in indicators:
        if indicator.code == code:
            return indicator
    raise Http404


def _canonical_query(filters: Filters) -> QueryDict:
    """The filters as a query string, so cached panels never carry stray parameters."""
    query = QueryDict(mutable=True)
    values = {
        "indicator": filters.indicator,
        "measure": filters.measure,
        "year": filters.year,
        "programme": filters.programme or "",
        "trend_region": filters.trend_region,
    }
    for name, value in values.items():
        if value:
            query[name] = str(value)
    return query


def _html_key(scope: AnalyticsScope, request: HttpRequest, filters: Filters, *extra: str) -> str:
    """Cache key of rendered panels: the data version, who may see what, language, page, filters."""
    parts = [scope.cache_key, translation.get_language() or "kk", request.path, repr(filters), *extra]
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()
    return f"analytics:{cache_version()}:html:{digest}"


def _render_dashboard(request: HttpRequest, scope: AnalyticsScope, *, public: bool = False) -> HttpResponse:
    """The dashboard page, or its panels for htmx. The rendered panels are cached under the
    analytics cache version, so a warm request runs only the permission and filter queries."""
    filters, indicators, programmes = _filters(request, scope)
    indicator = _indicator(indicators, filters.indicator)
    context: dict[str, Any] = {
        "form": DashboardFilterForm(
            indicators=indicators, programmes=programmes, filters=filters, programme_required=bool(scope.programme_ids)
        ),
        "trend_form": TrendRegionForm(initial={"trend_region": filters.trend_region}),
        "scope": scope,
        "public": public,
        "filters": filters,
    }
    key = _html_key(scope, request, filters, "dashboard", str(public))
    panels = cache.get(key)
    if panels is None:
        with fresh_for_cache():
            context.update(_dashboard_panels(scope, filters, indicator))
            panels = render_to_string("analytics/_panels.html", context, request)
        cache.set(key, panels, CACHE_SECONDS)
    return _page_or_panels(request, "analytics/dashboard.html", context, panels)


def _dashboard_panels(scope: AnalyticsScope, filters: Filters, indicator: Indicator) -> dict[str, Any]:
    """What the dashboard's cached panels show: the board, the trend and their export links."""
    query = _canonical_query(filters)
    name = "analytics:public-export" if scope.public else "analytics:export"
    suffix = "?" + query.urlencode() if query else ""
    return {
        "links": {
            f"{panel.replace('-', '_')}_{fmt}": reverse(name, args=[panel, fmt]) + suffix
            for panel in ("map", "bars", "table", "trend", "trend-share")
            for fmt in ("svg", "csv", "xlsx")
        },
        "board": build_dashboard(scope=scope, filters=filters, indicator=indicator),
        "trend": build_trend(filters.trend_region),
        "trend_charts": trend_charts(filters.trend_region),
        "query": query.urlencode(),
        "attribution": geo.ATTRIBUTION,
    }


def _page_or_panels(request: HttpRequest, template: str, context: dict[str, Any], panels: str) -> HttpResponse:
    """The whole page, or only its panels for an htmx request (filters changed in place)."""
    if request.htmx and not request.htmx.boosted:  # type: ignore[attr-defined]
        return HttpResponse(panels)
    context["panels"] = panels
    return render(request, template, context)


@replica_reads
@vary_on_headers("HX-Request")
def dashboard(request: AuthedHttpRequest) -> HttpResponse:
    scope = require_analytics(request.access)
    return _render_dashboard(request, scope)


@replica_reads
@login_not_required
@vary_on_headers("HX-Request")
def public_dashboard(request: HttpRequest) -> HttpResponse:
    """National and regional aggregates for anyone, when a system administrator switched it on."""
    if not AnalyticsSettings.current().public_enabled:
        raise Http404
    return _render_dashboard(request, PUBLIC_ANALYTICS, public=True)


@replica_reads
@vary_on_headers("HX-Request")
@requires(can_view_analytics)
@checked(Region, visible="analytics", kwarg="region_id")
def region_detail(request: AuthedHttpRequest, region: Region) -> HttpResponse:
    scope = require_analytics(request.access)
    filters, indicators, programmes = _filters(request, scope)
    indicator = _indicator(indicators, filters.indicator)
    query = _canonical_query(filters)
    context: dict[str, Any] = {
        "region": region,
        "form": DashboardFilterForm(
            indicators=indicators, programmes=programmes, filters=filters, programme_required=bool(scope.programme_ids)
        ),
        "filters": filters,
        "query": query.urlencode(),
        # Districts link to their schools only for those who may browse the registry.
        "schools_link": request.access.registry.any,
    }
    key = _html_key(scope, request, filters, "region", str(region.pk), str(context["schools_link"]))
    panels = cache.get(key)
    if panels is None:
        export_query = query.copy()
        export_query["region"] = str(region.pk)
        context["links"] = {
            f"districts_{fmt}": reverse("analytics:export", args=["districts", fmt]) + "?" + export_query.urlencode()
            for fmt in ("svg", "csv", "xlsx")
        }
        with fresh_for_cache():
            context["page"] = build_region_page(scope=scope, region=region, filters=filters, indicator=indicator)
            panels = render_to_string("analytics/_region_panels.html", context, request)
        cache.set(key, panels, CACHE_SECONDS)
    return _page_or_panels(request, "analytics/region_detail.html", context, panels)


EXPORTS = {"map", "bars", "table", "trend", "trend-share", "districts"}


@replica_reads
def export(request: AuthedHttpRequest, panel: str, fmt: str) -> HttpResponse:
    """Every chart as SVG and its data as CSV or XLSX, with the same filters as the page."""
    scope = require_analytics(request.access)
    return _export(request, scope, panel, fmt)


@replica_reads
@login_not_required
def public_export(request: HttpRequest, panel: str, fmt: str) -> HttpResponse:
    if not AnalyticsSettings.current().public_enabled or panel == "districts":
        raise Http404
    return _export(request, PUBLIC_ANALYTICS, panel, fmt)


def _footer(lines: list[str]) -> dict[str, Any]:
    """Lines printed under an exported chart: an SVG file travels without the page around it."""
    return {"footer": lines, "footer_height": len(lines) * 13 + 8}


def _export(request: HttpRequest, scope: AnalyticsScope, panel: str, fmt: str) -> HttpResponse:
    """Every export carries its source, licence, definition and school year: in the SVG's own
    footer, in columns of every CSV/XLSX row, and in the workbook's note."""
    if panel not in EXPORTS or fmt not in {"svg", "csv", "xlsx"}:
        raise Http404
    filters, indicators, _programmes = _filters(request, scope)
    indicator = _indicator(indicators, filters.indicator)
    about = exports.about_indicator(indicator, filters.year, registry_year())
    note = " ".join(f"{label}: {value}." for label, value in about)
    if panel in {"trend", "trend-share"}:
        table, note = _trend_export(request, panel, fmt, filters)
    elif panel == "districts":
        table = _districts_export(request, scope, fmt, filters, indicator, about)
    else:
        table = _board_export(request, scope, panel, fmt, filters, indicator, about)
    if isinstance(table, HttpResponse):
        return table
    header, rows = table
    filename = f"{panel}-{indicator.code}" if panel not in {"trend", "trend-share"} else panel
    if fmt == "csv":
        return exports.csv_response(header, rows, filename)
    return exports.xlsx_response(header, rows, filename, note=note)


ExportTable = tuple[list[str], list[list[Any]]]


def _year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def _about_footer(year: int, about: list[tuple[str, Any]]) -> list[str]:
    return [f"{label}: {value}" for label, value in [(_("School year"), _year_label(year)), *about]]


def _trend_export(request: HttpRequest, panel: str, fmt: str, filters: Filters) -> tuple[Any, str]:
    trend = build_trend(filters.trend_region)
    trend_about = [
        (_("Source"), trend.source),
        (_("Licence"), trend.licence),
        (_("Definition"), trend.definition),
        (_("School years"), trends.YEARS),
    ]
    note = " ".join(f"{label}: {value}." for label, value in trend_about)
    if fmt != "svg":
        return exports.trend_rows(trend), note
    lines = [f"{label}: {value}" for label, value in trend_about]
    lines += [f"({number}) {_year_label(item.year)}: {item.note}" for number, item in trend.numbered_breaks]
    chart = trend.counts if panel == "trend" else trend.share
    context = {"chart": chart, "title": trend.title, "chart_id": panel, **_footer(lines)}
    content = render_to_string("analytics/svg/line.html", context, request)
    return exports.svg_response(content, panel), note


def _districts_export(
    request: HttpRequest, scope: AnalyticsScope, fmt: str, filters: Filters, indicator: Indicator, about: Any
) -> ExportTable | HttpResponse:
    region = region_for_analytics(actor=request.user, raw_id=str(request.GET.get("region") or ""))
    if region is None:
        raise Http404
    page = build_region_page(scope=scope, region=region, filters=filters, indicator=indicator)
    if fmt != "svg":
        return exports.table_rows(page.table, place_header=_("District"), year=filters.year, about=about)
    context = {
        "chart": page.bars,
        "unit": page.unit,
        "title": f"{indicator.label}, {region.name}, {_year_label(filters.year)}",
        "chart_id": "districts",
        **_footer(_about_footer(filters.year, about)),
    }
    content = render_to_string("analytics/svg/bars.html", context, request)
    return exports.svg_response(content, f"districts-{region.kato}")


def _board_export(
    request: HttpRequest,
    scope: AnalyticsScope,
    panel: str,
    fmt: str,
    filters: Filters,
    indicator: Indicator,
    about: Any,
) -> ExportTable | HttpResponse:
    board = build_dashboard(scope=scope, filters=filters, indicator=indicator)
    if fmt != "svg":
        return exports.table_rows(board.table, place_header=_("Region"), year=filters.year, about=about)
    footer = _footer(_about_footer(filters.year, about))
    if panel == "map":
        context = {"board": board, "attribution": geo.ATTRIBUTION, "standalone": True, **footer}
        template = "analytics/svg/map.html"
    elif panel == "bars":
        title = f"{indicator.label}, {_year_label(filters.year)}"
        context = {"chart": board.bars, "unit": board.unit, "title": title, "chart_id": "bars", **footer}
        template = "analytics/svg/bars.html"
    else:
        raise Http404
    return exports.svg_response(render_to_string(template, context, request), f"{panel}-{indicator.code}")


@replica_reads
def indicator_definitions(request: AuthedHttpRequest) -> HttpResponse:
    require_analytics(request.access)
    return render(
        request,
        "analytics/indicator_list.html",
        {
            "indicators": indicator_list(),
            "can_define": can_import_indicator_values(request.access),
            "import_url": reverse("imports:start"),
        },
    )


@require_http_methods(["GET", "POST"])
@requires(can_import_indicator_values)
def indicator_create_view(request: AuthedHttpRequest) -> HttpResponse:
    form = ImportedIndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        indicator = indicator_create(actor=request.user, fields=form.indicator_fields())
        messages.success(
            request,
            _("Indicator “%(name)s” defined. Import its values with the “Outcome indicator values” import.")
            % {"name": indicator.label},
        )
        return redirect("analytics:indicator-list")
    return render(request, "analytics/indicator_form.html", {"form": form})


# Rows per page of the "largest gaps" view.
GAPS_PER_PAGE = 40


@replica_reads
def gaps(request: AuthedHttpRequest) -> HttpResponse:
    """Where the gap is largest: every region × indicator ranked by its distance from parity (or by
    the absolute gap within each indicator), from the dashboard's own suppressed tables."""
    scope = require_analytics(request.access)
    filters, indicators, programmes = _filters(request, scope)
    code = str(request.GET.get("indicator") or "")
    chosen = [indicator for indicator in indicators if indicator.code == code]
    code = code if chosen else ""
    sort = str(request.GET.get("sort") or "")
    sort = sort if sort in GAP_SORTS else "parity"
    ranked = largest_gaps(scope=scope, filters=filters, indicators=chosen or indicators, sort=sort)
    page = Paginator(ranked, GAPS_PER_PAGE).get_page(request.GET.get("page"))
    form = GapsFilterForm(
        indicators=indicators,
        programmes=programmes,
        filters=filters,
        indicator=code,
        sort=sort,
        programme_required=bool(scope.programme_ids),
    )
    context = {"form": form, "page": page, "start": page.start_index(), "filters": filters, "sort": sort}
    context |= {"query": _gaps_query(filters, code, sort), "scope": scope, "threshold": threshold()}
    return render(request, "analytics/gaps.html", context)


def _gaps_query(filters: Filters, indicator: str, sort: str) -> str:
    """The gaps page's filters as a query string, for the pagination links."""
    query = QueryDict(mutable=True)
    for name, value in (("year", filters.year), ("programme", filters.programme), ("indicator", indicator)):
        if value:
            query[name] = str(value)
    query["sort"] = sort
    return query.urlencode()


@replica_reads
@vary_on_headers("HX-Request")
def need_ranking(request: AuthedHttpRequest) -> HttpResponse:
    scope = require_analytics(request.access)
    weights, errors = need.parse_weights(request.GET)
    return _need(request, scope, weights=weights, scenario=None, errors=errors)


@replica_reads
@requires(can_view_analytics)
@checked(Scenario, kwarg="token", field="share_token")
def scenario_shared(request: AuthedHttpRequest, scenario: Scenario) -> HttpResponse:
    """A saved scenario, opened by its link: anyone with analytics access and the link sees it."""
    scope = require_analytics(request.access)
    return _need(request, scope, weights=need.clean_weights(scenario.weights), scenario=scenario)


def _need(
    request: HttpRequest,
    scope: AnalyticsScope,
    *,
    weights: dict[str, int],
    scenario: Scenario | None,
    errors: dict[str, str] | None = None,
) -> HttpResponse:
    filters, _indicators, programmes = _filters(request, scope)
    if not request.GET.get("year"):
        # Coverage is about now: the current school year's cohorts, unless another is chosen.
        filters = replace(filters, year=current_school_year())
    region = region_for_analytics(actor=request.user, raw_id=str(request.GET.get("region") or ""))
    context = {
        **need_page(scope=scope, region=region, filters=filters, weights=weights, errors=errors, raw=request.GET),
        "region": region,
        "regions": regions_for_analytics(actor=request.user),
        "scenario": scenario,
        "scenarios": own_scenarios(actor=request.user),
        "max_weight": need.MAX_WEIGHT,
        "programmes": programmes,
        "programme_required": bool(scope.programme_ids),
        "filters": filters,
    }
    partial = request.htmx and not request.htmx.boosted  # type: ignore[attr-defined]
    return render(request, "analytics/_need_rows.html" if partial else "analytics/need.html", context)


@require_POST
def scenario_save(request: AuthedHttpRequest) -> HttpResponse:
    name = str(request.POST.get("name") or "").strip()[:200]
    if not name:
        messages.error(request, _("Give the scenario a name."))
        return redirect("analytics:need")
    _weights, errors = need.parse_weights(request.POST)
    if errors:
        messages.error(request, _("Correct the weights: each is a whole number from 0 to 10."))
        return redirect("analytics:need")
    scenario = scenario_create(actor=request.user, name=name, weights=dict(request.POST.items()))
    messages.success(request, _("Scenario saved. Anyone with analytics access can open it by its link."))
    return redirect("analytics:scenario-shared", token=scenario.share_token)


@replica_reads
def target_list(request: AuthedHttpRequest) -> HttpResponse:
    scope = require_analytics(request.access)
    return render(request, "analytics/targets.html", {"progress": targets.target_progress(scope=scope)})


@require_http_methods(["GET", "POST"])
@requires(can_manage_analytics_settings)
def settings_edit(request: AuthedHttpRequest) -> HttpResponse:
    current = AnalyticsSettings.current()
    form = AnalyticsSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        analytics_settings_update(
            actor=request.user,
            public_enabled=form.cleaned_data["public_enabled"],
            suppression_threshold=form.cleaned_data["suppression_threshold"],
            registry_year=form.cleaned_data["registry_year"],
        )
        messages.success(request, _("Analytics settings saved."))
        return redirect("analytics:settings")
    return render(request, "analytics/settings.html", {"form": form})


@replica_reads
def brief(request: AuthedHttpRequest) -> HttpResponse:
    """A printable PDF brief of the nation, or of one region (``?region=``), for a school year."""
    scope = require_analytics(request.access)
    from shamy.analytics.briefs import render_brief

    region = region_for_analytics(actor=request.user, raw_id=str(request.GET.get("region") or ""))
    filters, indicators, _programmes = _filters(request, scope)
    with translation.override(translation.get_language()):
        pdf = render_brief(request=request, scope=scope, region=region, filters=filters, indicators=indicators)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"brief-{region.kato if region else 'kz'}-{filters.year}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
