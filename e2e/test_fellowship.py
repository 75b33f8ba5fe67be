"""Journeys of the fellowship: an applicant applies in Kazakh on a phone; a coordinator moves an
applicant to offer, runs placement and locks a pair."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import pgettext
from playwright.sync_api import Page, expect

from e2e.conftest import PHONE
from e2e.world import sign_in, translated
from shamy.core.testing.cast import PASSWORD, build_cast
from shamy.fellowship.models import Application, PlacementRule, Stage
from shamy.fellowship.tests.world import FellowshipCast, build_fellowship_cast


def translated_in_context(language: str, message: str) -> str:
    with translation.override(language):
        return pgettext("language of instruction", message)


@pytest.fixture
def fellowship(transactional_db, settings, tmp_path) -> FellowshipCast:
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    return build_fellowship_cast(build_cast())


def test_an_applicant_applies_in_kazakh_on_a_phone(phone_page: Page, fellowship: FellowshipCast, tmp_path):
    page = phone_page
    page.goto(reverse("fellowship:apply-start", kwargs={"cohort_id": fellowship.cohort.pk}))
    # Kazakh by default, no sign-in.
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page.locator("h1")).to_have_text(translated("kk", "Apply to the fellowship"))
    page.get_by_label(translated("kk", "Your e-mail")).fill("zhanar@example.kz")
    page.get_by_role("button", name=translated("kk", "Start my application")).click()

    expect(page.locator("h1")).to_have_text(translated("kk", "Your application"))
    page.get_by_label(translated("kk", "full name")).fill("Жанар Әлиева")
    page.get_by_label(translated("kk", "university and degree")).fill("Қарағанды университеті, ағылшын тілі")
    page.locator("#id_subjects").get_by_label(translated("kk", "English")).check()
    page.locator("#id_languages").get_by_label(translated_in_context("kk", "In Kazakh")).check()
    page.locator("#id_accepted_regions").get_by_label(str(fellowship.region_a)).check()
    page.get_by_label(translated("kk", "why you want to teach in a rural school")).fill(
        "Ауыл балаларына ағылшын тілін үйреткім келеді."
    )
    cv = tmp_path / "түйіндеме.pdf"
    cv.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.get_by_label(translated("kk", "CV (PDF or Word)")).set_input_files(str(cv))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name=translated("kk", "Submit my application")).click()

    expect(page.locator("#application-stage")).to_have_text(translated("kk", "Applied"))
    application = Application.objects.get(email="zhanar@example.kz")
    assert application.stage == Stage.APPLIED
    assert application.language == "kk"
    assert application.cv.name.endswith(".pdf")


def test_a_coordinator_moves_to_offer_runs_placement_and_locks_a_pair(page: Page, fellowship: FellowshipCast):
    c = fellowship
    sign_in(page, c.gulnara.email, PASSWORD)
    page.get_by_role("link", name=translated("kk", "Fellowship"), exact=True).click()
    page.get_by_role("link", name=str(c.cohort.cohort)).click()
    page.get_by_role("link", name=translated("kk", "Applications and stages")).click()

    page.get_by_role("checkbox", name=str(c.application)).check()
    page.get_by_label(translated("kk", "Move the selected applications to")).select_option(Stage.OFFER)
    page.get_by_role("button", name=translated("kk", "Move and e-mail the applicants")).click()
    expect(page.locator(".messages, [role=status]").first).to_be_visible()
    assert Application.objects.get(pk=c.application.pk).stage == Stage.OFFER

    page.goto(reverse("fellowship:placement", kwargs={"cohort_id": c.cohort.pk}))
    matches = page.locator("#matches")
    expect(matches).to_contain_text(c.fellow_other.full_name)
    expect(matches).to_contain_text(str(c.school_b1))
    lock = translated("kk", "Lock %(fellow)s here") % {"fellow": c.fellow_other.full_name}
    page.get_by_role("button", name=lock).click()
    expect(matches.locator(".badge")).to_have_text(translated("kk", "locked"))
    expect(page.locator("#rules")).to_contain_text(c.fellow_other.full_name)
    assert PlacementRule.objects.filter(fellow=c.fellow_other, vacancy=c.vacancy_b1, kind="lock").exists()
