"""Surveys on top of the programme cast (``shamy.programmes.testing``), for tests and journeys.

- ``pre``: an identified pre survey of programme P for teachers (talgat, tomiris), open, with one
  question of every kind; ``likert`` is its Likert question, ``matrix`` its matrix question;
- ``anonymous``: an anonymous one-off survey for P's teachers, open, also on a public link;
- ``draft``: a draft survey of P with one question (``draft_question``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from shamy.access.roles import Role
from shamy.programmes.testing import ProgrammeCast
from shamy.surveys.models import Phase, Question, QuestionKind, Survey, SurveyStatus
from shamy.surveys.services.surveys import question_add, survey_create, survey_set_status


def options(*labels: tuple[str, str, str]) -> list[dict[str, object]]:
    return [{"code": en.lower().replace(" ", "-"), "label": {"kk": kk, "ru": ru, "en": en}} for kk, ru, en in labels]


@dataclass
class SurveyScene:
    pre: Survey
    likert: Question
    single: Question
    number: Question
    matrix: Question
    anonymous: Survey
    anonymous_likert: Question
    draft: Survey
    draft_question: Question


def add_instrument(c: ProgrammeCast, survey: Survey) -> dict[str, Question]:
    actor = c.aliya
    likert = question_add(
        actor=actor,
        survey=survey,
        kind=QuestionKind.LIKERT,
        text={"kk": "Мен әріптестерімнен үйренемін", "ru": "Я учусь у коллег", "en": "I learn from colleagues"},
    )
    single = question_add(
        actor=actor,
        survey=survey,
        kind=QuestionKind.SINGLE,
        text={"kk": "Жоба бар ма?", "ru": "Есть ли у вас проект?", "en": "Do you lead a project?"},
        choices=options(("Иә", "Да", "Yes"), ("Жоқ", "Нет", "No")),
    )
    question_add(
        actor=actor,
        survey=survey,
        kind=QuestionKind.MULTIPLE,
        text={"kk": "Қандай тақырып?", "ru": "Какая тема?", "en": "Which theme?"},
        choices=options(("Сауаттылық", "Грамотность", "Literacy"), ("Дағдылар", "Навыки", "Skills")),
        show_if=single,
        show_if_values=["yes"],
        required=False,
    )
    number = question_add(
        actor=actor,
        survey=survey,
        kind=QuestionKind.NUMBER,
        text={"kk": "Неше сабаққа қатыстыңыз?", "ru": "Сколько занятий вы посетили?", "en": "How many sessions?"},
    )
    question_add(
        actor=actor,
        survey=survey,
        kind=QuestionKind.LONG_TEXT,
        text={"kk": "Пікіріңіз", "ru": "Ваш отзыв", "en": "Your comments"},
        required=False,
    )
    matrix = question_add(
        actor=actor,
        survey=survey,
        kind=QuestionKind.MATRIX,
        text={"kk": "Сенімділік", "ru": "Уверенность", "en": "Confidence"},
        rows=options(("Зерттеу", "Исследование", "Research"), ("Көшбасшылық", "Лидерство", "Leadership")),
    )
    return {"likert": likert, "single": single, "number": number, "matrix": matrix}


def build_survey_scene(c: ProgrammeCast) -> SurveyScene:
    now = timezone.now()
    opens, closes = now - datetime.timedelta(days=1), now + datetime.timedelta(days=14)
    pre = survey_create(
        actor=c.aliya,
        programme=c.programme,
        title={"kk": "Бастапқы сауалнама", "ru": "Входная анкета", "en": "Baseline survey"},
        phase=Phase.PRE,
        audience_role=Role.TEACHER,
        opens_at=opens,
        closes_at=closes,
    )
    questions = add_instrument(c, pre)
    survey_set_status(actor=c.aliya, survey=pre, status=SurveyStatus.OPEN)
    anonymous = survey_create(
        actor=c.aliya,
        programme=c.programme,
        title={"kk": "Жасырын сауалнама", "ru": "Анонимная анкета", "en": "Anonymous survey"},
        anonymous=True,
        public_link=True,
        audience_role=Role.TEACHER,
        opens_at=opens,
        closes_at=closes,
    )
    anonymous_likert = question_add(
        actor=c.aliya,
        survey=anonymous,
        kind=QuestionKind.LIKERT,
        text={"kk": "Маған қолдау жеткілікті", "ru": "Мне хватает поддержки", "en": "I get enough support"},
    )
    survey_set_status(actor=c.aliya, survey=anonymous, status=SurveyStatus.OPEN)
    draft = survey_create(
        actor=c.aliya,
        programme=c.programme,
        title={"kk": "Жоба", "ru": "Черновик", "en": "Draft"},
        audience_role=Role.TEACHER,
        opens_at=opens,
        closes_at=closes,
    )
    draft_question = question_add(
        actor=c.aliya, survey=draft, kind=QuestionKind.SHORT_TEXT, text={"kk": "Сұрақ", "ru": "Вопрос", "en": "Q"}
    )
    pre.refresh_from_db()
    anonymous.refresh_from_db()
    return SurveyScene(
        pre=pre,
        anonymous=anonymous,
        anonymous_likert=anonymous_likert,
        draft=draft,
        draft_question=draft_question,
        **questions,
    )
