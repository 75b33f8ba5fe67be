"""The analytics tables export a hostile place name inert (issue 12)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shamy.core.testing.exports import HYPERLINK, assert_csv_inert, assert_xlsx_inert

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("panel", ["table", "districts"])
def test_table_export_shows_a_formula_name_as_text(client, cast, panel, fmt):
    region = cast.region_a
    place = region if panel == "table" else cast.school_a1.district
    place.name_kk = place.name_ru = place.name_en = HYPERLINK
    place.save()
    client.force_login(cast.dana)
    params = {"indicator": "schools"} if panel == "table" else {"indicator": "schools", "region": region.pk}
    response = client.get(reverse("analytics:export", args=[panel, fmt]), params)
    assert response.status_code == 200
    (assert_csv_inert if fmt == "csv" else assert_xlsx_inert)(response, HYPERLINK)
