"""The results export carries a hostile indicator name back inert (issue 12)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shamy.core.testing.exports import HYPERLINK, assert_csv_inert, assert_xlsx_inert

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_results_export_shows_a_formula_name_as_text(client, programme_cast, results_scene, fmt):
    c = programme_cast
    indicator = results_scene.indicator
    indicator.name = {"kk": HYPERLINK, "ru": HYPERLINK, "en": HYPERLINK}
    indicator.save()
    client.force_login(c.aliya)
    response = client.get(reverse("results:report-export", args=[c.programme.pk, fmt]))
    assert response.status_code == 200
    (assert_csv_inert if fmt == "csv" else assert_xlsx_inert)(response, HYPERLINK)
