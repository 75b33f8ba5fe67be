"""Checks that an exported CSV or XLSX carries a text back inert: as text, never as a formula."""

from __future__ import annotations

import csv
import io
import zipfile

from django.http.response import HttpResponseBase

# The payloads the hardening review put into school names (issue 12).
FORMULAS = [
    '=HYPERLINK("http://evil.example/x","click")',
    "=1+1",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
HYPERLINK = FORMULAS[0]


def body(response: HttpResponseBase) -> bytes:
    """The response's bytes; a streamed body is read once and kept, so it can be checked again."""
    if getattr(response, "streaming", False):
        if not hasattr(response, "_test_body"):
            response._test_body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        return response._test_body  # type: ignore[attr-defined,no-any-return]
    return response.content  # type: ignore[attr-defined,no-any-return]


def csv_cells(response: HttpResponseBase) -> list[list[str]]:
    text = body(response).decode("utf-8-sig")
    sample = text.splitlines()[0] if text else ""
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def assert_csv_inert(response: HttpResponseBase, text: str) -> None:
    """``text`` is in the CSV with a leading apostrophe, and no cell starts a formula."""
    cells = [cell for row in csv_cells(response) for cell in row]
    assert "'" + text in cells, f"{text!r} not found escaped in the CSV"
    assert text not in cells
    dangerous = [cell for cell in cells if cell[:1] in {"=", "+", "@", "\t", "\r"}]
    assert dangerous == []


def assert_xlsx_inert(response: HttpResponseBase, text: str) -> None:
    """``text`` is a text cell of the workbook exactly as typed, and the workbook has no formula."""
    from openpyxl import load_workbook

    data = body(response)
    workbook = load_workbook(io.BytesIO(data))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    matching = [cell for cell in cells if cell.value == text]
    assert matching, f"{text!r} not found in the workbook"
    assert {cell.data_type for cell in matching} == {"s"}
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert all(b"<f>" not in archive.read(name) and b"<f " not in archive.read(name) for name in sheets)
