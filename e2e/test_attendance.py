"""Journey: a school facilitator takes attendance of an in-school session on a phone."""

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
from shamy.programmes.testing import ProgrammeCast, build_programme_cast


@pytest.fixture
def session(transactional_db) -> tuple[ProgrammeCast, Gathering]:
    cast = build_programme_cast(build_cast())
    start = timezone.now() + datetime.timedelta(minutes=30)  # marking opens an hour before
    gathering = gathering_create(
        actor=cast.timur,
        programme=cast.programme,
        cohort=cast.cohort_a,
        kind=GatheringKind.IN_SCHOOL,
        title="Мектептегі сессия: функционалдық сауаттылық",
        school=cast.school_a1,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1, minutes=30),
        leads=[cast.timur],
    )
    return cast, gathering


def test_facilitator_takes_attendance_on_a_phone(phone_page: Page, session):
    cast, gathering = session
    page = phone_page
    sign_in(page, cast.timur.email, PASSWORD)

    # From the menu (folded behind its button on a phone) to the session, as a facilitator would on the day.
    page.get_by_role("button", name=translated("kk", "Menu")).click()
    page.get_by_role("link", name=translated("kk", "Attendance"), exact=True).click()
    expect(page.locator("h1")).to_have_text(translated("kk", "My sessions"))
    page.get_by_role("link", name=gathering.title).click()
    page.get_by_role("link", name=translated("kk", "Take attendance")).click()
    expect(page.locator("h1")).to_have_text(translated("kk", "Take attendance"))

    rows = page.locator("li.attendance-row")
    expect(rows).to_have_count(2)  # talgat (teacher) and timur (facilitator) of school A1
    talgat = page.locator(f"#attendance-{gathering.attendances.get(person=cast.person_talgat).pk}")
    timur = page.locator(f"#attendance-{gathering.attendances.get(person=cast.person_timur).pk}")
    present = translated("kk", "Present")
    late = translated("kk", "Late")

    # Big enough to tap, and nothing scrolls sideways on a 390 px screen.
    box = talgat.get_by_role("button", name=present).bounding_box()
    assert box is not None and box["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # One tap per person; htmx swaps just that row.
    url_before = page.url
    talgat.get_by_role("button", name=present).tap()
    expect(talgat).to_have_attribute("data-status", "present")
    expect(talgat.get_by_role("button", name=present)).to_have_attribute("aria-pressed", "true")
    timur.get_by_role("button", name=late).tap()
    expect(timur).to_have_attribute("data-status", "late")
    # A change of mind is one more tap.
    talgat.get_by_role("button", name=translated("kk", "Excused")).tap()
    expect(talgat).to_have_attribute("data-status", "excused")
    assert page.url == url_before  # no page loads

    statuses = dict(Attendance.objects.filter(gathering=gathering).values_list("person_id", "status"))
    assert statuses == {cast.person_talgat.pk: AttendanceStatus.EXCUSED, cast.person_timur.pk: AttendanceStatus.LATE}

    # The marks survive a reload.
    page.reload()
    expect(talgat).to_have_attribute("data-status", "excused")
    expect(timur).to_have_attribute("data-status", "late")

    # Russian labels are the longest ("Уважительная причина"): the buttons wrap, the page stays
    # within the screen, in every language.
    for language in ("ru", "en"):
        type(cast.timur).objects.filter(pk=cast.timur.pk).update(language=language)
        page.reload()
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(rows).to_have_count(2)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], language
