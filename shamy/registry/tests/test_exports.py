"""The school list's CSV and XLSX carry a hostile school name back inert (issue 12)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shamy.core.testing.exports import HYPERLINK, assert_csv_inert, assert_xlsx_inert, csv_cells

pytestmark = pytest.mark.django_db


@pytest.fixture
def hostile(cast):
    school = cast.school_a1
    school.name_kk = HYPERLINK
    school.name_ru = "-2+3+cmd|' /C calc'!A0"
    school.save()
    return school


def test_school_csv_export_shows_formula_names_as_text(client, cast, hostile):
    client.force_login(cast.dana)
    response = client.get(reverse("registry:school-list"), {"export": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert_csv_inert(response, HYPERLINK)
    assert_csv_inert(response, "-2+3+cmd|' /C calc'!A0")
    row = next(row for row in csv_cells(response) if row[0] == str(hostile.pk))
    assert row[12] == str(hostile.pupils)  # numbers are written as numbers, unescaped


def test_school_xlsx_export_stores_formula_names_as_text(client, cast, hostile):
    client.force_login(cast.dana)
    response = client.get(reverse("registry:school-list"), {"export": "xlsx"})
    assert response.status_code == 200
    assert_xlsx_inert(response, HYPERLINK)
    assert_xlsx_inert(response, "-2+3+cmd|' /C calc'!A0")
