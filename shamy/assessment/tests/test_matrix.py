"""Authorization matrix: every assessment URL × every persona of the core and programme casts.

A teacher never sees another teacher's submission or marks; an assessor sees only their own
queue (madina: school A1); the certifier sees nothing that has not been recommended.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from shamy.assessment.models import Assessment
from shamy.assessment.tests.conftest import build_world
from shamy.core.testing.cast import build_cast
from shamy.core.testing.fuzz import query_fuzz_test
from shamy.core.testing.matrix import FORBIDDEN, OK, Expect, Row, Visit, matrix_test
from shamy.core.testing.shared import shared_world
from shamy.programmes.testing import ALL_PERSONAS, build_programme_cast

pytestmark = pytest.mark.django_db

expect = Expect(ALL_PERSONAS).each


def nothing_saved(visit: Visit) -> None:
    if visit.status != OK:
        assert not Assessment.objects.filter(submission=visit.cast.submission_a).exists()


MATRIX = [
    Row("assessment:queue", lambda c: reverse("assessment:queue"), expect(FORBIDDEN, madina=OK, aliya=OK, erbol=OK)),
    Row("assessment:own-list", lambda c: reverse("assessment:own-list"), expect(FORBIDDEN, talgat=OK, tomiris=OK)),
    Row(
        "assessment:submit",
        lambda c: reverse("assessment:submit", args=[c.project_a.pk]),
        # Those who see talgat's project (and the certifier, once it is submitted) but are not its teacher.
        expect(talgat=OK, timur=FORBIDDEN, bolat=FORBIDDEN, madina=FORBIDDEN, aliya=FORBIDDEN, serik=FORBIDDEN),
    ),
    Row(
        "assessment:submission-detail",
        lambda c: reverse("assessment:submission-detail", args=[c.submission_a.pk]),
        expect(talgat=OK, madina=OK, aliya=OK),  # serik: not recommended yet, so 404
    ),
    Row(
        "assessment:submission-detail",
        lambda c: reverse("assessment:submission-detail", args=[c.submission_b.pk]),
        expect(tomiris=OK, aliya=OK),  # madina is not assigned to B1
        label="other school",
    ),
    Row(
        "assessment:submission-file",
        lambda c: reverse("assessment:submission-file", args=[c.file_a.pk]),
        expect(talgat=OK, madina=OK, aliya=OK),  # as the submission: serik once it is recommended
    ),
    Row(
        "assessment:assess",
        lambda c: reverse("assessment:assess", args=[c.submission_a.pk]),
        expect(madina=OK, talgat=FORBIDDEN, aliya=FORBIDDEN),
    ),
    Row(
        "assessment:assess",
        lambda c: reverse("assessment:assess", args=[c.submission_a.pk]),
        expect(madina=OK, talgat=FORBIDDEN, aliya=FORBIDDEN),
        method="post",
        data=lambda c: {"autosave": "1", "version": "0", "level_concern": "3", "comment_concern": "Жақсы"},
        label="autosave",
        check=nothing_saved,
    ),
]


def _assessment_world():
    return build_world(build_programme_cast(build_cast())), None


# The fixture world, built once for all the cases (shamy.core.testing.shared).
assessment_world = shared_world(_assessment_world)
test_assessment_permission_matrix = matrix_test(MATRIX, ALL_PERSONAS, world="assessment_world")
test_assessment_query_parameters = query_fuzz_test(MATRIX, ALL_PERSONAS, cast="world")
