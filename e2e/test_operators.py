"""Journeys of the school-operator programme (issue 16):

- a teacher registers for the summit on the public page and gets a ticket;
- a volunteer checks them in on a phone while the venue's connection is down (the scan is queued
  on the device, a second door scans the same ticket too), comes back online, and the attendance
  appears once;
- a teacher of an operator school signs up for a Saturday training session.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.conftest import PHONE
from e2e.world import sign_in, translated
from shamy.core.testing.cast import PASSWORD, build_cast
from shamy.operators.models import Registration, RegistrationStatus, Scan
from shamy.operators.tests.scene import OperatorScene, build_operator_scene
from shamy.operators.tickets import ticket_qr_svg
from shamy.programmes.testing import ProgrammeCast, build_programme_cast

DECODE = """async (svg) => {
  const image = new Image();
  image.src = "data:image/svg+xml;base64," + btoa(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" '));
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.width * 2; canvas.height = image.height * 2;
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff"; context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
  const code = window.jsQR(pixels.data, pixels.width, pixels.height);
  return code && code.data;
}"""


@pytest.fixture
def world(transactional_db) -> tuple[ProgrammeCast, OperatorScene]:
    cast = build_programme_cast(build_cast())
    return cast, build_operator_scene(cast)


def test_a_teacher_registers_and_a_volunteer_checks_them_in_offline(page: Page, browser: Browser, live_server, world):
    cast, scene = world
    # The public page, in Kazakh, no account needed.
    page.goto(f"/operators/e/{scene.event.slug}/")
    expect(page.locator("h1")).to_have_text("Мұғалімдер саммиті")
    page.get_by_label(translated("kk", "Full name")).fill("Айжан Серікова")
    page.get_by_label(translated("kk", "E-mail")).fill("aizhan@example.kz")
    page.get_by_label(translated("kk", "School")).select_option(str(cast.school_b1.pk))
    page.get_by_role("button", name=translated("kk", "Register")).click()
    expect(page.locator("h1")).to_have_text(translated("kk", "Your ticket"))
    expect(page.locator("#ticket-status")).to_have_attribute("data-status", "confirmed")
    expect(page.locator("figure.qr svg")).to_be_visible()
    registration = Registration.objects.get(email="aizhan@example.kz")
    assert registration.status == RegistrationStatus.CONFIRMED and registration.side == "state"

    # A volunteer at the door, on a phone; the venue's connection drops.
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="kk-KZ")
    try:
        phone = context.new_page()
        sign_in(phone, cast.madina.email, PASSWORD)
        phone.goto(f"/operators/events/{scene.event.pk}/check-in/")
        expect(phone.locator("#connection")).to_have_attribute("data-pending", "0")
        # The self-hosted scanner (jsQR) reads the ticket's QR code as the camera would see it.
        assert phone.evaluate(DECODE, ticket_qr_svg(registration)) == registration.code
        context.set_offline(True)
        phone.get_by_label(translated("kk", "Door")).fill("north")
        phone.get_by_label(translated("kk", "Ticket code")).fill(registration.code)
        phone.get_by_role("button", name=translated("kk", "Check in"), exact=True).click()
        # A second scan of the same ticket (the volunteer's next door colleague scanned it too).
        phone.get_by_label(translated("kk", "Ticket code")).fill(registration.code)
        phone.get_by_role("button", name=translated("kk", "Check in"), exact=True).click()
        expect(phone.locator("#connection")).to_have_attribute("data-pending", "2")
        expect(phone.locator('#results li[data-outcome="queued"]')).to_have_count(2)
        registration.refresh_from_db()
        assert registration.checked_in_at is None  # nothing reached the server yet

        # Back online: the queue syncs by itself; the ticket counts once, the second scan is told so.
        context.set_offline(False)
        expect(phone.locator("#connection")).to_have_attribute("data-pending", "0")
        expect(phone.locator('#results li[data-outcome="checked_in"]')).to_have_count(1)
        expect(phone.locator('#results li[data-outcome="already"]')).to_have_count(1)
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        # A reload re-sends nothing twice: the queue on the phone is settled.
        phone.reload()
        expect(phone.locator("#connection")).to_have_attribute("data-pending", "0")
    finally:
        context.close()
    registration.refresh_from_db()
    assert registration.checked_in_at is not None and registration.checked_in_door == "north"
    assert Scan.objects.filter(registration=registration).count() == 2
    assert Registration.objects.filter(event=scene.event, checked_in_at__isnull=False).count() == 1


def test_a_teacher_signs_up_for_a_saturday_session(phone_page: Page, world):
    cast, scene = world
    page = phone_page
    scene.signup_talgat.delete()
    sign_in(page, cast.talgat.email, PASSWORD)
    page.get_by_role("button", name=translated("kk", "Menu")).click()  # the menu is folded on a phone
    page.get_by_role("link", name=translated("kk", "Training days"), exact=True).first.click()
    expect(page.locator("h1")).to_have_text(translated("kk", "Training days"))
    page.locator("main").get_by_role("link", name=translated("kk", "Training days"), exact=True).click()
    page.locator(f'a[href="/operators/days/{scene.day.pk}/"]').click()
    session = page.locator(f"#session-{scene.session.pk}")
    session.get_by_role("button", name=translated("kk", "Sign up")).click()
    expect(page.locator(f"#session-{scene.session.pk}")).to_contain_text(translated("kk", "You are signed up."))
    assert scene.session.gathering.attendances.filter(person=cast.person_talgat).exists()
