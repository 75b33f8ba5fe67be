from __future__ import annotations

import pytest
from django.urls import reverse

from shamy.commons.testing import build_commons_scene
from shamy.core.testing.cast import build_cast
from shamy.core.testing.matrix import NOT_FOUND, OK, Expect, Row, matrix_test
from shamy.core.testing.shared import shared_world
from shamy.programmes.testing import ALL_PERSONAS, build_programme_cast

pytestmark = pytest.mark.django_db

expect = Expect(ALL_PERSONAS)
MATRIX = [
    Row("api:commons-item-list", lambda c, s: reverse("api:commons-item-list"), expect.everyone(OK, anonymous=None)),
    Row(
        "api:commons-item-detail",
        lambda c, s: reverse("api:commons-item-detail", args=[s.published.public_id]),
        expect.everyone(OK, anonymous=None),
    ),
    Row(
        "api:commons-item-detail",
        lambda c, s: reverse("api:commons-item-detail", args=[s.pending.public_id]),
        expect.everyone(NOT_FOUND, anonymous=None),
        label="pending",
    ),
]


def _commons_api_world():
    people = build_programme_cast(build_cast())
    return people, build_commons_scene(people)


# The fixtures programme_cast and commons_scene, built once for all the cases (shamy.core.testing.shared).
commons_api_world = shared_world(_commons_api_world)
test_commons_api_matrix = matrix_test(MATRIX, ALL_PERSONAS, world="commons_api_world")


def test_items_come_with_their_licence_and_search_folds_kazakh(client, commons_scene):
    body = client.get(reverse("api:commons-item-list"), {"q": "казак"}).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["title"] == commons_scene.published.title
    assert item["licence"] == "CC-BY-4.0" and item["licence_url"].endswith("/by/4.0/")
    assert item["url"].endswith(f"/commons/{commons_scene.published.public_id}/")
    listed = client.get(reverse("api:commons-item-list")).json()
    assert commons_scene.pending.title not in str(listed)


def test_openapi_schema_lists_the_new_endpoints(client):
    paths = client.get(reverse("api:openapi-json")).json()["paths"]
    for path in (
        "/api/v1/commons/items",
        "/api/v1/surveys/{survey_id}/results",
        "/api/v1/programmes/{programme_id}/results-framework",
    ):
        assert path in paths
