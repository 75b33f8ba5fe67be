"""Downloads: each chart's data as CSV or XLSX, and the charts themselves as SVG.

CSV and XLSX are written by ``shamy.core.exports`` (no cell runs as a formula)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from shamy.analytics.dashboard import Trend, about_indicator
from shamy.analytics.reading import parity_reading
from shamy.analytics.selectors import IndicatorTable
from shamy.analytics.templatetags.analytics_tags import plain
from shamy.core.exports import csv_response, xlsx_response
from shamy.core.numbers import format_decimal


def _value(cell: Any) -> Any:
    """The raw value: numbers stay numbers, unrounded; suppressed, missing and undefined cells say so."""
    if cell is None:
        return _("undefined")
    if hasattr(cell, "suppressed"):
        if cell.suppressed:
            return _("suppressed")
        if cell.value is None and cell.no_data:
            return _("no data")
        cell = cell.value
    if cell is None:
        return _("undefined")
    return cell


def table_rows(
    table: IndicatorTable, *, place_header: str, year: int, about: Sequence[tuple[str, str]] = ()
) -> tuple[list[str], list[list[Any]]]:
    """One row per place and the total: raw values, then the same values as the page shows them
    (rounded half away from zero, in the language's format), then the source."""
    measures = [
        _("Urban"),
        _("Rural"),
        _("All schools"),
        _("Gap (urban − rural)"),
        _("Parity index (rural / urban)"),
    ]
    header = [
        place_header,
        _("Indicator"),
        _("School year"),
        *measures,
        *[_("%(measure)s, as shown") % {"measure": measure} for measure in measures],
        _("Reading of the parity index"),
        *[label for label, _text in about],
    ]
    rows: list[list[Any]] = []
    label = table.indicator.label
    unit = str(table.indicator.unit)
    for place, row in [*table.rows, (None, table.national)]:
        cells = [row.urban, row.rural, row.total, row.gap, row.parity]
        units = [unit, unit, unit, unit, "parity"]
        rows.append(
            [
                place.name if place is not None else _("Total"),
                label,
                f"{year}/{(year + 1) % 100:02d}",
                *[_value(cell) for cell in cells],
                *[plain(cell, cell_unit) for cell, cell_unit in zip(cells, units, strict=True)],
                parity_reading(row.parity, str(table.indicator.direction)),
                *[text for _label, text in about],
            ]
        )
    return header, rows


def trend_rows(trend: Trend) -> tuple[list[str], list[list[Any]]]:
    """The series year by year: raw counts (blank where the source is), the rural share raw and
    as shown, the year's notes (breaks, gaps, inferred zeros), source, licence and definition."""
    header = [
        _("School year"),
        _("All schools"),
        _("Urban"),
        _("Rural"),
        _("Rural share, %"),
        _("Rural share, %, as shown"),
        _("Note"),
        _("Source"),
        _("Licence"),
        _("Definition"),
    ]
    rows = []
    for point, notes in trend.rows:
        rows.append(
            [
                point.school_year,
                point.total if point.total is not None else "",
                point.urban if point.urban is not None else "",
                point.rural if point.rural is not None else "",
                point.rural_share if point.rural_share is not None else "",
                format_decimal(point.rural_share, 1) if point.rural_share is not None else "",
                " ".join(notes),
                trend.source,
                trend.licence,
                trend.definition,
            ]
        )
    return header, rows


def svg_response(content: str, filename: str) -> HttpResponse:
    response = HttpResponse('<?xml version="1.0" encoding="UTF-8"?>\n' + content, content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="{filename}.svg"'
    return response


__all__ = ["about_indicator", "csv_response", "plain", "svg_response", "table_rows", "trend_rows", "xlsx_response"]
