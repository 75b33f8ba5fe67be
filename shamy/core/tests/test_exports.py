"""One export helper for every CSV and XLSX: no cell comes back as a live formula (issue 12)."""

from __future__ import annotations

import datetime
import decimal
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from shamy.core import exports
from shamy.core.testing.exports import FORMULAS, HYPERLINK, assert_csv_inert, assert_xlsx_inert, body, csv_cells


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_cell_that_could_start_a_formula_gets_an_apostrophe(text):
    assert exports.csv_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["  =1+1", "\u00a0@SUM(A1)", "\uff1d1+1", "-", "+", "=", "-A1", "@"])
def test_leading_spaces_and_full_width_signs_do_not_hide_a_formula(text):
    assert exports.csv_cell(text) == "'" + text


@pytest.mark.parametrize(
    "text", ["Ақсу мектебі", "Школа №5", "", "1-мектеп", "a=b", "e-mail@example.kz", "—", "10%", "2023/24"]
)
def test_ordinary_text_reads_as_typed(text):
    assert exports.csv_cell(text) == text


@pytest.mark.parametrize("text", ["-12", "-12\u00a0345,7", "-12,345.7", "+5", "-3%", "-0.5", "−4,2"])
def test_a_number_as_the_page_shows_it_is_left_alone(text):
    assert exports.csv_cell(text) == text


@pytest.mark.parametrize(
    "value", [-2, -2.5, decimal.Decimal("-3.25"), 0, True, datetime.date(2024, 9, 1), datetime.time(9, 30)]
)
def test_numbers_and_dates_stay_what_they_are(value):
    assert exports.csv_cell(value) is value


def test_none_is_an_empty_cell():
    assert exports.csv_cell(None) == ""


def test_csv_response_escapes_every_cell_and_keeps_negative_numbers():
    response = exports.csv_response(["Name", "Gap"], [[HYPERLINK, -2], ["=1+1", -2.5]], "schools")
    assert response["Content-Type"] == exports.CSV_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="schools.csv"'
    assert body(response).startswith(b"\xef\xbb\xbf")
    assert csv_cells(response) == [["Name", "Gap"], ["'" + HYPERLINK, "-2"], ["'=1+1", "-2.5"]]
    assert_csv_inert(response, HYPERLINK)


def test_streamed_csv_is_escaped_the_same_way():
    response = exports.csv_stream_response(["Name"], iter([[HYPERLINK], ["@SUM(1)"]]), "schools")
    assert response.streaming
    assert csv_cells(response) == [["Name"], ["'" + HYPERLINK], ["'@SUM(1)"]]


def test_semicolon_csv_for_templates():
    response = exports.csv_response(["a", "=b"], [], "template", delimiter=";")
    assert body(response).decode("utf-8-sig") == "a;'=b\r\n"


@pytest.mark.parametrize("text", [text for text in FORMULAS if "\r" not in text])
def test_xlsx_stores_formula_like_text_as_text_exactly_as_typed(text):
    response = exports.xlsx_response(["Name", "Pupils", "Gap"], [[text, 120, -2.5]], "schools", note="=note")
    assert response["Content-Type"] == exports.XLSX_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="schools.xlsx"'
    assert_xlsx_inert(response, text)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[2]] == [text, 120, -2.5]
    assert [cell.data_type for cell in sheet[2]] == ["s", "n", "n"]
    assert sheet["A4"].value == "=note" and sheet["A4"].data_type == "s"


def test_xlsx_drops_characters_xml_cannot_hold_instead_of_failing():
    response = exports.xlsx_response(["Name"], [["Ақсу\x00\x07 мектебі"]], "schools")
    assert load_workbook(io.BytesIO(response.content)).active["A2"].value == "Ақсу мектебі"


def test_xlsx_sheet_title_is_made_valid():
    content = exports.xlsx_bytes(["a"], [], title="results/2024: [draft]? and a very long name too")
    title = load_workbook(io.BytesIO(content)).active.title
    assert len(title) <= 31 and not re.search(r"[\\/*?:\[\]]", title)


# Everything that writes a CSV or a workbook must go through shamy.core.exports.
_WRITERS = re.compile(
    r"csv\.writer|csv\.DictWriter|\bWorkbook\(|\.to_csv\(|xlsxwriter"
    r"|content_type\s*=\s*[\"'](?:text/csv|application/vnd\.openxmlformats-officedocument\.spreadsheetml)"
)
_ROOT = Path(__file__).resolve().parents[2]


def test_no_module_writes_a_csv_or_workbook_outside_the_export_helper():
    offenders = []
    for path in sorted(_ROOT.rglob("*.py")):
        relative = path.relative_to(_ROOT).as_posix()
        if "/tests/" in relative or "/testing/" in relative or "/migrations/" in relative:
            continue
        if relative in {"core/exports.py", "core/files.py"}:
            continue
        if _WRITERS.search(path.read_text(encoding="utf-8")):
            offenders.append(relative)
    assert offenders == [], "write CSV and XLSX through shamy.core.exports"
