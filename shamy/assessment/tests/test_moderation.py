"""Moderation: a sample stratified by assessor, blind second marking, the moderator, agreement;
and the permission matrix of its pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from shamy.access.roles import Role
from shamy.assessment.models import Moderation, SubmissionStatus
from shamy.assessment.services.assessments import assessment_save
from shamy.assessment.services.moderation import (
    agreement_by_assessor,
    moderation_decide,
    moderation_mark,
    moderation_sample_draw,
)
from shamy.assessment.tests.conftest import all_marks, build_world
from shamy.core.testing.cast import build_cast
from shamy.core.testing.factories import MembershipFactory, UserFactory
from shamy.core.testing.fuzz import query_fuzz_test
from shamy.core.testing.matrix import FORBIDDEN, OK, REDIRECT, Expect, Row, matrix_test
from shamy.core.testing.shared import shared_world
from shamy.portfolios.models import PortfolioStatus
from shamy.programmes.testing import ALL_PERSONAS, build_programme_cast

pytestmark = pytest.mark.django_db
CODES = [code for code in all_marks()]


@pytest.fixture
def moderated(world):
    """talgat's submission recommended by madina (comment "Бірінші пікір"), drawn for moderation;
    zhanna, a second link facilitator of P with no school, marks it."""
    return build_moderated(world)


def build_moderated(world):
    world.zhanna = UserFactory(email="zhanna@example.kz", full_name="Жанна Сейітова")
    MembershipFactory(
        user=world.zhanna, role=Role.LINK_FACILITATOR, programme=world.programme, starts_on=world.programme.starts_on
    )
    assessment_save(
        actor=world.madina,
        submission=world.submission_a,
        marks=all_marks(3, "Бірінші пікір"),
        recommendation="certify",
        reasons="",
        version=0,
        finalise=True,
    )
    (world.moderation,) = moderation_sample_draw(actor=world.aliya, programme=world.programme, share=0.2)
    return world


def test_the_sample_is_drawn_per_assessor_and_held_back_from_the_certifier(moderated, client):
    moderation = moderated.moderation
    assert moderation.first_assessor == moderated.madina and moderation.second_assessor == moderated.zhanna
    moderated.submission_a.refresh_from_db()
    assert moderated.submission_a.status == SubmissionStatus.MODERATION
    client.force_login(moderated.serik)
    assert client.get(reverse("assessment:submission-detail", args=[moderated.submission_a.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        moderation_sample_draw(actor=moderated.madina, programme=moderated.programme, share=0.5)
    assert moderation_sample_draw(actor=moderated.aliya, programme=moderated.programme, share=1) == []


def test_second_marking_is_blind(moderated, client):
    client.force_login(moderated.zhanna)
    page = client.get(reverse("assessment:moderation-mark", args=[moderated.moderation.pk])).content.decode()
    assert moderated.submission_a.snapshot["sections"][0]["body"][:20] in page
    assert "Бірінші пікір" not in page
    assert client.get(reverse("assessment:submission-detail", args=[moderated.submission_a.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        moderation_mark(actor=moderated.madina, moderation=moderated.moderation, levels=dict.fromkeys(CODES, 3))


def test_marks_within_the_threshold_return_it_to_the_certifier(moderated):
    levels = dict.fromkeys(CODES, 3) | {"plan": 4}
    moderation = moderation_mark(actor=moderated.zhanna, moderation=moderated.moderation, levels=levels)
    assert moderation.largest_difference == 1 and not moderation.needs_moderator
    moderated.submission_a.refresh_from_db()
    assert moderated.submission_a.status == SubmissionStatus.RECOMMENDED
    rows, overall = agreement_by_assessor(programme=moderated.programme)
    assert [row.assessor for row in rows] == [moderated.madina]
    assert rows[0].pairs == 6 and rows[0].exact == pytest.approx(5 / 6) and rows[0].adjacent == 1
    assert overall is not None and overall.pairs == 6


def test_marks_beyond_the_threshold_go_to_the_moderator_who_decides(moderated):
    levels = dict.fromkeys(CODES, 1)
    moderation = moderation_mark(actor=moderated.zhanna, moderation=moderated.moderation, levels=levels)
    assert moderation.needs_moderator and moderation.largest_difference == 2
    with pytest.raises(PermissionDenied):
        moderation_decide(actor=moderated.madina, moderation=moderation, outcome="certify")
    with pytest.raises(ValidationError):
        moderation_decide(actor=moderated.aliya, moderation=moderation, outcome="revise", note="")
    moderation_decide(actor=moderated.aliya, moderation=moderation, outcome="revise", note="Дәлел жетіспейді")
    moderated.submission_a.refresh_from_db()
    assert moderated.submission_a.status == SubmissionStatus.REVISE
    moderated.project_a.portfolio.refresh_from_db()
    assert moderated.project_a.portfolio.status == PortfolioStatus.DRAFT


def test_incomplete_second_marks_are_refused(moderated):
    with pytest.raises(ValidationError):
        moderation_mark(actor=moderated.zhanna, moderation=moderated.moderation, levels={"plan": 3})
    assert not Moderation.objects.get(pk=moderated.moderation.pk).second_marked_at


def test_the_coordinator_page_flags_low_agreement(moderated, client):
    moderation_mark(actor=moderated.zhanna, moderation=moderated.moderation, levels=dict.fromkeys(CODES, 1))
    client.force_login(moderated.aliya)
    page = client.get(reverse("assessment:moderation", args=[moderated.programme.pk]))
    assert page.status_code == 200
    rows, _overall = agreement_by_assessor(programme=moderated.programme)
    assert rows[0].kappa is None or rows[0].flagged
    assert 'data-testid="agreement"' in page.content.decode()


expect = Expect(ALL_PERSONAS).each
MATRIX = [
    Row(
        "assessment:moderation-queue",
        lambda c: reverse("assessment:moderation-queue"),
        expect(FORBIDDEN, madina=OK, aliya=OK, erbol=OK),
    ),
    Row(
        "assessment:moderation",
        lambda c: reverse("assessment:moderation", args=[c.programme.pk]),
        # Those who see programme P (its members and national readers) get 403, the rest 404.
        expect(FORBIDDEN, aliya=OK, kairat=404, olzhas=404, saule=FORBIDDEN, erbol=404),
    ),
    Row(
        "assessment:moderation-mark",
        lambda c: reverse("assessment:moderation-mark", args=[c.moderation.pk]),
        expect(aliya=FORBIDDEN),  # zhanna (not a persona) marks; the coordinator sees it but may not
    ),
    Row(
        "assessment:moderation-decide",
        lambda c: reverse("assessment:moderation-decide", args=[c.moderation.pk]),
        expect(aliya=FORBIDDEN),  # nothing to decide until the second marks differ
    ),
    Row(
        "assessment:moderation",
        lambda c: reverse("assessment:moderation", args=[c.programme.pk]),
        expect(FORBIDDEN, aliya=REDIRECT, kairat=404, olzhas=404, saule=FORBIDDEN, erbol=404),
        method="post",
        data=lambda c: {"share": "50"},
        label="draw",
    ),
]


def _moderation_world():
    return build_moderated(build_world(build_programme_cast(build_cast()))), None


# The fixture moderated, built once for all the cases (shamy.core.testing.shared).
moderation_world = shared_world(_moderation_world)
test_moderation_permission_matrix = matrix_test(MATRIX, ALL_PERSONAS, world="moderation_world")
test_moderation_query_parameters = query_fuzz_test(MATRIX, ALL_PERSONAS, cast="moderated")
