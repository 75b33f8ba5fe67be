"""Journeys for issue 11: attendance that one wrong tap cannot corrupt (on a phone), home pages
that say what to do next, and schools of the same name told apart by their district."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from e2e.conftest import PHONE
from e2e.world import sign_in, translated
from shamy.attendance.models import Attendance, AttendanceStatus, Gathering, GatheringKind
from shamy.attendance.services.gatherings import gathering_create
from shamy.core.testing.cast import PASSWORD, build_cast
from shamy.core.testing.factories import DistrictFactory, PersonFactory, SchoolFactory
from shamy.portfolios.models import FocusTheme
from shamy.portfolios.services.projects import project_create
from shamy.programmes.models import CohortSchool
from shamy.programmes.testing import ProgrammeCast, build_programme_cast


def _session(cast: ProgrammeCast, starts_at: datetime.datetime, title: str, school=None, lead=None) -> Gathering:
    return gathering_create(
        actor=lead or cast.timur,
        programme=cast.programme,
        cohort=cast.cohort_a,
        kind=GatheringKind.IN_SCHOOL,
        title=title,
        school=school or cast.school_a1,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        leads=[lead or cast.timur],
    )


@pytest.fixture
def world(transactional_db) -> tuple[ProgrammeCast, Gathering, Gathering]:
    cast = build_programme_cast(build_cast())
    now = timezone.now()
    # Started twenty minutes ago, but never before local midnight (the run may be just after it).
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    started = max(now - datetime.timedelta(minutes=20), midnight + datetime.timedelta(minutes=1))
    today = _session(cast, started, "Бүгінгі сессия")
    later = _session(cast, now + datetime.timedelta(days=11), "Желтоқсандағы сессия")
    return cast, today, later


def test_marking_is_closed_before_the_day_then_everyone_present_exceptions_clear_and_cancel(phone_page: Page, world):
    cast, today, later = world
    page = phone_page
    sign_in(page, cast.timur.email, PASSWORD)

    # A session eleven days ahead: the buttons are there but disabled, and the page says when.
    page.goto(f"/attendance/gatherings/{later.pk}/attendance/")
    expect(page.locator("#marking-closed")).to_be_visible()
    expect(page.locator("button.attendance-button").first).to_be_disabled()
    assert not Attendance.objects.filter(gathering=later).exclude(status="").exists()

    # Today's session, from the home page's "take attendance".
    page.goto("/")
    page.locator("#home-facilitator").get_by_role("link", name=translated("kk", "Take attendance")).click()
    expect(page.locator("h1")).to_have_text(translated("kk", "Take attendance"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name=translated("kk", "Set everyone present")).tap()
    rows = page.locator("li.attendance-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_attribute("data-status", "present")
    expect(rows.nth(1)).to_have_attribute("data-status", "present")

    # The exception: talgat was late. Then a mark given by mistake is cleared.
    talgat = page.locator(f"#attendance-{today.attendances.get(person=cast.person_talgat).pk}")
    talgat.get_by_role("button", name=translated("kk", "Late")).tap()
    expect(talgat).to_have_attribute("data-status", "late")
    talgat.get_by_role("button", name=translated("kk", "Clear the mark")).tap()
    expect(talgat).to_have_attribute("data-status", "")

    # The session is called off after all: clear the marks and cancel, in one flow.
    page.goto(f"/attendance/gatherings/{today.pk}/")
    page.get_by_role("link", name=translated("kk", "Clear the marks and cancel")).click()
    expect(page.locator("#marks-to-clear li")).to_have_count(1)
    page.locator("textarea[name='cancel-reason']").fill("Жол жабық")
    page.locator("main form button.danger").tap()
    expect(page.locator(".badge.cancelled")).to_be_visible()
    today.refresh_from_db()
    assert today.is_cancelled
    assert not Attendance.objects.filter(gathering=today).exclude(status="").exists()


def test_teacher_home_says_what_to_do_next(page: Page, world):
    cast, today, _later = world
    theme, _created = FocusTheme.objects.get_or_create(
        code="functional-literacy",
        defaults={"name_kk": "Функционалдық сауаттылық", "name_ru": "Функциональная грамотность", "order": 1},
    )
    project = project_create(actor=cast.talgat, cohort=cast.cohort_a, title="Мәтінді түсіну", theme=theme)
    sign_in(page, cast.talgat.email, PASSWORD)
    page.goto("/")
    block = page.locator("#home-teacher")
    expect(block.get_by_role("link", name=today.title)).to_be_visible()
    block.get_by_role("link", name=translated("kk", "Continue “%(title)s”") % {"title": project.title}).click()
    expect(page.locator("h1")).to_contain_text(project.title)


def test_same_named_schools_are_told_apart_by_district(page: Page, world):
    cast, _today, _later = world
    district = DistrictFactory(region=cast.region_a, name_kk="Талғар ауданы", name_ru="Талгарский район")
    twin = SchoolFactory(
        region=cast.region_a, district=district, name_kk=cast.school_a1.name_kk, name_ru=cast.school_a1.name_ru
    )
    CohortSchool.objects.create(cohort=cast.cohort_a, school=twin, joined_on=datetime.date(2024, 9, 1))
    session = _session(
        cast, timezone.now() - datetime.timedelta(hours=1), "Егіз мектепте", school=twin, lead=cast.aliya
    )
    Attendance.objects.create(gathering=session, person=PersonFactory(), school=twin, status=AttendanceStatus.PRESENT)
    Attendance.objects.filter(gathering__school=cast.school_a1).update(status=AttendanceStatus.PRESENT)
    sign_in(page, cast.aliya.email, PASSWORD)
    page.goto(f"/attendance/programmes/{cast.programme.pk}/report/")
    by_school = page.locator("table", has=page.locator("caption", has_text=translated("kk", "By school")))
    rows = by_school.locator("tbody tr", has_text=cast.school_a1.name_kk)
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Талғар ауданы")).to_have_count(1)
    expect(rows.filter(has_text="Ұйғыр ауданы")).to_have_count(1)
