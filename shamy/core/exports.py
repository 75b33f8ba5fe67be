"""Every CSV and XLSX the platform writes goes through here, so no exported cell runs as a formula.

A spreadsheet treats a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some programs,
a tab or carriage return) as a formula: a school named ``=HYPERLINK("http://evil.example/x","click")``
would become a live link, ``=cmd|...`` a DDE call (CSV or formula injection, OWASP).

* CSV: such a text cell gets a leading apostrophe (OWASP's advice), so the spreadsheet shows it
  as text. Numbers stay numbers: numeric values are written as they are, and a text that is only
  a number as the page shows it (``-12 345,7``, ``-3%``) is left alone, since it cannot be a formula.
* XLSX: every text is stored as a text cell (openpyxl would otherwise turn any string starting
  with ``=`` into a formula), exactly as typed; numbers and dates keep their types. Characters that
  XML cannot hold (control characters) are dropped instead of failing the export.

Use :func:`csv_response` (:func:`csv_stream_response` for large ones) and :func:`xlsx_response`
(or :func:`csv_lines` and :func:`xlsx_bytes`
for other transports); ``core/tests/test_exports.py`` fails when code elsewhere writes a CSV or
workbook itself.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse

from shamy.core.files import content_disposition
from shamy.core.replicas import carry_over

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel opens a UTF-8 CSV with Kazakh and Russian letters correctly only with a byte-order mark.
BYTE_ORDER_MARK = "\ufeff"

# What starts a formula in Excel, LibreOffice or Google Sheets (OWASP's list, with the full-width
# forms some input methods type and the line feed that LibreOffice also trims).
FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
# A text that is only a number as a page shows it: digits, group and decimal separators, a sign
# and a percent sign. It reads as a number, never as a formula, so it is written unchanged.
_SHOWN_NUMBER = re.compile(r"[+\-\u2212]?\d(?:[\d\u00a0\u202f ,.]*\d)?\s?%?")
# Characters an XLSX (XML 1.0) cannot hold: C0 controls except tab, line feed and carriage return.
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
XLSX_SHEET_TITLE_MAX = 31
_NOT_IN_SHEET_TITLE = re.compile(r"[\\/*?:\[\]]")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (leading spaces do not hide it)."""
    stripped = text.lstrip(" \u00a0")
    if not stripped:
        return False
    return stripped[0] in FORMULA_STARTS and not _SHOWN_NUMBER.fullmatch(stripped)


def csv_cell(value: Any) -> Any:
    """One value as a CSV cell: text that could start a formula gets a leading apostrophe;
    numbers, dates and empty values are unchanged (``None`` becomes an empty cell)."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | decimal.Decimal | datetime.date | datetime.time):
        return value
    text = str(value)
    return "'" + text if is_formula_like(text) else text


def csv_lines(
    header: Sequence[Any], rows: Iterable[Sequence[Any]], *, delimiter: str = ",", byte_order_mark: bool = True
) -> Iterator[str]:
    """The CSV text line by line (a byte-order mark first), every cell through :func:`csv_cell`."""

    class _Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(_Echo(), delimiter=delimiter)
    if byte_order_mark:
        yield BYTE_ORDER_MARK
    yield writer.writerow([csv_cell(cell) for cell in header])
    for row in rows:
        yield writer.writerow([csv_cell(cell) for cell in row])


def csv_response(
    header: Sequence[Any], rows: Iterable[Sequence[Any]], filename: str, *, delimiter: str = ","
) -> HttpResponse:
    """A CSV download named ``filename`` (without ``.csv``), built whole."""
    content = "".join(csv_lines(header, rows, delimiter=delimiter)).encode("utf-8")
    response = HttpResponse(content, content_type=CSV_TYPE)
    response["Content-Disposition"] = content_disposition(f"{filename}.csv")
    return response


def csv_stream_response(
    header: Sequence[Any], rows: Iterable[Sequence[Any]], filename: str, *, delimiter: str = ","
) -> StreamingHttpResponse:
    """A CSV download sent line by line as ``rows`` produces them (large exports from an iterator)."""
    lines = carry_over(csv_lines(header, rows, delimiter=delimiter))  # on the replica if the view's reads were
    response = StreamingHttpResponse((line.encode("utf-8") for line in lines), content_type=CSV_TYPE)
    response["Content-Disposition"] = content_disposition(f"{filename}.csv")
    return response


def _xlsx_value(value: Any) -> tuple[Any, bool]:
    """The value to store and whether it must be forced to a text cell."""
    if value is None:
        return None, False
    if isinstance(value, bool | int | float | decimal.Decimal | datetime.date | datetime.time):
        return value, False
    return _NOT_IN_XML.sub("", str(value)), True


def sheet_title(title: str) -> str:
    """A valid worksheet name: no ``\\ / * ? : [ ]``, at most 31 characters, never empty."""
    return _NOT_IN_SHEET_TITLE.sub(" ", title).strip("' ")[:XLSX_SHEET_TITLE_MAX] or "Sheet"


def xlsx_bytes(
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    title: str,
    note: str = "",
    bold_header: bool = False,
    column_widths: Sequence[int] = (),
    choices: Mapping[int, Sequence[str]] | None = None,
    choices_title: str = "",
    choices_rows: int = 5000,
    lenient: Collection[int] = (),
    choices_error: str = "",
) -> bytes:
    """A one-sheet workbook: the header, the rows, then ``note`` after a blank row.

    Written in openpyxl's write-only mode, so rows are not all held as cell objects. Every text
    is a text cell, never a formula.

    ``choices`` maps a column (0-based) to its allowed values: a second sheet named
    ``choices_title`` lists them, and the column's first ``choices_rows`` rows offer them as a
    drop-down (refusing other values, or only suggesting them for columns in ``lenient``).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(title))
    for index, width in enumerate(column_widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)

    def cells(values: Sequence[Any], *, header_row: bool = False) -> list[Any]:
        out = []
        for raw in values:
            value, as_text = _xlsx_value(raw)
            cell = WriteOnlyCell(sheet, value=value)
            if as_text:
                cell.data_type = "s"  # openpyxl made it a formula if it starts with "="
            if header_row and bold_header:
                cell.font = bold
            out.append(cell)
        return out

    sheet.append(cells(header, header_row=True))
    for row in rows:
        sheet.append(cells(row))
    if note:
        sheet.append([])
        sheet.append(cells([note]))
    if choices:
        _add_choices(workbook, sheet, header, choices, choices_title, choices_rows, lenient, choices_error, cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _add_choices(
    workbook: Any,
    sheet: Any,
    header: Sequence[Any],
    choices: Mapping[int, Sequence[str]],
    title: str,
    rows: int,
    lenient: Collection[int],
    error: str,
    cells: Any,
) -> None:
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    columns = sorted(choices)
    lists = workbook.create_sheet(sheet_title(title or "lists"))
    for position, column in enumerate(columns, start=1):
        longest = max((len(value) for value in choices[column]), default=10)
        lists.column_dimensions[get_column_letter(position)].width = max(14, longest + 2)
    lists.append(cells([header[column] for column in columns]))
    for index in range(max(len(choices[column]) for column in columns)):
        lists.append(cells([choices[column][index] if index < len(choices[column]) else None for column in columns]))
    for position, column in enumerate(columns, start=1):
        letter, target = get_column_letter(position), get_column_letter(column + 1)
        validation = DataValidation(
            type="list",
            formula1=f"{quote_sheetname(lists.title)}!${letter}$2:${letter}${len(choices[column]) + 1}",
            allow_blank=True,
            showErrorMessage=column not in lenient,
            errorTitle=str(header[column])[:32],
            error=error,
        )
        validation.add(f"{target}2:{target}{rows}")
        sheet.data_validations.append(validation)


def xlsx_response(
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    filename: str,
    *,
    note: str = "",
    title: str | None = None,
    bold_header: bool = False,
    column_widths: Sequence[int] = (),
    **choices: Any,
) -> HttpResponse:
    """An XLSX download named ``filename`` (without ``.xlsx``); the sheet is named ``title``
    (``filename`` if not given). ``choices`` and its options as in :func:`xlsx_bytes`."""
    content = xlsx_bytes(
        header,
        rows,
        title=title or filename,
        note=note,
        bold_header=bold_header,
        column_widths=column_widths,
        **choices,
    )
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition(f"{filename}.xlsx")
    return response
