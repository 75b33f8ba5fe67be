"""Journey: a tap made while the database is locked is kept, shown, and sent again (issue 12).

Another connection holds the write lock (``shamy.core.testing.locks``) while a facilitator marks
attendance: the tap goes through the device queue (issue 13), the API answers 503, and the row says
the mark is waiting to be sent; once the lock is gone the next page load sends it, once. (A form
posted without the queue gets the 503 page with "Send again": ``core/tests/test_database_unavailable.py``.)
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from e2e.world import sign_in, translated
from shamy.attendance.models import Attendance, AttendanceStatus, Gathering, GatheringKind
from shamy.attendance.services.gatherings import gathering_create
from shamy.core.testing.cast import PASSWORD, build_cast
from shamy.core.testing.locks import database_write_locked
from shamy.programmes.testing import ProgrammeCast, build_programme_cast

# PostgreSQL waits its lock_timeout (20 s) before giving up; SQLite's test database at once.
PATIENCE_MS = 45_000


@pytest.fixture
def session(transactional_db) -> tuple[ProgrammeCast, Gathering]:
    cast = build_programme_cast(build_cast())
    start = timezone.now() + datetime.timedelta(minutes=30)
    gathering = gathering_create(
        actor=cast.timur,
        programme=cast.programme,
        cohort=cast.cohort_a,
        kind=GatheringKind.IN_SCHOOL,
        title="Мектептегі сессия: оқу сауаттылығы",
        school=cast.school_a1,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        leads=[cast.timur],
    )
    return cast, gathering


def test_a_mark_tapped_during_a_lock_is_kept_and_sent_again(page: Page, session):
    cast, gathering = session
    sign_in(page, cast.timur.email, PASSWORD)
    page.get_by_role("link", name=translated("kk", "Attendance"), exact=True).click()
    page.get_by_role("link", name=gathering.title).click()
    page.get_by_role("link", name=translated("kk", "Take attendance")).click()
    talgat = page.locator(f"#attendance-{gathering.attendances.get(person=cast.person_talgat).pk}")

    with database_write_locked(tables=(Attendance._meta.db_table,)):
        talgat.get_by_role("button", name=translated("kk", "Present")).click()
        expect(talgat.locator(".sync-state")).to_have_attribute("data-state", "waiting", timeout=PATIENCE_MS)
        expect(talgat).to_have_attribute("data-status", AttendanceStatus.PRESENT)  # shown as tapped
    assert not Attendance.objects.filter(gathering=gathering, status=AttendanceStatus.PRESENT).exists()

    page.reload()  # the next page load sends what is waiting
    talgat = page.locator(f"#attendance-{gathering.attendances.get(person=cast.person_talgat).pk}")
    expect(talgat.locator(".sync-state")).to_have_attribute("data-state", "saved", timeout=PATIENCE_MS)
    assert Attendance.objects.get(gathering=gathering, person=cast.person_talgat).status == AttendanceStatus.PRESENT
