"""Demo surveys of the pilot programme (``manage.py seed_demo_surveys``).

- a closed, identified **pre** survey the pilot's teachers answered at the start (Likert, single
  choice, number, matrix and long text questions, in kk/ru/en);
- its **post** survey, open now: most teachers have answered, with answers a little higher on
  average, so the results show the change; the demo teacher (``teacher@demo.shamy.kz``) has not,
  so the post survey can be answered in the browser;
- an **anonymous** one-off survey, open, with a public link.

Deterministic (fixed seed), idempotent, and fast: answers are written in bulk.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from shamy.access.models import Membership
from shamy.access.roles import Role
from shamy.audit.services.entries import audit_record
from shamy.programmes.models import Programme
from shamy.surveys.models import Answer, Participation, Phase, Question, QuestionKind, Response, Survey, SurveyStatus
from shamy.surveys.results_cache import results_changed
from shamy.surveys.services.responses import respondent_key
from shamy.surveys.services.surveys import question_add, survey_create, survey_create_post, survey_set_status

AUDIT_ACTION = "surveys.demo.loaded"
PRE_TITLE = {
    "kk": "Мұғалім көшбасшылығы: бастапқы сауалнама",
    "ru": "Лидерство учителя: входная анкета",
    "en": "Teacher leadership: baseline survey",
}


class SurveyDemoRefused(Exception):
    pass


@dataclass(frozen=True)
class SurveyDemoSummary:
    already_loaded: bool
    counts: dict[str, int]
    seconds: float


def _pilot() -> Programme:
    from shamy.programmes.demo import PILOT_NAME_EN

    pilot = Programme.objects.filter(is_demo=True, name_en=PILOT_NAME_EN).first()
    if pilot is None:
        raise SurveyDemoRefused("The programme demo is not loaded: run `seed_demo` and `seed_demo_programmes` first.")
    return pilot


def survey_demo_counts(pilot: Programme) -> dict[str, int]:
    return {
        "surveys": Survey.objects.filter(programme=pilot, is_demo=True).count(),
        "responses": Response.objects.filter(survey__programme=pilot, survey__is_demo=True).count(),
    }


def _options(*labels: tuple[str, str, str], codes: tuple[str, ...]) -> list[dict[str, object]]:
    return [
        {"code": code, "label": {"kk": kk, "ru": ru, "en": en}}
        for code, (kk, ru, en) in zip(codes, labels, strict=True)
    ]


def _instrument(coordinator, survey: Survey) -> None:  # type: ignore[no-untyped-def]
    add = lambda **kwargs: question_add(actor=coordinator, survey=survey, **kwargs)  # noqa: E731
    add(
        kind=QuestionKind.LIKERT,
        text={
            "kk": "Мен әріптестеріммен тәжірибе алмасып, олардан үйренемін",
            "ru": "Я обмениваюсь опытом с коллегами и учусь у них",
            "en": "I exchange experience with colleagues and learn from them",
        },
    )
    add(
        kind=QuestionKind.LIKERT,
        text={
            "kk": "Мен мектебімде өзгерісті бастай аламын",
            "ru": "Я могу начать изменения в своей школе",
            "en": "I can lead a change in my school",
        },
    )
    lead = add(
        kind=QuestionKind.SINGLE,
        text={
            "kk": "Сіз қазір даму жобасын жүргізесіз бе?",
            "ru": "Ведёте ли вы сейчас проект развития?",
            "en": "Are you leading a development project now?",
        },
        choices=_options(("Иә", "Да", "Yes"), ("Жоқ", "Нет", "No"), codes=("yes", "no")),
    )
    add(
        kind=QuestionKind.MULTIPLE,
        text={
            "kk": "Жобаңыздың тақырыбы қандай?",
            "ru": "Какова тема вашего проекта?",
            "en": "What is your project about?",
        },
        choices=_options(
            ("Функционалдық сауаттылық", "Функциональная грамотность", "Functional literacy"),
            ("Жұмсақ дағдылар", "Гибкие навыки", "Soft skills"),
            ("Оқу нәтижелері", "Результаты обучения", "Learning outcomes"),
            codes=("literacy", "soft-skills", "outcomes"),
        ),
        required=False,
        show_if=lead,
        show_if_values=["yes"],
    )
    add(
        kind=QuestionKind.NUMBER,
        text={
            "kk": "Өткен айда әріптестеріңіздің неше сабағына қатыстыңыз?",
            "ru": "Сколько уроков коллег вы посетили за прошлый месяц?",
            "en": "How many colleagues' lessons did you observe last month?",
        },
    )
    add(
        kind=QuestionKind.MATRIX,
        text={
            "kk": "Мына салаларда өзіңізге қаншалықты сенімдісіз?",
            "ru": "Насколько вы уверены в себе в этих областях?",
            "en": "How confident are you in these areas?",
        },
        rows=_options(
            ("Іс-әрекеттегі зерттеу", "Исследование в действии", "Action research"),
            ("Әріптестерді жетелеу", "Лидерство среди коллег", "Leading colleagues"),
            ("Дәлел жинау", "Сбор материалов", "Gathering evidence"),
            codes=("research", "leading", "evidence"),
        ),
    )
    add(
        kind=QuestionKind.LONG_TEXT,
        text={
            "kk": "Бағдарламадан не күтесіз?",
            "ru": "Чего вы ждёте от программы?",
            "en": "What do you expect from the programme?",
        },
        required=False,
    )


COMMENTS = [
    "Әріптестерімнің сабақтарынан көп үйренгім келеді.",
    "Хочу научиться вести исследование на своих уроках.",
    "Оқушылардың оқу сауаттылығын көтеру.",
    "Больше обмена опытом между школами района.",
]


def _answers(rng: random.Random, questions: list[Question], level: float) -> list[dict[str, object]]:
    """One teacher's answers; ``level`` shifts the Likert and matrix answers up."""
    values: list[dict[str, object]] = []
    leads = rng.random() < 0.4 + level / 5
    for question in questions:
        if question.kind == QuestionKind.LIKERT:
            values.append({"question": question, "number": float(min(5, max(1, round(rng.gauss(2.8 + level, 0.8)))))})
        elif question.kind == QuestionKind.SINGLE:
            values.append({"question": question, "choice": "yes" if leads else "no"})
        elif question.kind == QuestionKind.MULTIPLE and leads:
            values.append({"question": question, "choice": rng.choice(["literacy", "soft-skills", "outcomes"])})
        elif question.kind == QuestionKind.NUMBER:
            values.append({"question": question, "number": float(max(0, round(rng.gauss(1.5 + 2 * level, 1.2))))})
        elif question.kind == QuestionKind.MATRIX:
            for row in question.rows:
                number = float(min(5, max(1, round(rng.gauss(2.6 + level, 0.9)))))
                values.append({"question": question, "row_code": row["code"], "number": number})
        elif question.kind == QuestionKind.LONG_TEXT and rng.random() < 0.3:
            values.append({"question": question, "text": rng.choice(COMMENTS)})
    return values


def _respond(survey: Survey, teachers: list[Membership], rng: random.Random, level: float, on: datetime.date) -> int:
    questions = list(survey.questions.order_by("position", "id"))
    responses, answers, participations = [], [], []
    for membership in teachers:
        user = membership.user
        school = membership.school
        response = Response(
            survey=survey,
            respondent=None if survey.anonymous else user,
            respondent_key=respondent_key(survey, user)
            if not survey.anonymous
            else f"submitted:demo-{survey.pk}-{user.pk}",
            role=membership.role,
            region_id=school.region_id if school else None,
            locality=school.locality if school else "",
            school=None if survey.anonymous else school,
            submitted_on=on,
        )
        responses.append(response)
        answers += [Answer(response=response, **value) for value in _answers(rng, questions, level)]  # type: ignore[arg-type]
        if survey.anonymous:
            participations.append(Participation(survey=survey, user=user))
    Response.objects.bulk_create(responses, batch_size=500)
    Answer.objects.bulk_create(answers, batch_size=1000)
    Participation.objects.bulk_create(participations, batch_size=500)
    results_changed(survey.pk)  # bulk_create goes round the answering service, which bumps it
    return len(responses)


def survey_demo_load(*, report: Callable[[str], None] | None = None) -> SurveyDemoSummary:
    from shamy.accounts.models import User
    from shamy.programmes.demo import DEMO_DOMAIN

    say = report or (lambda _message: None)
    started = time.monotonic()
    pilot = _pilot()
    if Survey.objects.filter(programme=pilot, is_demo=True).exists():
        return SurveyDemoSummary(True, survey_demo_counts(pilot), 0.0)
    rng = random.Random(2026)  # noqa: S311 (demo data)
    coordinator = User.objects.get(email=f"coordinator@{DEMO_DOMAIN}")
    demo_teacher = f"teacher@{DEMO_DOMAIN}"
    teachers = list(
        Membership.objects.active()
        .filter(programme=pilot, role=Role.TEACHER)
        .select_related("user", "school")
        .order_by("school_id", "user__email", "id")
    )
    now = timezone.now()
    with transaction.atomic():
        pre = survey_create(
            actor=coordinator,
            programme=pilot,
            title=PRE_TITLE,
            intro={
                "kk": "Бағдарлама басындағы өз тәжірибеңізді бағалаңыз.",
                "ru": "Оцените свою практику в начале программы.",
                "en": "Rate your practice at the start of the programme.",
            },
            phase=Phase.PRE,
            audience_role=Role.TEACHER,
            opens_at=now - datetime.timedelta(days=300),
            closes_at=now - datetime.timedelta(days=270),
            is_demo=True,
        )
        _instrument(coordinator, pre)
        survey_set_status(actor=coordinator, survey=pre, status=SurveyStatus.OPEN)
        answered_pre = [m for m in teachers if rng.random() < 0.92 or m.user.email == demo_teacher]
        _respond(pre, answered_pre, rng, 0.0, (now - datetime.timedelta(days=290)).date())
        survey_set_status(actor=coordinator, survey=pre, status=SurveyStatus.CLOSED)
        say(f"pre survey: {len(answered_pre)} answers")
        post = survey_create_post(
            actor=coordinator,
            pre=pre,
            opens_at=now - datetime.timedelta(days=10),
            closes_at=now + datetime.timedelta(days=20),
            is_demo=True,
        )
        survey_set_status(actor=coordinator, survey=post, status=SurveyStatus.OPEN)
        answered_post = [m for m in teachers if m.user.email != demo_teacher and rng.random() < 0.85]
        _respond(post, answered_post, rng, 0.7, (now - datetime.timedelta(days=3)).date())
        say(f"post survey: {len(answered_post)} answers")
        anonymous = survey_create(
            actor=coordinator,
            programme=pilot,
            title={
                "kk": "Мектептегі қолдау туралы жасырын сауалнама",
                "ru": "Анонимная анкета о поддержке в школе",
                "en": "Anonymous survey on support at school",
            },
            anonymous=True,
            public_link=True,
            audience_role=Role.TEACHER,
            opens_at=now - datetime.timedelta(days=5),
            closes_at=now + datetime.timedelta(days=25),
            is_demo=True,
        )
        question_add(
            actor=coordinator,
            survey=anonymous,
            kind=QuestionKind.LIKERT,
            text={
                "kk": "Мектеп директоры менің жобамды қолдайды",
                "ru": "Директор поддерживает мой проект",
                "en": "My principal supports my project",
            },
        )
        question_add(
            actor=coordinator,
            survey=anonymous,
            kind=QuestionKind.LONG_TEXT,
            text={
                "kk": "Сізге тағы қандай қолдау керек?",
                "ru": "Какая ещё поддержка вам нужна?",
                "en": "What other support do you need?",
            },
            required=False,
        )
        survey_set_status(actor=coordinator, survey=anonymous, status=SurveyStatus.OPEN)
        answered_anonymous = [m for m in teachers if m.user.email != demo_teacher and rng.random() < 0.5]
        _respond(anonymous, answered_anonymous, rng, 0.4, (now - datetime.timedelta(days=2)).date())
        counts = survey_demo_counts(pilot)
        audit_record(actor=None, action=AUDIT_ACTION, target=pilot, after=counts)
    return SurveyDemoSummary(False, counts, time.monotonic() - started)
