"""Journeys: a teacher's project journal, plan and portfolio section, survey answers and the door's
check-in, captured with no connection through the one offline mechanism (issue 13): the pages open
from the service worker's copy, the writes wait in the device queue, and the server applies each
exactly once when the connection is back, even when a lost answer makes the queue send twice."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, Route, expect

from e2e.conftest import PHONE
from e2e.world import sign_in, translated
from shamy.audit.models import AuditEntry
from shamy.core.testing.cast import PASSWORD, build_cast
from shamy.offline.models import AppliedKey
from shamy.operators.models import Registration, Scan
from shamy.operators.tests.scene import build_operator_scene
from shamy.portfolios.models import DevelopmentProject, FocusTheme, JournalEntry, PortfolioSection
from shamy.portfolios.services.projects import project_create, step_add
from shamy.programmes.testing import build_programme_cast
from shamy.surveys.models import Answer, Response
from shamy.surveys.testing import build_survey_scene


def _cached(page: Page, user_id: int, url: str) -> None:
    """Open ``url`` online until the service worker controls the page and keeps its copy."""
    page.goto(url)
    page.evaluate(
        """() => navigator.serviceWorker.ready.then(() => navigator.serviceWorker.controller || new Promise(
            resolve => navigator.serviceWorker.addEventListener("controllerchange", resolve)))"""
    )
    page.reload()
    page.evaluate(
        """async ([name, url]) => {
            while (!(await caches.open(name).then(cache => cache.match(url)))) {
                await new Promise(resolve => requestAnimationFrame(resolve));
            }
        }""",
        [f"shamy-pages-{user_id}", page.url],
    )


def _drained(page: Page) -> None:
    page.evaluate(
        """async () => {
            while ((await ShamyOffline.list()).length) await new Promise(r => requestAnimationFrame(r));
        }"""
    )


@pytest.fixture
def project(transactional_db):
    # transactional_db flushes the focus themes seeded by the data migration: made again here.
    theme, _ = FocusTheme.objects.get_or_create(
        code="functional-literacy",
        defaults={"name_kk": "Функционалдық сауаттылық", "name_ru": "Функциональная", "name_en": "Literacy"},
    )
    cast = build_programme_cast(build_cast())
    project = project_create(actor=cast.talgat, cohort=cast.cohort_a, title="Мәтінді түсіну", theme=theme)
    step_add(actor=cast.talgat, project=project, title="Сабақты бақылау", due_on=timezone.localdate())
    return cast, project


def test_a_journal_entry_a_step_and_a_section_written_offline_arrive_once(page: Page, project):
    cast, project = project
    section = project.portfolio.sections.order_by("order", "pk").first()
    sign_in(page, cast.talgat.email, PASSWORD)
    section_url = reverse("portfolios:section-edit", args=[section.pk])
    _cached(page, cast.talgat.pk, section_url)
    project_url = reverse("portfolios:project-detail", args=[project.pk])
    _cached(page, cast.talgat.pk, project_url)

    page.context.set_offline(True)
    page.locator("#journal textarea[name=text]").fill("Бүгін байланыс жоқ, бірақ сабақ жақсы өтті.")
    page.get_by_role("button", name=translated("kk", "Add to the journal")).click()
    page.locator("#plan").get_by_role("button", name=translated("kk", "Mark as done")).click()
    waiting = translated("kk", "Waiting to send (%(count)s)") % {"count": 2}
    expect(page.locator('[data-offline-status^="journal:"] .sync-state')).to_have_text(waiting)
    expect(page.locator('[data-offline-status^="project:"] .sync-state')).to_have_text(waiting)
    expect(page.locator("#queue-badge .queue-count")).to_have_text("2")

    page.goto(section_url)  # no connection: the editor opens from the worker's copy
    page.locator("textarea[name=body]").fill("Офлайн жазылған бөлім.")
    page.get_by_role("button", name=translated("kk", "Save"), exact=True).click()
    expect(page.locator("#queue-badge .queue-count")).to_have_text("3")
    page.goto(project_url)  # and the project page, with what waits on the phone
    expect(page.locator('[data-offline-status^="journal:"] .sync-state')).to_have_text(
        translated("kk", "Waiting to send (%(count)s)") % {"count": 3}
    )
    assert not JournalEntry.objects.exists()

    page.context.set_offline(False)  # the `online` event sends the queue
    expect(page.locator('[data-offline-status^="journal:"] .sync-state')).to_have_attribute("data-state", "saved")
    expect(page.locator('[data-offline-status^="project:"] .sync-state')).to_have_attribute("data-state", "saved")
    expect(page.locator("#queue-badge")).to_be_hidden()
    entry = JournalEntry.objects.get(project=project)
    assert entry.text == "Бүгін байланыс жоқ, бірақ сабақ жақсы өтті." and entry.written_on_device_at is not None
    assert project.steps.get().done_on == timezone.localdate()
    assert PortfolioSection.objects.get(pk=section.pk).body == "Офлайн жазылған бөлім."
    assert AppliedKey.objects.filter(user=cast.talgat).count() == 3
    page.reload()  # nothing is sent twice
    expect(page.locator("#queue-badge")).to_be_hidden()
    assert JournalEntry.objects.count() == 1
    assert AuditEntry.objects.filter(action="portfolios.journal_entry.created").count() == 1


def test_a_journal_queue_replayed_after_a_lost_answer_creates_one_entry(page: Page, project):
    cast, project = project
    page.context.add_init_script("delete ServiceWorkerRegistration.prototype.sync;")  # the page alone sends
    sign_in(page, cast.talgat.email, PASSWORD)
    _cached(page, cast.talgat.pk, reverse("portfolios:project-detail", args=[project.pk]))
    page.context.set_offline(True)
    page.locator("#journal textarea[name=text]").fill("Жауабы жоғалған жазба.")
    page.get_by_role("button", name=translated("kk", "Add to the journal")).click()
    expect(page.locator("#queue-badge .queue-count")).to_have_text("1")

    def lose_the_answer(route: Route) -> None:
        route.fetch()  # the server applies the batch ...
        route.abort()  # ... and the answer never reaches the phone

    page.context.route("**/api/v1/portfolios/journal-entries", lose_the_answer)
    with page.expect_event("requestfailed", predicate=lambda request: "journal-entries" in request.url):
        page.context.set_offline(False)
    expect(page.locator("#queue-badge .queue-count")).to_have_text("1")  # still on the phone
    assert JournalEntry.objects.count() == 1
    page.context.unroute_all(behavior="ignoreErrors")
    page.reload()  # sent again: answered "duplicate", and it leaves the queue
    _drained(page)
    expect(page.locator("#queue-badge")).to_be_hidden()
    assert JournalEntry.objects.count() == 1 and AppliedKey.objects.count() == 1


@pytest.fixture
def survey(transactional_db):
    cast = build_programme_cast(build_cast())
    return cast, build_survey_scene(cast)


def test_survey_answers_given_offline_are_submitted_once(page: Page, survey):
    cast, scene = survey
    page.context.add_init_script("delete ServiceWorkerRegistration.prototype.sync;")
    sign_in(page, cast.talgat.email, PASSWORD)
    url = reverse("surveys:respond", args=[scene.pre.pk])
    _cached(page, cast.talgat.pk, url)
    page.context.set_offline(True)
    page.reload()  # opens from the worker's copy
    page.locator(f"input[name=q{scene.likert.pk}][value='4']").check()
    page.locator(f"input[name=q{scene.single.pk}][value='no']").check()
    page.locator(f"input[name=q{scene.number.pk}]").fill("3")
    page.locator(f"input[name=q{scene.matrix.pk}_research][value='3']").check()
    page.locator(f"input[name=q{scene.matrix.pk}_leadership][value='4']").check()

    answered = []

    def lose_the_answer(route):  # the server applies the batch, the phone never hears back
        answered.append(1)
        route.fetch()
        route.abort()

    page.context.route("**/api/v1/surveys/answers", lose_the_answer)
    page.get_by_role("button", name=translated("kk", "Send my answers")).click()
    status = page.locator(f'[data-offline-status="survey:{scene.pre.pk}"] .sync-state')
    expect(status).to_have_attribute("data-state", "waiting")
    assert not Response.objects.filter(submitted_on__isnull=False).exists()
    with page.expect_event("requestfailed", predicate=lambda request: "surveys/answers" in request.url):
        page.context.set_offline(False)  # applied, but the answer is lost
    page.context.unroute_all(behavior="ignoreErrors")
    page.evaluate("ShamyOffline.send()")  # the replay
    expect(status).to_have_attribute("data-state", "saved")
    _drained(page)
    response = Response.objects.get(survey=scene.pre, submitted_on__isnull=False)
    assert Answer.objects.get(response=response, question=scene.likert).number == 4
    assert AuditEntry.objects.filter(action="surveys.response.submitted").count() == 1
    assert AppliedKey.objects.filter(user=cast.talgat, kind="surveys.answer").count() == 1


def test_a_name_found_offline_at_the_door_is_checked_in_once(browser: Browser, live_server, transactional_db):
    cast = build_programme_cast(build_cast())
    scene = build_operator_scene(cast)
    registration = scene.registration
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="kk-KZ")
    context.add_init_script("delete ServiceWorkerRegistration.prototype.sync;")
    try:
        phone = context.new_page()
        sign_in(phone, cast.madina.email, PASSWORD)
        _cached(phone, cast.madina.pk, reverse("operators:check-in", args=[scene.event.pk]))
        context.set_offline(True)
        phone.reload()  # from the worker's copy
        phone.locator("#id_q").fill(registration.full_name[:5])
        phone.get_by_role("button", name=translated("kk", "Search")).click()
        phone.locator("#found-offline").get_by_role("button", name=translated("kk", "Check in")).first.click()
        expect(phone.locator("#connection")).to_have_attribute("data-pending", "1")
        expect(phone.locator("#queue-badge .queue-count")).to_have_text("1")

        def lose_the_answer(route: Route) -> None:
            route.fetch()
            route.abort()

        context.route("**/api/v1/operators/check-ins", lose_the_answer)
        with phone.expect_event("requestfailed", predicate=lambda request: "check-ins" in request.url):
            context.set_offline(False)
        context.unroute_all(behavior="ignoreErrors")
        phone.reload()  # the replay: the same key again
        expect(phone.locator("#connection")).to_have_attribute("data-pending", "0")
        _drained(phone)
        expect(phone.locator("#queue-badge")).to_be_hidden()
    finally:
        context.close()
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    assert Scan.objects.filter(registration=registration).count() == 1
    assert AppliedKey.objects.filter(user=cast.madina, kind="operators.scan").count() == 1
    assert Registration.objects.filter(event=scene.event, checked_in_at__isnull=False).count() == 1


def test_the_project_page_stays_usable_online(page: Page, project):
    # Online nothing changes: the journal form posts at once, as before.
    cast, project = project
    sign_in(page, cast.talgat.email, PASSWORD)
    page.goto(reverse("portfolios:project-detail", args=[project.pk]))
    page.locator("#journal textarea[name=text]").fill("Байланыс бар.")
    page.get_by_role("button", name=translated("kk", "Add to the journal")).click()
    expect(page.locator("#journal .card")).to_contain_text("Байланыс бар.")
    assert DevelopmentProject.objects.get(pk=project.pk).journal.count() == 1
    assert not AppliedKey.objects.exists()
