"""Reading uploads: content checks, encodings, delimiters, XLSX, header aliases."""

from __future__ import annotations

import pytest
from django.utils import translation

from shamy.imports.base import map_header
from shamy.imports.files import CSV, XLSX, FileProblem, check_content, format_from_name, read_csv, read_table
from shamy.imports.tests.helpers import csv_bytes, xlsx_bytes
from shamy.registry.importers import PersonImporter, SchoolImporter

ROWS = [["name_kk", "name_ru", "pupils"], ["Ақсу мектебі", "Школа Аксу", "46"], ["Қарасу", "Карасу", "12"]]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_delimiter_is_detected(delimiter):
    table = read_csv(csv_bytes(ROWS, delimiter=delimiter))
    assert table.header == ["name_kk", "name_ru", "pupils"]
    assert table.rows == [["Ақсу мектебі", "Школа Аксу", "46"], ["Қарасу", "Карасу", "12"]]


def test_csv_with_byte_order_mark_reads_the_first_header_cleanly():
    table = read_csv(csv_bytes(ROWS, bom=True))
    assert table.header[0] == "name_kk"


def test_csv_in_windows_1251_is_decoded():
    data = csv_bytes([["name_ru"], ["Школа села Жетыбай"]], encoding="cp1251")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert read_csv(data).rows == [["Школа села Жетыбай"]]


def test_blank_lines_are_skipped_and_row_numbers_follow_the_file():
    data = b"\n\nname_kk,name_ru\n\nA,B\n,\n\nC,D\n"
    table = read_csv(data)
    assert table.header == ["name_kk", "name_ru"]
    assert table.rows == [["A", "B"], ["C", "D"]]
    assert table.lines == [5, 8]


def test_quoted_cells_with_delimiters_and_newlines():
    data = 'name_kk;name_ru\n"Ақсу; ауыл";"Школа\nАксу"\n'.encode()
    table = read_csv(data)
    assert table.rows == [["Ақсу; ауыл", "Школа\nАксу"]]


def test_xlsx_is_read_with_numbers_and_dates_as_text():
    import datetime

    data = xlsx_bytes([["name_kk", "pupils", "internet_connected_on"], ["Ақсу", 46, datetime.date(2023, 9, 1)], []])
    table = read_table(data, XLSX)
    assert table.header == ["name_kk", "pupils", "internet_connected_on"]
    assert table.rows == [["Ақсу", "46", "2023-09-01"]]
    assert table.lines == [2]


def test_format_comes_from_the_name_and_other_names_are_refused():
    assert format_from_name("Schools.CSV") == CSV
    assert format_from_name("мектептер.xlsx") == XLSX
    with pytest.raises(FileProblem):
        format_from_name("schools.pdf")


def test_xlsx_that_is_really_text_is_refused():
    with pytest.raises(FileProblem) as caught:
        read_table(csv_bytes(ROWS), XLSX)
    with translation.override("en"):
        assert "not an Excel workbook" in caught.value.text()
    assert "Excel кітабы (.xlsx) емес" in caught.value.text()  # Kazakh is the default language


def test_zip_without_workbook_parts_is_not_an_xlsx():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(FileProblem):
        check_content(buffer.getvalue(), XLSX)


def test_csv_that_is_binary_is_refused():
    with pytest.raises(FileProblem) as caught:
        read_table(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", CSV)
    with translation.override("en"):
        assert "binary" in caught.value.text()
    with pytest.raises(FileProblem):
        read_table(xlsx_bytes(ROWS), CSV)


def test_file_over_the_size_limit_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 10
    with pytest.raises(FileProblem) as caught:
        check_content(csv_bytes(ROWS), CSV)
    with translation.override("ru"):
        assert "слишком большой" in caught.value.text()


def test_empty_file_is_refused():
    with pytest.raises(FileProblem):
        check_content(b"  \n", CSV)


@pytest.mark.parametrize(
    "header",
    [
        ["bin", "name_kk", "name_ru", "region", "locality"],
        ["BIN", "Name in Kazakh", "Name in Russian", "Region", "Locality"],
        ["БСН", "Қазақша атауы", "Орысша атауы", "Облыс", "Елді мекен түрі"],
        ["БИН", "Название на казахском", "Название на русском", "Область", "Тип местности"],
        ["  bin * ", "NAME IN KAZAKH", "название на РУССКОМ", "region", "LOCALITY"],
    ],
)
def test_school_headers_are_accepted_in_three_languages_and_as_codes(header):
    mapping, problems = map_header(SchoolImporter(), header)
    assert problems == []
    assert list(mapping.values()) == ["bin", "name_kk", "name_ru", "region", "locality"]


def test_person_headers_in_kazakh():
    mapping, problems = map_header(PersonImporter(), ["ЖСН", "Тегі", "Аты", "Әкесінің аты"])
    assert problems == []
    assert list(mapping.values()) == ["iin", "surname", "given_name", "patronymic"]


def test_unknown_duplicate_and_missing_headers_are_file_errors():
    _mapping, problems = map_header(SchoolImporter(), ["bin", "BIN", "colour", "name_kk"])
    messages = [problem.message for problem in problems]
    assert "The column «%(title)s» appears twice." in messages
    assert "The column «%(title)s» is not recognised for this import." in messages
    missing = {problem.column for problem in problems if problem.message.startswith("This required column")}
    assert missing == {"name_ru", "region", "locality"}
