"""A small file cannot become a huge job, and no import silently drops rows (issue 12, points 2 and 3).

Every import of every app reads its file through ``shamy.imports.files``; these tests go through
it directly and through the registry's and the analytics' importers.
"""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from django.urls import reverse
from django.utils import translation

from shamy.core.testing.factories import valid_bin
from shamy.imports.files import CSV, XLSX, FileProblem, read_table
from shamy.imports.models import ImportJob
from shamy.imports.services.jobs import job_commit, job_create
from shamy.imports.tests.helpers import (
    SCHOOL_HEADER,
    csv_bytes,
    school_row,
    upload,
    with_dimension,
    xlsx_by_hand,
    xlsx_bytes,
)
from shamy.registry.models import School

HEADER = ["name_kk", "name_ru", "pupils", "teachers", "region"]
FIVE_ROWS = [HEADER, *[[f"Мектеп {n}", f"Школа {n}", str(40 + n), str(n), "19"] for n in range(1, 6)]]


def _text(problem: FileProblem, language: str = "en") -> str:
    with translation.override(language):
        return problem.text()


# --- Point 3: the real rows, whatever the <dimension> tag says ---------------------------------


def test_stale_dimension_tag_does_not_drop_rows():
    data = with_dimension(xlsx_bytes(FIVE_ROWS), "A1:E2")
    assert b'<dimension ref="A1:E2"/>' in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    table = read_table(data, XLSX)
    assert table.header == HEADER
    assert [row[0] for row in table.rows] == [f"Мектеп {n}" for n in range(1, 6)]
    assert table.lines == [2, 3, 4, 5, 6]


def test_stale_dimension_tag_does_not_drop_columns():
    table = read_table(with_dimension(xlsx_bytes(FIVE_ROWS), "A1:B6"), XLSX)
    assert table.header == HEADER
    assert table.rows[4] == ["Мектеп 5", "Школа 5", "45", "5", "19"]


def test_stale_dimension_in_a_workbook_written_like_excel():
    data = xlsx_by_hand(FIVE_ROWS, dimension="A1:E2")
    assert len(read_table(data, XLSX).rows) == 5


@pytest.mark.django_db
def test_import_with_a_stale_dimension_previews_and_commits_every_row(cast):
    rows = [SCHOOL_HEADER, *[school_row(n, bin_value=valid_bin(700 + n)) for n in range(1, 6)]]
    data = with_dimension(xlsx_bytes(rows), "A1:I2")
    job = job_create(actor=cast.aigerim, kind="schools", upload=upload(data, "schools.xlsx"))
    assert job.status == ImportJob.Status.VALIDATED
    assert job.rows_total == 5 and job.rows_created == 5
    job_commit(actor=cast.aigerim, job=job)
    assert School.objects.filter(external_id__in=[f"EXT-{n}" for n in range(1, 6)]).count() == 5


# --- Point 2: limits on what a file unpacks to --------------------------------------------------


def test_workbook_that_unpacks_past_the_limit_is_refused_before_it_is_parsed(settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 1024 * 1024
    settings.IMPORT_MAX_CELL_CHARS = 10_000_000
    data = xlsx_by_hand([["name_kk"], ["a" * 3_000_000]])
    assert len(data) < 50_000  # a small upload ...
    with pytest.raises(FileProblem) as caught:
        read_table(data, XLSX)
    assert _text(caught.value) == "The workbook unpacks to 2.9 MB of data; the limit is 1.0 MB."
    assert "2,9" in _text(caught.value, "ru") or "2.9" in _text(caught.value, "ru")


@pytest.mark.parametrize("shared", [True, False], ids=["shared-strings", "inline"])
def test_a_huge_cell_is_refused_without_being_read_into_memory(shared):
    data = xlsx_by_hand([["name_kk", "name_ru"], ["Ақсу", "x" * 5_000_000]], shared=shared)
    assert len(data) < 60_000
    tracemalloc.start()
    try:
        with pytest.raises(FileProblem) as caught:
            read_table(data, XLSX)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert _text(caught.value) == (
        "The file holds a cell longer than 2000 characters. Shorten it and upload the file again."
    )
    assert peak < 2_000_000  # the 5 MB text was never held: it is refused while streaming


@pytest.mark.parametrize("file_format", [CSV, XLSX])
def test_a_long_cell_is_refused_with_its_row(settings, file_format):
    settings.IMPORT_MAX_CELL_CHARS = 50
    rows = [["name_kk"], ["Ақсу"], ["ы" * 51]]
    if file_format == CSV:
        with pytest.raises(FileProblem) as caught:
            read_table(csv_bytes(rows), CSV)
        assert _text(caught.value) == (
            "Row 3 holds a cell longer than 50 characters. Shorten it and upload the file again."
        )
    else:
        with pytest.raises(FileProblem) as caught:
            read_table(xlsx_bytes(rows), XLSX)
        assert "longer than 50 characters" in _text(caught.value)
    settings.IMPORT_MAX_CELL_CHARS = 51
    assert read_table(csv_bytes(rows), CSV).rows[-1] == ["ы" * 51]


def test_a_csv_cell_past_the_csv_modules_own_cap_gets_the_same_message():
    data = b"name_kk\n" + b'"' + b"a" * 200_000 + b'"\n'
    with pytest.raises(FileProblem) as caught:
        read_table(data, CSV)
    assert _text(caught.value).startswith("Row 2 holds a cell longer than 2000 characters.")


@pytest.mark.parametrize("file_format", [CSV, XLSX])
def test_more_rows_than_the_limit_are_refused(settings, file_format):
    settings.IMPORT_MAX_ROWS = 5  # rows of data: the header is not counted
    rows = [HEADER, *FIVE_ROWS[1:], ["Мектеп 6", "Школа 6", "46", "6", "19"]]
    build = csv_bytes if file_format == CSV else xlsx_bytes
    with pytest.raises(FileProblem) as caught:
        read_table(build(rows), file_format)
    assert _text(caught.value) == "The file has more than 5 rows. Split it into files of at most 5 rows each."
    settings.IMPORT_MAX_ROWS = 6
    assert len(read_table(build(rows), file_format).rows) == 6


def _sheet_with_one_far_cell(reference: str) -> bytes:
    def far(xml: bytes) -> bytes:
        cell = f'<row r="{reference.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}"><c r="{reference}"><v>1</v></c></row>'
        return xml.replace(b"</sheetData>", cell.encode() + b"</sheetData>")

    from shamy.imports.tests.helpers import rewrite_part

    return rewrite_part(xlsx_bytes(FIVE_ROWS), "xl/worksheets/sheet1.xml", far)


def test_a_cell_in_the_last_row_of_the_sheet_is_refused_as_too_many_rows():
    with pytest.raises(FileProblem) as caught:
        read_table(_sheet_with_one_far_cell("A1048576"), XLSX)
    assert _text(caught.value).startswith("The file has more than 50000 rows.")


def test_a_cell_in_the_last_column_of_the_sheet_is_refused_as_too_wide():
    with pytest.raises(FileProblem) as caught:
        read_table(_sheet_with_one_far_cell("XFD7"), XLSX)
    assert _text(caught.value) == (
        "Row 7 has more than 100 columns. Delete the unused columns and upload the file again."
    )


def test_a_workbook_part_declaring_a_dtd_is_refused_as_damaged():
    from shamy.imports.tests.helpers import rewrite_part

    def with_entities(xml: bytes) -> bytes:
        return b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">]>' + xml.split(b"?>", 1)[1]

    data = rewrite_part(xlsx_by_hand(FIVE_ROWS), "xl/sharedStrings.xml", with_entities)
    with pytest.raises(FileProblem) as caught:
        read_table(data, XLSX)
    assert _text(caught.value) == "The workbook cannot be read: it may be damaged."


# --- Through the importers, in the user's language ---------------------------------------------


@pytest.mark.django_db
def test_registry_import_refuses_a_huge_cell_and_stores_nothing(cast):
    data = xlsx_by_hand([SCHOOL_HEADER, ["EXT-1", "", "x" * 1_000_000, "Школа", "19", "", "rural", "1", "1"]])
    with pytest.raises(FileProblem):
        job_create(actor=cast.aigerim, kind="schools", upload=upload(data, "schools.xlsx"))
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_indicator_values_import_refuses_a_huge_cell_and_stores_nothing(cast):
    header = ["indicator", "year", "level", "place", "locality", "value", "people", "source"]
    data = xlsx_by_hand([header, ["ent_maths", "2023", "region", "19", "urban", "78", "100", "x" * 1_000_000]])
    with pytest.raises(FileProblem) as caught:
        job_create(actor=cast.dana, kind="indicator_values", upload=upload(data, "values.xlsx"))
    assert "longer than 2000 characters" in _text(caught.value)
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "longer than 2000 characters"),
        ("ru", "длиннее 2000 символов"),
        ("kk", "2000 таңбадан ұзын"),
    ],
)
def test_the_refusal_is_shown_in_the_users_language(client, cast, language, expected):
    cast.dana.language = language
    cast.dana.save()
    client.force_login(cast.dana)
    client.cookies["shamy_language"] = language
    header = ["indicator", "year", "level", "place", "locality", "value", "people", "source"]
    data = xlsx_bytes([header, ["ent_maths", "2023", "region", "19", "urban", "78", "100", "x" * 100_000]])
    response = client.post(reverse("imports:start"), {"kind": "indicator_values", "file": upload(data, "values.xlsx")})
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert len(response.content) < 200_000
    assert not ImportJob.objects.exists()
