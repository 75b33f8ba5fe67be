"""A survey of 5,000 identified pre/post pairs for ``make bench`` (``manage.py seed_bench_survey``):
a bench programme with one cohort and school, 5,000 teachers, the demo instrument asked before and
after, everyone answering both. Deterministic; a second run adds nothing. Returns the post survey."""

from __future__ import annotations

import datetime
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from shamy.access.models import Membership
from shamy.access.roles import Role
from shamy.accounts.models import User
from shamy.programmes.models import Cohort, CohortSchool, Programme
from shamy.registry.models import School
from shamy.surveys.demo import _instrument, _respond
from shamy.surveys.models import Phase, Survey, SurveyStatus
from shamy.surveys.services.surveys import survey_create, survey_create_post, survey_set_status

BENCH_PROGRAMME = "Bench programme (make bench)"


def bench_survey_load(*, pairs: int = 5000) -> Survey:
    existing = Survey.objects.filter(programme__name_en=BENCH_PROGRAMME, phase=Phase.POST).first()
    if existing is not None:
        return existing
    rng = random.Random(5000)  # noqa: S311 (generated data)
    school = School.objects.order_by("-pupils", "id").first()
    if school is None:
        raise SystemExit("no schools: run seed_demo first")
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        programme = Programme.objects.create(
            name_kk="Бенчмарк бағдарламасы",
            name_ru="Программа для бенчмарка",
            name_en=BENCH_PROGRAMME,
            starts_on=today - datetime.timedelta(days=400),
            ends_on=today + datetime.timedelta(days=400),
            is_demo=True,
        )
        cohort = Cohort.objects.create(
            programme=programme,
            name_kk="Бенчмарк",
            name_ru="Бенчмарк",
            name_en="Bench",
            starts_on=programme.starts_on,
            ends_on=programme.ends_on,
        )
        CohortSchool.objects.create(cohort=cohort, school=school, joined_on=programme.starts_on)
        coordinator = User.objects.create(email="bench-coordinator@bench.shamy.kz", full_name="Bench coordinator")
        Membership.objects.create(
            user=coordinator, role=Role.COORDINATOR, programme=programme, starts_on=programme.starts_on
        )
        password = make_password(None)
        users = User.objects.bulk_create(
            [
                User(email=f"bench-teacher-{index}@bench.shamy.kz", full_name=f"Teacher {index}", password=password)
                for index in range(pairs)
            ],
            batch_size=1000,
        )
        memberships = Membership.objects.bulk_create(
            [
                Membership(
                    user=user,
                    role=Role.TEACHER,
                    programme=programme,
                    cohort=cohort,
                    school=school,
                    starts_on=programme.starts_on,
                )
                for user in users
            ],
            batch_size=1000,
        )
        for membership, user in zip(memberships, users, strict=True):
            membership.user, membership.school = user, school
        pre = survey_create(
            actor=coordinator,
            programme=programme,
            title={"en": "Bench baseline", "kk": "Бенчмарк: бастапқы"},
            phase=Phase.PRE,
            audience_role=Role.TEACHER,
            opens_at=now - datetime.timedelta(days=300),
            closes_at=now - datetime.timedelta(days=200),
        )
        _instrument(coordinator, pre)
        survey_set_status(actor=coordinator, survey=pre, status=SurveyStatus.OPEN)
        _respond(pre, memberships, rng, 0.0, today - datetime.timedelta(days=250))
        survey_set_status(actor=coordinator, survey=pre, status=SurveyStatus.CLOSED)
        post = survey_create_post(
            actor=coordinator,
            pre=pre,
            opens_at=now - datetime.timedelta(days=20),
            closes_at=now + datetime.timedelta(days=20),
        )
        survey_set_status(actor=coordinator, survey=post, status=SurveyStatus.OPEN)
        _respond(post, memberships, rng, 0.6, today - datetime.timedelta(days=5))
    return post
