"""Journey: a tap made while the database is locked is kept, shown, and sent again (issue 12).

Another connection holds the write lock (``shamy.core.testing.locks``) while a facilitator marks
attendance with htmx: the server answers 503, htmx puts the "database busy" block with the mark
kept into the page, and once the lock is gone "Send again" records it.
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
        send_again = page.locator("#main").get_by_role("button", name=translated("kk", "Send again"))
        expect(send_again).to_be_visible(timeout=PATIENCE_MS)
    expect(page.locator("#main input[type=hidden][name=status]")).to_have_value(AttendanceStatus.PRESENT)
    assert not Attendance.objects.filter(gathering=gathering, status=AttendanceStatus.PRESENT).exists()

    send_again.click()
    expect(page.locator("h1")).to_have_text(translated("kk", "Take attendance"))
    assert Attendance.objects.get(gathering=gathering, person=cast.person_talgat).status == AttendanceStatus.PRESENT
