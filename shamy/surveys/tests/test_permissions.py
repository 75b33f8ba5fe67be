"""Every survey URL × every persona, and what an anonymous survey never reveals."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shamy.core.testing.cast import build_cast
from shamy.core.testing.fuzz import query_fuzz_test
from shamy.core.testing.matrix import NOT_FOUND, OK, REDIRECT, Expect, Row, Visit, matrix_test
from shamy.core.testing.shared import shared_world
from shamy.programmes.testing import ALL_PERSONAS, build_programme_cast
from shamy.surveys.models import Question, SurveyStatus
from shamy.surveys.testing import build_survey_scene

pytestmark = pytest.mark.django_db

expect = Expect(ALL_PERSONAS)
READERS = {"aigerim", "dana", "aliya", "nurlan"}
TEACHERS = {"talgat", "tomiris"}
SEES_OPEN = READERS | TEACHERS
SEES_DRAFT = READERS


def _status_unchanged(visit: Visit) -> None:
    if visit.status != REDIRECT:
        visit.scene.draft.refresh_from_db()
        assert visit.scene.draft.status == SurveyStatus.DRAFT


def _question_kept(visit: Visit) -> None:
    if visit.status != REDIRECT:
        assert Question.objects.filter(pk=visit.scene.draft_question.pk).exists()


MATRIX = [
    Row("surveys:survey-list", lambda c, s: reverse("surveys:survey-list"), expect.everyone(OK)),
    Row(
        "surveys:survey-create",
        lambda c, s: reverse("surveys:survey-create", args=[c.programme.pk]),
        expect.only(
            {"aliya"},
            visible={"aigerim", "dana", "bolat", "saule", "timur", "madina", "serik", "talgat", "tomiris", "nurlan"},
        ),
    ),
    Row(
        "surveys:survey-detail",
        lambda c, s: reverse("surveys:survey-detail", args=[s.pre.pk]),
        {**expect.only(READERS), "talgat": REDIRECT, "tomiris": REDIRECT},
    ),
    Row(
        "surveys:survey-detail",
        lambda c, s: reverse("surveys:survey-detail", args=[s.draft.pk]),
        expect.only(READERS),
        label="draft",
    ),
    Row(
        "surveys:survey-edit",
        lambda c, s: reverse("surveys:survey-edit", args=[s.draft.pk]),
        expect.only({"aliya"}, visible=SEES_DRAFT),
    ),
    Row(
        "surveys:survey-edit",
        lambda c, s: reverse("surveys:survey-edit", args=[s.pre.pk]),
        expect.only({"aliya"}, visible=SEES_OPEN, ok=REDIRECT),
        method="post",
        data=lambda c, s: {"title_kk": "Жаңа атау", "closes_at": "2030-01-20T09:00"},
        label="post",
    ),
    Row(
        "surveys:question-edit",
        lambda c, s: reverse("surveys:question-edit", args=[s.draft_question.pk]),
        expect.only({"aliya"}, visible=SEES_DRAFT),
    ),
    Row(
        "surveys:question-move",
        lambda c, s: reverse("surveys:question-move", args=[s.draft_question.pk]),
        expect.only({"aliya"}, visible=SEES_DRAFT, ok=REDIRECT),
        method="post",
        data=lambda c, s: {"direction": "up"},
    ),
    Row(
        "surveys:question-add",
        lambda c, s: reverse("surveys:question-add", args=[s.draft.pk]),
        expect.only({"aliya"}, visible=SEES_DRAFT, ok=REDIRECT),
        method="post",
        data=lambda c, s: {"kind": "short_text", "text_kk": "Жаңа сұрақ", "required": "on"},
    ),
    Row(
        "surveys:question-delete",
        lambda c, s: reverse("surveys:question-delete", args=[s.draft_question.pk]),
        expect.only({"aliya"}, visible=SEES_DRAFT, ok=REDIRECT),
        method="post",
        check=_question_kept,
    ),
    Row(
        "surveys:survey-status",
        lambda c, s: reverse("surveys:survey-status", args=[s.draft.pk]),
        expect.only({"aliya"}, visible=SEES_DRAFT, ok=REDIRECT),
        method="post",
        data=lambda c, s: {"status": "open"},
        check=_status_unchanged,
    ),
    Row(
        "surveys:survey-post-create",
        lambda c, s: reverse("surveys:survey-post-create", args=[s.pre.pk]),
        expect.only({"aliya"}, visible=SEES_OPEN, ok=REDIRECT),
        method="post",
        data=lambda c, s: {"opens_at": "2030-01-01T09:00", "closes_at": "2030-01-20T09:00"},
    ),
    Row(
        "surveys:survey-remind",
        lambda c, s: reverse("surveys:survey-remind", args=[s.pre.pk]),
        expect.only({"aliya"}, visible=SEES_OPEN, ok=REDIRECT),
        method="post",
    ),
    Row(
        "surveys:respond",
        lambda c, s: reverse("surveys:respond", args=[s.pre.pk]),
        expect.only(TEACHERS, visible=SEES_OPEN),
    ),
    Row(
        "surveys:respond",
        lambda c, s: reverse("surveys:respond", args=[s.draft.pk]),
        expect.only(set(), visible=SEES_DRAFT),
        label="draft",
    ),
    Row(
        "surveys:public-respond",
        lambda c, s: reverse("surveys:public-respond", args=[s.anonymous.public_token]),
        expect.everyone(OK, anonymous=None),
    ),
    Row(
        "surveys:public-respond",
        lambda c, s: reverse("surveys:public-respond", args=[s.pre.public_token]),
        expect.everyone(NOT_FOUND, anonymous=None),
        label="no public link",
    ),
    Row(
        "surveys:results",
        lambda c, s: reverse("surveys:results", args=[s.pre.pk]),
        expect.only(READERS, visible=SEES_OPEN),
    ),
    Row(
        "surveys:results-export",
        lambda c, s: reverse("surveys:results-export", args=[s.pre.pk, "csv"]),
        expect.only(READERS, visible=SEES_OPEN),
    ),
    Row(
        "surveys:results-export",
        lambda c, s: reverse("surveys:results-export", args=[s.anonymous.pk, "xlsx"]),
        expect.only(READERS, visible=SEES_OPEN),
        label="xlsx",
    ),
]


def _surveys_world():
    people = build_programme_cast(build_cast())
    return people, build_survey_scene(people)


# The fixtures programme_cast and survey_scene, built once for all the cases (shamy.core.testing.shared).
surveys_world = shared_world(_surveys_world)
test_surveys_permission_matrix = matrix_test(MATRIX, ALL_PERSONAS, world="surveys_world")
test_surveys_query_parameters = query_fuzz_test(MATRIX, ALL_PERSONAS, cast="programme_cast", scene="survey_scene")
