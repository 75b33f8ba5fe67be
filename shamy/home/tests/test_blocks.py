"""The start page says what to do next, per role (issue 11, point 2), and each block costs a
fixed number of queries however much data there is."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shamy.access.context import access_for
from shamy.access.models import Membership
from shamy.access.roles import Role
from shamy.accounts.models import User
from shamy.attendance.models import AttendanceStatus, GatheringKind
from shamy.attendance.services.gatherings import gathering_create
from shamy.attendance.services.marking import attendance_mark
from shamy.home.blocks import (
    admin_block,
    analyst_block,
    blocks_for,
    facilitator_block,
    support_block,
    teacher_block,
)
from shamy.imports.models import ImportJob
from shamy.portfolios.models import DevelopmentProject, FocusTheme, Thread
from shamy.portfolios.services.projects import comment_add, project_create

pytestmark = pytest.mark.django_db


def _project(c, title: str = "Мәтінді түсіну", **changes) -> DevelopmentProject:
    project = project_create(
        actor=c.talgat,
        cohort=c.cohort_a,
        title=title,
        theme=FocusTheme.objects.get(code="functional-literacy"),
        concern="Оқушылар",
    )
    if changes:
        DevelopmentProject.objects.filter(pk=project.pk).update(**changes)
        project.refresh_from_db()
    return project


def _session(c, days: float, lead=None) -> None:
    starts = timezone.now() + datetime.timedelta(days=days)
    gathering_create(
        actor=lead or c.timur,
        programme=c.programme,
        cohort=c.cohort_a,
        kind=GatheringKind.IN_SCHOOL,
        title=f"Сессия {days}",
        school=c.school_a1,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        leads=[lead or c.timur],
    )


def _import_job(user: User, name: str) -> ImportJob:
    return ImportJob.objects.create(
        created_by=user, kind="schools", file="imports/x.csv", original_name=name, file_format="csv"
    )


def _queries(build, user: User) -> int:
    """Queries one block costs, for a fresh request of ``user`` (the access object's own reads,
    done once per request for every page, are made before counting)."""
    fresh = User.objects.get(pk=user.pk)
    access = access_for(fresh)
    _ = access.memberships, access.person, access.roles, access.analytics
    with CaptureQueriesContext(connection) as captured:
        block = build(access)
    assert block is not None
    return len(captured)


def _home(client, user) -> dict:
    client.force_login(user)
    response = client.get(reverse("home:home"))
    assert response.status_code == 200
    return {block.key: block for block in response.context["blocks"]}


# --- What each role is shown ----------------------------------------------------------------------


def test_teacher_sees_the_next_session_the_project_to_continue_and_feedback_to_answer(client, programme_cast, scene):
    c = programme_cast
    quiet = _project(c, "Бірінші жоба", last_activity_at=timezone.now() - datetime.timedelta(days=30))
    answered = _project(c, "Екінші жоба")
    comment_add(actor=c.timur, project=quiet, thread=Thread.SCHOOL, text="Қадамдарыңызды жазыңыз")
    comment_add(actor=c.timur, project=answered, thread=Thread.SCHOOL, text="Жақсы")
    comment_add(actor=c.talgat, project=answered, thread=Thread.SCHOOL, text="Рақмет")
    block = _home(client, c.talgat)["teacher"]
    assert block.context["next_session"] == scene.session_a1
    assert [p.title for p in block.context["waiting"]] == ["Бірінші жоба"]
    page = client.get(reverse("home:home")).content.decode()
    assert reverse("portfolios:project-detail", args=[answered.pk]) in page
    assert reverse("portfolios:portfolio-detail", args=[quiet.pk]) in page
    assert 'id="home-teacher"' in page


def test_facilitator_sees_todays_sessions_with_take_attendance_and_projects_awaiting_feedback(
    client, programme_cast, scene
):
    c = programme_cast
    _session(c, 4)
    project = _project(c)
    comment_add(actor=c.talgat, project=project, thread=Thread.SCHOOL, text="Пікіріңізді күтемін")
    block = _home(client, c.timur)["facilitator"]
    sessions = block.context["sessions"]
    assert sessions[0] == scene.session_a1 and sessions[0].is_today
    assert not sessions[-1].is_today
    assert block.context["waiting"] == [project]
    page = client.get(reverse("home:home")).content.decode()
    assert page.count(reverse("attendance:attendance-take", args=[scene.session_a1.pk])) == 1
    comment_add(actor=c.timur, project=project, thread=Thread.SCHOOL, text="Жауап")
    assert _home(client, c.timur)["facilitator"].context["waiting"] == []


def test_link_facilitator_and_coordinator_see_who_is_stuck_attendance_and_portfolios(client, programme_cast, scene):
    c = programme_cast
    _project(c, "Тоқтап қалған", last_activity_at=timezone.now() - datetime.timedelta(weeks=5))
    _project(c, "Жүріп жатқан")
    attendance_mark(actor=c.timur, attendance=scene.attendance_talgat, status=AttendanceStatus.PRESENT)
    timur_row = scene.session_a1.attendances.get(person=c.person_timur)
    attendance_mark(actor=c.timur, attendance=timur_row, status=AttendanceStatus.ABSENT)
    for user in (c.madina, c.aliya):
        rows = _home(client, user)["support"].context["rows"]
        row = next(row for row in rows if row["programme"] == c.programme)
        assert row["stuck"] == 1
        assert (row["present"], row["marked"], row["rate"]) == (1, 2, 50)
    page = client.get(reverse("home:home")).content.decode()
    assert reverse("portfolios:link-overview", args=[c.programme.pk]) in page


def test_analyst_gets_the_gaps_block_with_a_link_to_the_map(client, programme_cast):
    # The cast's region A: a rural school of 46 pupils and 11 teachers, an urban one of 1250 and
    # 84: the pupils-per-teacher ratio is far from parity there.
    for user in (programme_cast.dana, programme_cast.kairat):
        gaps = _home(client, user)["analyst"].context["gaps"]
        assert gaps and gaps[0].region == programme_cast.region_a
        assert gaps[0].indicator.code == "pupils_per_teacher" and gaps[0].row.parity < 0.5
        page = client.get(reverse("home:home")).content.decode()
        assert reverse("analytics:dashboard") in page
        assert "indicator=pupils_per_teacher&amp;measure=parity" in page


def test_administrator_sees_imports_in_progress(client, programme_cast):
    c = programme_cast
    running = _import_job(c.aigerim, "schools-2026.csv")
    done = _import_job(c.aigerim, "old.csv")
    ImportJob.objects.filter(pk=done.pk).update(status=ImportJob.Status.DONE)
    block = _home(client, c.aigerim)["admin"]
    assert block.context["imports"] == [running]
    assert block.context["tasks"] == {"waiting": 0, "running": 0}


def test_a_user_with_several_roles_sees_each_roles_block(client, programme_cast, scene):
    c = programme_cast
    Membership.objects.create(
        user=c.timur,
        role=Role.LINK_FACILITATOR,
        programme=c.programme,
        starts_on=datetime.date(2024, 1, 1),
    )
    assert list(_home(client, c.timur)) == ["facilitator", "support"]
    assert [block.key for block in blocks_for(access_for(c.olzhas))] == []


# --- A fixed number of queries per block ------------------------------------------------------------


def test_teacher_block_queries_do_not_grow_with_data(programme_cast, scene):
    c = programme_cast
    _project(c, "Бір")
    before = _queries(teacher_block, c.talgat)
    for index in range(6):
        project = _project(c, f"Жоба {index}")
        comment_add(actor=c.timur, project=project, thread=Thread.SCHOOL, text="?")
        _session(c, index + 2)
    assert _queries(teacher_block, c.talgat) == before


def test_facilitator_block_queries_do_not_grow_with_data(programme_cast, scene):
    c = programme_cast
    before = _queries(facilitator_block, c.timur)
    for index in range(6):
        project = _project(c, f"Жоба {index}")
        comment_add(actor=c.talgat, project=project, thread=Thread.SCHOOL, text="?")
        _session(c, index + 1)
    assert _queries(facilitator_block, c.timur) == before


def test_support_block_queries_do_not_grow_with_data(programme_cast, scene):
    c = programme_cast
    before_link = _queries(support_block, c.madina)
    before_coordinator = _queries(support_block, c.aliya)
    for index in range(6):
        _project(c, f"Жоба {index}", last_activity_at=timezone.now() - datetime.timedelta(weeks=5))
    attendance_mark(actor=c.timur, attendance=scene.attendance_talgat, status=AttendanceStatus.PRESENT)
    assert _queries(support_block, c.madina) == before_link
    assert _queries(support_block, c.aliya) == before_coordinator


def test_analyst_block_queries_do_not_grow_with_data(programme_cast, scene):
    from django.core.cache import cache

    c = programme_cast
    cache.clear()
    before = _queries(analyst_block, c.dana)
    for index in range(4):
        _project(c, f"Жоба {index}")
        _session(c, index + 1)
    cache.clear()
    assert _queries(analyst_block, c.dana) == before


def test_admin_block_queries_do_not_grow_with_data(programme_cast):
    c = programme_cast
    before = _queries(admin_block, c.aigerim)
    for index in range(8):
        _import_job(c.aigerim, f"file-{index}.csv")
    assert _queries(admin_block, c.aigerim) == before


# --- The whole page: a fixed, exact number of queries per role (issue 18, cold paths) -------------


def _page_queries(client, user: User) -> list[str]:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("home:home"))
    assert response.status_code == 200
    return [query["sql"] for query in captured]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        # session, user, memberships (with programme and cohort), person, next session, projects
        ("talgat", 6),
        # session, user, memberships, person (the gathering rule), sessions, projects waiting
        ("timur", 6),
        # session, user, memberships, stuck, person (the gathering rule), attendance, portfolios
        ("aliya", 7),
    ],
)
def test_home_page_costs_the_same_exact_queries_with_more_data(client, programme_cast, scene, who, expected):
    c = programme_cast
    user = getattr(c, who)
    assert len(_page_queries(client, user)) == expected
    for index in range(4):
        project = _project(c, f"Жоба {index}", last_activity_at=timezone.now() - datetime.timedelta(weeks=5))
        comment_add(actor=c.timur, project=project, thread=Thread.SCHOOL, text="?")
        _session(c, index + 1)
    queries = _page_queries(client, user)
    assert len(queries) == expected
    # The roles' programmes and cohorts come with the memberships, not in queries of their own.
    assert not [sql for sql in queries if sql.startswith('SELECT "programmes_programme"."id"')]
    assert not [sql for sql in queries if sql.startswith('SELECT "programmes_cohort"."id"')]
    assert [sql for sql in queries if 'FROM "access_membership"' in sql and '"programmes_cohort"."id"' in sql]
