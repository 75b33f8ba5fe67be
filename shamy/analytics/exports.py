"""Downloads: each chart's data as CSV or XLSX, and the charts themselves as SVG."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from shamy.analytics.dashboard import Trend
from shamy.analytics.selectors import IndicatorTable
from shamy.analytics.templatetags.analytics_tags import plain

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _value(cell: Any) -> Any:
    """Numbers stay numbers in files; suppressed and undefined cells say so in words."""
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
    return round(cell, 4)


def table_rows(table: IndicatorTable, *, place_header: str, year: int) -> tuple[list[str], list[list[Any]]]:
    header = [
        place_header,
        _("Indicator"),
        _("School year"),
        _("Urban"),
        _("Rural"),
        _("All schools"),
        _("Gap (urban − rural)"),
        _("Parity index (rural / urban)"),
        _("Source"),
    ]
    rows: list[list[Any]] = []
    label = table.indicator.label
    source = table.indicator.source
    for place, row in [*table.rows, (None, table.national)]:
        rows.append(
            [
                place.name if place is not None else _("Total"),
                label,
                f"{year}/{(year + 1) % 100:02d}",
                _value(row.urban),
                _value(row.rural),
                _value(row.total),
                _value(row.gap),
                _value(row.parity),
                source,
            ]
        )
    return header, rows


def trend_rows(trend: Trend) -> tuple[list[str], list[list[Any]]]:
    header = [
        _("School year"),
        _("All schools"),
        _("Urban"),
        _("Rural"),
        _("Rural share, %"),
        _("Note"),
    ]
    rows = []
    for point in trend.points:
        note = _("Urban and rural exclude evening schools") if point.before_break else ""
        rows.append(
            [
                point.school_year,
                point.total if point.total is not None else "",
                point.urban if point.urban is not None else "",
                point.rural if point.rural is not None else "",
                round(point.rural_share, 2) if point.rural_share is not None else "",
                note,
            ]
        )
    return header, rows


def csv_response(header: Sequence[str], rows: Sequence[Sequence[Any]], filename: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(header: Sequence[str], rows: Sequence[Sequence[Any]], filename: str, *, note: str) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook always has a sheet
    sheet.title = filename[:31]
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    sheet.append([])
    sheet.append([note])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def svg_response(content: str, filename: str) -> HttpResponse:
    response = HttpResponse('<?xml version="1.0" encoding="UTF-8"?>\n' + content, content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="{filename}.svg"'
    return response


__all__ = ["csv_response", "plain", "svg_response", "table_rows", "trend_rows", "xlsx_response"]
