"""Enumerated columns speak the user's language: labels and short forms in kk, ru and en are
accepted, the templates offer the allowed values as drop-downs, and the import page lists them."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import translation

from shamy.core.testing.factories import valid_bin
from shamy.imports.base import Problem
from shamy.imports.cells import CellError
from shamy.imports.models import ImportJob
from shamy.imports.services.jobs import job_create
from shamy.imports.tests.helpers import csv_bytes, upload
from shamy.registry.importers import PersonImporter, SchoolImporter

pytestmark = pytest.mark.django_db

HEADER = ["external_id", "bin", "name_kk", "name_ru", "region", "locality", "is_small_class", "language", "internet"]


def _column(importer, code):
    return next(column for column in importer.columns if column.code == code)


@pytest.mark.parametrize(
    ("code", "typed", "expected"),
    [
        ("language", "қазақ", "kk"),
        ("language", "Қазақша", "kk"),
        ("language", "казахский", "kk"),
        ("language", "Kazakh", "kk"),
        ("language", "орыс тілі", "ru"),
        ("language", "Аралас", "kk_ru"),
        ("language", "Қазақ және орыс тілдері", "kk_ru"),
        ("internet", "жоқ", "none"),
        ("internet", "Нет", "none"),
        ("internet", "Интернет жоқ", "none"),
        ("internet", "Жоғары жылдамдықты", "high_speed"),
        ("internet", "высокоскоростной", "high_speed"),
        ("internet", "high_speed", "high_speed"),
        ("locality", "ауыл", "rural"),
        ("locality", "Село", "rural"),
        ("future_school", "жоқ", "none"),
    ],
)
def test_school_columns_take_values_in_every_language(code, typed, expected):
    assert _column(SchoolImporter, code).parse(typed) == expected


def test_person_languages_take_short_forms_and_keep_the_order():
    parse = _column(PersonImporter, "languages").parse
    assert parse("қазақ, орыс; ағылшын") == ["kk", "ru", "en"]
    assert parse("русский язык") == ["ru"]


def test_an_unknown_value_lists_the_allowed_values_in_all_three_languages():
    with pytest.raises(CellError) as caught:
        _column(SchoolImporter, "internet").parse("спутник")
    allowed = str(caught.value.params["allowed"])
    for name in ("Интернет жоқ", "Нет интернета", "No internet", "Жоғары жылдамдықты", "High-speed"):
        assert name in allowed
    assert "high_speed" not in allowed  # codes are for machines; people read names


def test_a_kazakh_file_with_kazakh_values_imports(cast):
    rows = [HEADER, ["EXT-1", valid_bin(801), "№1 мектеп", "Школа №1", "19", "ауыл", "иә", "қазақ", "жоқ"]]
    job = job_create(actor=cast.aigerim, kind="schools", upload=upload(csv_bytes(rows)))
    with translation.override("en"):
        assert job.status == ImportJob.Status.VALIDATED, [Problem.text(problem) for problem in job.errors]
    row = job.preview["rows"][0]
    assert row["action"] == "create"


def test_the_xlsx_template_offers_the_allowed_values_as_drop_downs(client, cast):
    from openpyxl import load_workbook

    client.force_login(cast.aigerim)
    cast.aigerim.language = "kk"
    cast.aigerim.save()
    response = client.get(reverse("imports:template", args=["schools", "xlsx"]))
    workbook = load_workbook(io.BytesIO(response.content))
    sheet, lists = workbook.worksheets
    assert lists.title == "Рұқсат етілген мәндер"
    header = [cell.value for cell in sheet[1]]
    internet_letter = sheet.cell(row=1, column=header.index("Интернет") + 1).column_letter
    validation = next(
        item for item in sheet.data_validations.dataValidation if str(item.sqref).startswith(f"{internet_letter}2")
    )
    assert validation.type == "list"
    sheet_name, cells = validation.formula1.split("!")
    list_column = cells.split("$")[1]
    values = [cell.value for cell in lists[list_column][1:] if cell.value]
    assert values == ["Интернет жоқ", "Базалық", "Жоғары жылдамдықты"]
    assert sheet_name.strip("'") == lists.title
    # Every enumerated column has its drop-down; free-text columns have none.
    covered = {str(item.sqref).split(":")[0].rstrip("0123456789") for item in sheet.data_validations.dataValidation}
    names = {cell.column_letter: cell.value for cell in sheet[1]}
    with translation.override("kk"):
        enumerated = {str(column.label) for column in SchoolImporter.columns if column.allowed}
    assert {names[letter] for letter in covered} == enumerated
    # country, locality, small class, language, internet, ownership, future school
    assert len(covered) == 7


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_import_page_lists_allowed_values_in_the_users_language(client, cast, language):
    client.force_login(cast.aigerim)
    cast.aigerim.language = language
    cast.aigerim.save()
    page = client.get(reverse("imports:start")).content.decode()
    expected = {"kk": "Жоғары жылдамдықты", "ru": "Высокоскоростной", "en": "High-speed"}[language]
    assert expected in page
