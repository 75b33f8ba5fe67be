"""Survey results through the API: the page's permissions and suppression."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shamy.accounts.services.users import api_token_create
from shamy.analytics.models import AnalyticsSettings
from shamy.core.testing.cast import build_cast
from shamy.core.testing.matrix import Expect, Row, matrix_test
from shamy.core.testing.shared import shared_world
from shamy.programmes.testing import ALL_PERSONAS, build_programme_cast
from shamy.surveys import answers
from shamy.surveys.services.responses import response_submit
from shamy.surveys.testing import build_survey_scene

pytestmark = pytest.mark.django_db


def _bearer(user) -> dict[str, str]:
    _token, raw = api_token_create(actor=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


expect = Expect(ALL_PERSONAS)
READERS = {"aigerim", "dana", "aliya", "nurlan"}
MATRIX = [
    Row(
        "api:survey-results",
        lambda c, s: reverse("api:survey-results", args=[s.pre.pk]),
        expect.only(READERS, visible={"talgat", "tomiris"}, anonymous=401),
        auth=_bearer,
    ),
]


def _survey_api_world():
    people = build_programme_cast(build_cast())
    return people, build_survey_scene(people)


# The fixtures programme_cast and survey_scene, built once for all the cases (shamy.core.testing.shared).
survey_api_world = shared_world(_survey_api_world)
test_survey_api_matrix = matrix_test(MATRIX, ALL_PERSONAS, world="survey_api_world")


def test_anonymous_results_are_suppressed_in_the_api(client, programme_cast, survey_scene):
    c, scene = programme_cast, survey_scene
    AnalyticsSettings.objects.create(pk=1, suppression_threshold=2)
    parsed = answers.parse([scene.anonymous_likert], {f"q{scene.anonymous_likert.pk}": "4"}, final=True)
    response_submit(actor=c.talgat, survey=scene.anonymous, parsed=parsed)
    url = reverse("api:survey-results", args=[scene.anonymous.pk])
    body = client.get(url, **_bearer(c.nurlan)).json()
    assert body["suppressed"] is True and body["responses"] is None
    assert body["questions"][0]["mean"] is None and body["questions"][0]["answered"] is None
    parsed = answers.parse([scene.anonymous_likert], {f"q{scene.anonymous_likert.pk}": "2"}, final=True)
    response_submit(actor=c.tomiris, survey=scene.anonymous, parsed=parsed)
    body = client.get(url, **_bearer(c.nurlan)).json()
    assert body["responses"] == 2 and body["questions"][0]["mean"] == 3
    assert "talgat" not in str(body) and "Талғат" not in str(body)
