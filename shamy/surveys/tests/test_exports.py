"""Survey results exports carry a hostile question text back inert (issue 12)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shamy.core.testing.exports import HYPERLINK, assert_csv_inert, assert_xlsx_inert

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_results_export_shows_a_formula_question_as_text(client, programme_cast, survey_scene, fmt):
    question = survey_scene.likert
    question.text = {"kk": HYPERLINK, "ru": HYPERLINK, "en": HYPERLINK}
    question.save()
    client.force_login(programme_cast.aliya)
    response = client.get(reverse("surveys:results-export", args=[survey_scene.pre.pk, fmt]))
    assert response.status_code == 200
    (assert_csv_inert if fmt == "csv" else assert_xlsx_inert)(response, HYPERLINK)
