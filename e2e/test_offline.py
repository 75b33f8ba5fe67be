"""Journeys: attendance taken with no connection (issue 13). The service worker keeps the page, the
device queue keeps the taps, and the server applies each exactly once when the connection is back.

Service workers need a real http origin: the live server on localhost is one (a secure context),
and Chromium allows service workers in a Playwright context by default.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, Route, expect

from e2e.world import sign_in, translated
from shamy.attendance.models import Attendance, AttendanceStatus, Gathering, GatheringKind
from shamy.attendance.services.gatherings import gathering_create
from shamy.audit.models import AuditEntry
from shamy.core.testing.cast import PASSWORD, build_cast
from shamy.core.testing.factories import EmploymentFactory, PersonFactory
from shamy.offline.models import AppliedKey
from shamy.programmes.testing import ProgrammeCast, build_programme_cast

API = "**/api/v1/attendance/marks"


@pytest.fixture
def session(transactional_db) -> tuple[ProgrammeCast, Gathering]:
    """Today's session at school A1, led by timur, with 10 people expected."""
    cast = build_programme_cast(build_cast())
    start = timezone.now() + datetime.timedelta(hours=1)
    gathering = gathering_create(
        actor=cast.timur,
        programme=cast.programme,
        cohort=cast.cohort_a,
        kind=GatheringKind.IN_SCHOOL,
        title="Ауыл мектебіндегі сессия",
        school=cast.school_a1,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1, minutes=30),
        leads=[cast.timur],
    )
    for _n in range(8):  # talgat and timur are expected already: 10 in all
        person = PersonFactory()
        EmploymentFactory(person=person, school=cast.school_a1)
        Attendance.objects.create(gathering=gathering, person=person, school=cast.school_a1)
    return cast, gathering


def _open_for_offline(page: Page, gathering: Gathering, user_id: int) -> str:
    """Open the attendance page online until the service worker controls it and keeps a copy."""
    url = reverse("attendance:attendance-take", args=[gathering.pk])
    page.goto(url)
    page.evaluate(
        """() => navigator.serviceWorker.ready.then(() => navigator.serviceWorker.controller || new Promise(
            resolve => navigator.serviceWorker.addEventListener("controllerchange", resolve)))"""
    )
    page.reload()  # through the worker now: it keeps the page
    # The worker stores its copy just after answering: wait (in the page) until it is there.
    page.evaluate(
        """async ([name, url]) => {
            while (!(await caches.open(name).then(cache => cache.match(url)))) {
                await new Promise(resolve => requestAnimationFrame(resolve));
            }
        }""",
        [f"shamy-pages-{user_id}", page.url],
    )
    return url


def _tap_everyone(page: Page, label: str) -> None:
    for row in page.locator("li.attendance-row").all():
        row.get_by_role("button", name=label).click()


def test_ten_marks_taken_offline_survive_a_reload_and_arrive_once(page: Page, session):
    cast, gathering = session
    sign_in(page, cast.timur.email, PASSWORD)
    _open_for_offline(page, gathering, cast.timur.pk)
    present = translated("kk", "Present")
    rows = page.locator("li.attendance-row")
    expect(rows).to_have_count(10)

    page.context.set_offline(True)
    _tap_everyone(page, present)
    waiting = translated("kk", "Waiting to send (%(count)s)") % {"count": 10}
    for row in rows.all():
        expect(row).to_have_attribute("data-status", "present")
        expect(row.locator(".sync-state")).to_have_text(waiting)
    expect(page.locator("#queue-badge .queue-count")).to_have_text("10")
    assert not Attendance.objects.filter(gathering=gathering).exclude(status="").exists()

    page.reload()  # no connection: the page opens from the worker's copy, the taps from the queue
    expect(page.locator("h1")).to_have_text(translated("kk", "Take attendance"))
    for row in rows.all():
        expect(row).to_have_attribute("data-status", "present")
        expect(row.locator(".sync-state")).to_have_text(waiting)

    page.context.set_offline(False)  # the `online` event sends the queue
    saved = translated("kk", "Saved")
    for row in rows.all():
        expect(row.locator(".sync-state")).to_have_text(saved)
    expect(page.locator("#queue-badge")).to_be_hidden()
    statuses = list(Attendance.objects.filter(gathering=gathering).values_list("status", flat=True))
    assert statuses == [AttendanceStatus.PRESENT] * 10
    assert AppliedKey.objects.filter(user=cast.timur).count() == 10
    assert AuditEntry.objects.filter(action="attendance.attendance.marked").count() == 10


def test_a_queue_replayed_after_a_lost_response_creates_nothing_twice(page: Page, session):
    cast, gathering = session
    # As a browser without Background Sync: the page alone sends, so the lost answer is the page's.
    page.context.add_init_script("delete ServiceWorkerRegistration.prototype.sync;")
    sign_in(page, cast.timur.email, PASSWORD)
    _open_for_offline(page, gathering, cast.timur.pk)
    page.context.set_offline(True)
    _tap_everyone(page, translated("kk", "Late"))

    def lose_the_answer(route: Route) -> None:
        route.fetch()  # the server applies the batch ...
        route.abort()  # ... and the answer never reaches the phone

    page.context.route(API, lose_the_answer)
    with page.expect_event("requestfailed", predicate=lambda request: "/attendance/marks" in request.url):
        page.context.set_offline(False)
    expect(page.locator("#queue-badge .queue-count")).to_have_text("10")  # still queued on the phone
    expect(page.locator("li.attendance-row .sync-state").first).to_have_text(
        translated("kk", "Waiting to send (%(count)s)") % {"count": 10}
    )
    assert AppliedKey.objects.filter(user=cast.timur).count() == 10  # applied once already

    page.context.unroute_all(behavior="ignoreErrors")
    page.reload()  # the next page load (or the `online` event before it) sends the same queue again
    # An item leaves the queue only once the server has answered for it.
    page.evaluate(
        """async () => {
            while ((await ShamyOffline.list()).length) await new Promise(r => requestAnimationFrame(r));
        }"""
    )
    expect(page.locator("#queue-badge")).to_be_hidden()
    assert AppliedKey.objects.filter(user=cast.timur).count() == 10
    assert AuditEntry.objects.filter(action="attendance.attendance.marked").count() == 10
    assert list(Attendance.objects.filter(gathering=gathering).values_list("status", flat=True)) == ["late"] * 10


def test_signing_out_with_queued_marks_warns_and_the_next_user_sees_nothing(page: Page, session):
    cast, gathering = session
    sign_in(page, cast.timur.email, PASSWORD)
    url = _open_for_offline(page, gathering, cast.timur.pk)
    page.context.set_offline(True)
    _tap_everyone(page, translated("kk", "Absent"))
    page.context.route(API, lambda route: route.abort())  # the server is out of reach: the marks stay queued
    page.context.set_offline(False)

    messages: list[str] = []

    def answer(dialog) -> None:
        messages.append(dialog.message)
        dialog.accept()

    page.once("dialog", answer)
    page.locator("#logout-form button").click()
    expect(page.locator("input[name=username]")).to_be_visible()
    assert messages and "10" in messages[0]
    page.context.unroute_all(behavior="ignoreErrors")

    sign_in(page, cast.aliya.email, PASSWORD)  # the coordinator, on the same phone
    page.goto(url)
    expect(page.locator("#queue-badge")).to_be_hidden()
    for row in page.locator("li.attendance-row").all():
        expect(row).to_have_attribute("data-status", "")
        expect(row.locator(".sync-state")).to_have_text("")
    left = page.evaluate(f"ShamyQueue.list('{cast.timur.pk}').then(items => items.length)")
    cached = page.evaluate(f"caches.has('shamy-pages-{cast.timur.pk}')")
    assert (left, cached) == (0, False)
    page.goto(reverse("offline:queue"))
    expect(page.locator("#queue-empty")).to_be_visible()
    assert not Attendance.objects.filter(gathering=gathering).exclude(status="").exists()
    assert not AppliedKey.objects.exists()


def test_two_facilitators_marking_offline_the_later_tap_stands_and_both_are_on_record(
    page: Page, browser: Browser, live_server, session
):
    cast, gathering = session
    talgat_row = f"#attendance-{gathering.attendances.get(person=cast.person_talgat).pk}"
    other = browser.new_context(base_url=live_server.url, locale="kk-KZ")
    coordinator = other.new_page()
    try:
        sign_in(page, cast.timur.email, PASSWORD)
        _open_for_offline(page, gathering, cast.timur.pk)
        sign_in(coordinator, cast.aliya.email, PASSWORD)
        _open_for_offline(coordinator, gathering, cast.aliya.pk)
        page.context.set_offline(True)
        other.set_offline(True)
        page.locator(talgat_row).get_by_role("button", name=translated("kk", "Present")).click()
        expect(page.locator(f"{talgat_row} .sync-state")).not_to_be_empty()
        coordinator.locator(talgat_row).get_by_role("button", name=translated("kk", "Absent")).click()  # later
        expect(coordinator.locator(f"{talgat_row} .sync-state")).not_to_be_empty()

        other.set_offline(False)  # the later tap arrives first ...
        expect(coordinator.locator(f"{talgat_row} .sync-state")).to_have_text(translated("kk", "Saved"))
        page.context.set_offline(False)  # ... and the earlier one after it: the rule keeps the later
        expect(page.locator(f"{talgat_row} .sync-state")).to_contain_text(cast.aliya.get_full_name())
        expect(page.locator(talgat_row)).to_have_attribute("data-status", "absent")
    finally:
        other.close()
    row = Attendance.objects.get(gathering=gathering, person=cast.person_talgat)
    assert (row.status, row.marked_by) == ("absent", cast.aliya)
    actions = list(
        AuditEntry.objects.filter(target_id=str(row.pk), action__startswith="attendance.attendance.mark")
        .order_by("id")
        .values_list("action", "actor")
    )
    assert actions == [
        ("attendance.attendance.marked", cast.aliya.pk),
        ("attendance.attendance.mark_overruled", cast.timur.pk),
    ]
