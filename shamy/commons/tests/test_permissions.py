"""Every commons URL × every persona: published items are public, unpublished ones never are."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shamy.commons.models import Resource, Status
from shamy.commons.testing import build_commons_scene
from shamy.core.testing.cast import build_cast
from shamy.core.testing.fuzz import query_fuzz_test
from shamy.core.testing.matrix import FORBIDDEN, NOT_FOUND, OK, REDIRECT, Expect, Row, Visit, matrix_test
from shamy.core.testing.shared import shared_world
from shamy.portfolios.services.sharing import consent_withdraw
from shamy.programmes.testing import ALL_PERSONAS, build_programme_cast

pytestmark = pytest.mark.django_db

expect = Expect(ALL_PERSONAS)
MODERATORS = {"aigerim", "aliya"}


def _still_pending(visit: Visit) -> None:
    if visit.status != REDIRECT:
        assert Resource.objects.get(pk=visit.scene.pending.pk).status == Status.SUBMITTED


MATRIX = [
    Row("commons:index", lambda c, s: reverse("commons:index"), expect.everyone(OK, anonymous=None)),
    Row("commons:feed", lambda c, s: reverse("commons:feed"), expect.everyone(OK, anonymous=None)),
    Row(
        "commons:detail",
        lambda c, s: reverse("commons:detail", args=[s.published.public_id]),
        expect.everyone(OK, anonymous=None),
    ),
    Row(
        "commons:detail",
        lambda c, s: reverse("commons:detail", args=[s.pending.public_id]),
        expect.only(MODERATORS | {"talgat"}, anonymous=NOT_FOUND),
        label="pending",
    ),
    Row(
        "commons:file",
        lambda c, s: reverse("commons:file", args=[s.published.public_id]),
        expect.everyone(OK, anonymous=None),
    ),
    Row("commons:submit", lambda c, s: reverse("commons:submit"), expect.each(OK, olzhas=FORBIDDEN)),
    Row(
        "commons:moderation",
        lambda c, s: reverse("commons:moderation"),
        expect.each(FORBIDDEN, aigerim=OK, aliya=OK, erbol=OK),
    ),
    Row(
        "commons:moderate",
        lambda c, s: reverse("commons:moderate", args=[s.pending.public_id]),
        expect.only(MODERATORS, visible={"talgat"}, ok=REDIRECT),
        method="post",
        data=lambda c, s: {"decision": "publish"},
        check=_still_pending,
    ),
]


def _commons_world():
    people = build_programme_cast(build_cast())
    return people, build_commons_scene(people)


# The fixtures programme_cast and commons_scene, built once for all the cases (shamy.core.testing.shared).
commons_world = shared_world(_commons_world)
test_commons_permission_matrix = matrix_test(MATRIX, ALL_PERSONAS, world="commons_world")
test_commons_query_parameters = query_fuzz_test(MATRIX, ALL_PERSONAS, cast="programme_cast", scene="commons_scene")


def _project_item_status(client, scene) -> int:
    return client.get(reverse("commons:detail", args=[scene.project_item.public_id])).status_code


def test_withdrawn_consent_takes_the_item_out_of_the_commons_at_once(client, programme_cast, commons_scene):
    c, scene = programme_cast, commons_scene
    assert _project_item_status(client, scene) == OK
    consent_withdraw(actor=c.talgat, project=scene.project)
    assert _project_item_status(client, scene) == NOT_FOUND
    assert scene.project_item not in Resource.objects.public()
    page = client.get(reverse("commons:index")).content.decode()
    assert scene.project_item.title not in page
    feed = client.get(reverse("commons:feed")).content.decode()
    assert scene.project_item.title not in feed


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_unpublished_items_are_never_listed_or_in_the_feed(client, programme_cast, commons_scene, persona):
    c, scene = programme_cast, commons_scene
    user = c.user(persona)
    if user is not None:
        client.force_login(user)
    page = client.get(reverse("commons:index")).content.decode()
    assert scene.pending.title not in page and scene.published.title in page
    assert scene.pending.title not in client.get(reverse("commons:feed")).content.decode()
