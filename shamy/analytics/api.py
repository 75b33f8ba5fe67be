"""Indicator endpoints of the JSON API: the same figures as the dashboard, for BI tools.

``/indicators`` lists the definitions; ``/indicators/{code}/values`` gives one indicator's table
for a year, by region (or by district of one region), read through the very builders the pages
use (:func:`shamy.analytics.dashboard.build_dashboard` and ``build_region_page``), so the same
scope, the same year rule, the same rounding-free raw values and the same primary and secondary
suppression apply. A suppressed cell has ``value: null`` and ``suppressed: true``.
"""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import translation
from ninja import Field, Query, Router, Schema
from pydantic import BaseModel

from shamy.access.context import AnalyticsScope, access_for
from shamy.analytics import exports
from shamy.analytics.dashboard import Filters, build_dashboard, build_region_page
from shamy.analytics.indicators import Cell, Row
from shamy.analytics.models import Indicator
from shamy.analytics.reading import favoured
from shamy.analytics.selectors import indicator_list, programmes_for, registry_year
from shamy.core.inputs import MAX_ID, ApiCode
from shamy.core.replicas import use_replica
from shamy.registry.models import Region

router = Router(tags=["analytics"])


class Out(BaseModel):
    pass


class TextsOut(Out):
    kk: str = ""
    ru: str = ""
    en: str = ""


class IndicatorOut(Out):
    code: str
    names: TextsOut
    unit: str
    direction: str = Field(description="higher_better or higher_worse: how the parity index reads.")
    definition: TextsOut
    source: str
    source_kind: str = Field(description="computed (registry, programmes) or imported (outcome files).")


class CellOut(Out):
    value: float | None = Field(description="Raw, unrounded; null when suppressed, undefined or no data.")
    suppressed: bool = Field(description="Hidden so that no one can be identified (primary or secondary).")
    no_data: bool = Field(description="The source has no figure for this place and year.")
    inferred: bool = Field(False, description="Blank in the source and inferred (a city's rural schools: 0).")


class PlaceOut(Out):
    kato: str = Field(description="KATO code of the region or district; empty for the total row.")
    names: TextsOut
    urban: CellOut
    rural: CellOut
    total: CellOut
    parity: float | None = Field(description="UNESCO adjusted parity index, rural over urban; null if undefined.")
    gap: float | None = Field(description="Urban minus rural; null if undefined.")
    favours: str | None = Field(description="urban, rural or neither, by the indicator's direction.")


class ValuesOut(Out):
    indicator: str
    year: int = Field(description="The school year actually used (2022 means 2022/23).")
    year_basis: str = Field(description="registry, official, dated, imported or none (no data).")
    registry_year: int = Field(description="The school year the registry snapshot describes.")
    level: str
    programme: int | None
    source: str
    licence: str
    definition: str
    places: list[PlaceOut]
    total: PlaceOut


class ValuesQuery(Schema):
    year: int | None = Field(
        None, ge=2000, le=2100, description="School year (first calendar year); default as the page."
    )
    level: Literal["region", "district"] = "region"
    region: str | None = Field(
        None, max_length=64, description="KATO code of the region whose districts to list (level=district)."
    )
    programme: int | None = Field(
        None, ge=1, le=MAX_ID, description="Programme ID (coordinators and observers: one of theirs)."
    )


def _texts(value: Any) -> dict[str, str]:
    value = value if isinstance(value, dict) else {}
    return {language: str(value.get(language, "")) for language in ("kk", "ru", "en")}


def _cell(cell: Cell) -> dict[str, Any]:
    shown = cell.shown
    return {
        "value": cell.value if shown else None,
        "suppressed": cell.suppressed,
        "no_data": cell.no_data,
        "inferred": cell.inferred,
    }


def _place(place: Any, row: Row, direction: str) -> dict[str, Any]:
    return {
        "kato": place.kato if place is not None else "",
        "names": {"kk": place.name_kk, "ru": place.name_ru, "en": place.name_en or ""} if place else _texts({}),
        "urban": _cell(row.urban),
        "rural": _cell(row.rural),
        "total": _cell(row.total),
        "parity": row.parity,
        "gap": row.gap,
        "favours": favoured(row.parity, direction),
    }


def _scope(request: HttpRequest) -> AnalyticsScope:
    scope = access_for(request.user).analytics
    if not scope.any:
        raise PermissionDenied
    return scope


def _indicator_out(indicator: Indicator) -> dict[str, Any]:
    return {
        "code": indicator.code,
        "names": _texts(indicator.name),
        "unit": indicator.unit,
        "direction": indicator.direction,
        "definition": _texts(indicator.definition),
        "source": indicator.source,
        "source_kind": indicator.source_kind,
    }


@router.get("/indicators", response={200: list[IndicatorOut]}, url_name="indicator-list")
def indicator_definitions(request: HttpRequest) -> list[dict[str, Any]]:
    """Every indicator: code, names and definition in kk, ru and en, unit, direction and source."""
    with use_replica():  # a heavy read: the replica when there is one
        _scope(request)
        return [_indicator_out(indicator) for indicator in indicator_list()]


@router.get("/indicators/{code}/values", response={200: ValuesOut}, url_name="indicator-values")
def indicator_values(request: HttpRequest, code: ApiCode, query: Query[ValuesQuery]) -> dict[str, Any]:
    """One indicator's figures per region (or per district of ``region``) for a school year, with
    the caller's scope and the pages' suppression; the year actually used and the source."""
    with use_replica():  # a heavy read: the replica when there is one
        scope = _scope(request)
        indicators = indicator_list()
        indicator = next((item for item in indicators if item.code == code), None)
        if indicator is None:
            raise Http404
        programmes = programmes_for(request.user)
        if scope.programme_ids:
            programmes = [programme for programme in programmes if programme.pk in scope.programme_ids]
        programme_ids = [programme.pk for programme in programmes]
        if query.programme is not None and query.programme not in programme_ids:
            raise Http404
        filters = Filters.from_query(
            {"indicator": code, "year": str(query.year or ""), "programme": str(query.programme or "")},
            indicator_codes=[item.code for item in indicators],
            programme_ids=programme_ids,
            programme_required=bool(scope.programme_ids),
            reference_year=registry_year(),
        )
        reference = registry_year()
        if query.level == "district":
            region = get_object_or_404(Region, kato=query.region or "")
            if not scope.allows_region(region.pk):
                raise Http404
            page = build_region_page(scope=scope, region=region, filters=filters, indicator=indicator)
            table, basis, total_place = page.table, page.basis, region
        else:
            board = build_dashboard(scope=scope, filters=filters, indicator=indicator)
            table, basis, total_place = board.table, board.basis, None
        direction = str(indicator.direction)
        with translation.override("en"):
            about = dict(exports.about_indicator(indicator, filters.year, reference))
            source, licence, definition = about["Source"], about["Licence"], about["Definition"]
        return {
            "indicator": indicator.code,
            "year": filters.year,
            "year_basis": basis,
            "registry_year": reference,
            "level": query.level,
            "programme": filters.programme,
            "source": source,
            "licence": licence,
            "definition": definition,
            "places": [_place(place, row, direction) for place, row in table.rows],
            "total": _place(total_place, table.national, direction),
        }
