"""The pilot's results framework (``manage.py seed_demo_results``), on top of the survey demo.

Outputs: schools, teachers, sessions and hours per teacher; outcomes: the change in "I can lead a
change in my school" between the pre and the post survey, the share of teachers who improved,
and portfolios submitted. Idempotent.
"""

from __future__ import annotations

from shamy.accounts.models import User
from shamy.programmes.models import Programme
from shamy.results.models import Level, ResultsIndicator, Source
from shamy.results.services.framework import indicator_create
from shamy.surveys.models import Phase, QuestionKind, Survey


class ResultsDemoRefused(Exception):
    pass


def results_demo_load() -> tuple[bool, int]:
    """Returns (already loaded, number of indicators)."""
    from shamy.programmes.demo import DEMO_DOMAIN, PILOT_NAME_EN

    pilot = Programme.objects.filter(is_demo=True, name_en=PILOT_NAME_EN).first()
    post = Survey.objects.filter(programme=pilot, phase=Phase.POST, is_demo=True).first() if pilot else None
    if pilot is None or post is None:
        raise ResultsDemoRefused("Run `seed_demo_programmes` and `seed_demo_surveys` first.")
    existing = ResultsIndicator.objects.filter(programme=pilot).count()
    if existing:
        return True, existing
    coordinator = User.objects.get(email=f"coordinator@{DEMO_DOMAIN}")
    likert = post.questions.filter(kind=QuestionKind.LIKERT).order_by("position")[1]
    rows = [
        (
            Level.OUTPUT,
            {"kk": "Қамтылған ауыл мектептері", "ru": "Охваченные сельские школы", "en": "Rural schools reached"},
            Source.SCHOOLS,
            0,
            11,
            None,
        ),
        (
            Level.OUTPUT,
            {"kk": "Қатысушы мұғалімдер", "ru": "Участвующие учителя", "en": "Teachers taking part"},
            Source.TEACHERS,
            0,
            130,
            None,
        ),
        (
            Level.OUTPUT,
            {"kk": "Өткізілген сессиялар", "ru": "Проведённые занятия", "en": "Sessions held"},
            Source.SESSIONS,
            0,
            150,
            None,
        ),
        (
            Level.OUTPUT,
            {"kk": "Бір мұғалімге шаққандағы сағат", "ru": "Часов на учителя", "en": "Hours per teacher"},
            Source.HOURS_PER_TEACHER,
            0,
            30,
            None,
        ),
        (
            Level.OUTCOME,
            {
                "kk": "«Өзгерісті бастай аламын»: орташа өзгеріс",
                "ru": "«Могу начать изменения»: среднее изменение",
                "en": "“I can lead a change”: mean change",
            },
            Source.SURVEY_CHANGE,
            0,
            0.5,
            likert,
        ),
        (
            Level.OUTCOME,
            {
                "kk": "Сенімділігі артқан мұғалімдер, %",
                "ru": "Учителя, ставшие увереннее, %",
                "en": "Teachers more confident, %",
            },
            Source.SURVEY_IMPROVED,
            0,
            60,
            likert,
        ),
        (
            Level.OUTCOME,
            {
                "kk": "Сертификаттауға тапсырылған портфолиолар",
                "ru": "Портфолио, сданные на сертификацию",
                "en": "Portfolios submitted for certification",
            },
            Source.PORTFOLIOS,
            0,
            100,
            None,
        ),
    ]
    for level, name, source, baseline, target, question in rows:
        indicator_create(
            actor=coordinator,
            programme=pilot,
            level=level,
            name=name,
            source=source,
            baseline=baseline,
            target=target,
            question=question,
        )
    return False, len(rows)
