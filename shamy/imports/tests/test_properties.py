"""Hypothesis properties of the import parser: it never crashes, and valid rows survive a round trip."""

from __future__ import annotations

import datetime
import decimal
import re
import unicodedata

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shamy.core.testing.factories import valid_bin
from shamy.imports.base import Problem, Row, parse_cell
from shamy.imports.files import CSV, XLSX, FileProblem, read_csv, read_table
from shamy.imports.tests.helpers import csv_bytes
from shamy.registry.importers import PersonImporter, SchoolImporter

ALL_COLUMNS = [(importer, column) for importer in (SchoolImporter(), PersonImporter()) for column in importer.columns]
UNFILLED = re.compile(r"%\([A-Za-z_]+\)[sd]")
cell_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)


@pytest.mark.parametrize(("importer", "column"), ALL_COLUMNS, ids=[f"{i.kind}.{c.code}" for i, c in ALL_COLUMNS])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=cell_text)
def test_any_cell_text_gives_a_value_or_a_translated_error(importer, column, raw):
    row = Row(line=2)
    raw = raw.strip()
    parse_cell(column, raw, row)
    if row.errors:
        assert column.code not in row.values
        (problem,) = row.errors
        assert (problem.line, problem.column) == (2, column.code)
        for language in ("kk", "ru", "en"):
            with translation.override(language):
                text = Problem.text(problem.as_json())
            # Every placeholder filled: "%(value)s" must not survive (the cell's own text, echoed
            # in the message, may of course contain "%(").
            assert text and not UNFILLED.search(text.replace(raw, ""))
    elif raw:
        assert column.code in row.values
    else:
        assert column.code not in row.values


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=400), file_format=st.sampled_from([CSV, XLSX]))
def test_arbitrary_bytes_are_read_or_refused_with_a_file_problem(data, file_format):
    try:
        table = read_table(data, file_format)
    except FileProblem as problem:
        assert problem.text()
    else:
        assert all(isinstance(cell, str) for row in table.rows for cell in row)
        assert len(table.rows) == len(table.lines)


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(st.lists(cell_text.map(str.strip), min_size=3, max_size=3), min_size=1, max_size=8),
    delimiter=st.sampled_from([",", ";"]),
    bom=st.booleans(),
)
def test_csv_round_trip_keeps_every_non_blank_row(rows, delimiter, bom):
    header = ["alpha", "beta", "gamma"]
    data = csv_bytes([header, *rows], delimiter=delimiter, bom=bom)
    try:
        table = read_csv(data)
    except FileProblem:
        # Only control characters (binary-looking text) may be refused.
        assert any(
            unicodedata.category(char) == "Cc" and char not in "\t\r\n" for row in rows for cell in row for char in cell
        )
        return
    expected = [[unicodedata.normalize("NFC", cell).replace("\u00a0", " ").strip() for cell in row] for row in rows]
    expected = [row for row in expected if any(row)]
    assert table.header == header
    assert table.rows == expected


school_rows = st.fixed_dictionaries(
    {
        "external_id": st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_\-./]{0,20}", fullmatch=True),
        "bin": st.integers(min_value=0, max_value=400).map(valid_bin),
        "name_kk": st.text(alphabet="абвгғқңөұүһіәАҚҢӨҰҮІ №-", min_size=1, max_size=40).map(str.strip).filter(bool),
        "name_ru": st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщыэюяАБВ №-", min_size=1, max_size=40)
        .map(str.strip)
        .filter(bool),
        "locality": st.sampled_from(["urban", "rural"]),
        "is_small_class": st.booleans(),
        "pupils": st.integers(min_value=0, max_value=20000),
        "internet_connected_on": st.dates(min_value=datetime.date(1995, 1, 1), max_value=datetime.date(2030, 1, 1)),
        "latitude": st.decimals(min_value=40, max_value=56, places=5),
        "longitude": st.decimals(min_value=46, max_value=88, places=5),
    }
)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(school_rows, min_size=1, max_size=5, unique_by=(lambda r: r["external_id"], lambda r: r["bin"])))
def test_generated_valid_school_rows_round_trip_through_csv(cast, values):
    from shamy.imports.base import check_table

    columns = list(values[0])
    lines = [columns, *[[_as_text(row[name]) for name in columns] for row in values]]
    lines[0] = [*columns, "region"]
    for line in lines[1:]:
        line.append("19")
    report = check_table(SchoolImporter(), read_table(csv_bytes(lines, delimiter=";"), CSV))
    assert report.ok, [problem.as_json() for problem in report.problems]
    for row, original in zip(report.rows, values, strict=True):
        assert row.action == "create"
        assert row.values == original | {"region": "19"}


def _as_text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, decimal.Decimal):
        return str(value)
    return str(value)
