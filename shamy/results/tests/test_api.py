from __future__ import annotations

import pytest
from django.urls import reverse

from shamy.accounts.services.users import api_token_create
from shamy.core.testing.cast import build_cast
from shamy.core.testing.matrix import Expect, Row, matrix_test
from shamy.core.testing.shared import shared_world
from shamy.programmes.testing import ALL_PERSONAS, build_programme_cast
from shamy.results.tests.conftest import build_results_scene

pytestmark = pytest.mark.django_db


def _bearer(user) -> dict[str, str]:
    _token, raw = api_token_create(actor=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


expect = Expect(ALL_PERSONAS)
READERS = {"aigerim", "dana", "aliya", "nurlan"}
IN_PROGRAMME = READERS | {"bolat", "saule", "timur", "madina", "serik", "talgat", "tomiris"}
MATRIX = [
    Row(
        "api:results-framework",
        lambda c, s: reverse("api:results-framework", args=[c.programme.pk]),
        expect.only(READERS, visible=IN_PROGRAMME, anonymous=401),
        auth=_bearer,
    ),
]


def _results_api_world():
    people = build_programme_cast(build_cast())
    return people, build_results_scene(people)


# The fixtures programme_cast and results_scene, built once for all the cases (shamy.core.testing.shared).
results_api_world = shared_world(_results_api_world)
test_results_api_matrix = matrix_test(MATRIX, ALL_PERSONAS, world="results_api_world")


def test_framework_figures_match_the_page_text(client, programme_cast, results_scene):
    c, scene = programme_cast, results_scene
    body = client.get(reverse("api:results-framework", args=[c.programme.pk]), **_bearer(c.nurlan)).json()
    by_id = {row["id"]: row for row in body["indicators"]}
    schools = by_id[scene.indicator.pk]
    assert schools["value"] == 2 and schools["target"] == 4 and schools["progress_percent"] == 50
    assert by_id[scene.survey_indicator.pk]["value"] is None  # nobody has answered yet
