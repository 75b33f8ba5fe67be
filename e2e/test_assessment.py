"""The certification chain in a browser: the teacher submits, the link facilitator assesses, the
coordinator moderates (draws the sample and, as the only other marker here, marks it; within the
threshold it returns to the certifier), the certifier approves, the teacher downloads the PDF; a
stranger opens the QR code's page and sees "valid", and "revoked" after the certifier revokes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from e2e.world import sign_in, translated
from shamy.assessment.services.rubrics import TEACHER_LEADERSHIP_CRITERIA, TEACHER_LEADERSHIP_TITLE, rubric_create
from shamy.core.testing.cast import PASSWORD, build_cast
from shamy.credentials.models import Certificate
from shamy.credentials.services.issuers import issuer_create
from shamy.portfolios.models import FocusTheme
from shamy.portfolios.services.portfolios import section_save
from shamy.portfolios.services.projects import project_create
from shamy.programmes.testing import ProgrammeCast, build_programme_cast


@pytest.fixture
def chain_world(transactional_db, settings, tmp_path) -> ProgrammeCast:
    settings.MEDIA_ROOT = tmp_path / "media"
    theme, _ = FocusTheme.objects.get_or_create(
        code="functional-literacy",
        defaults={"name_kk": "Функционалдық сауаттылық", "name_ru": "Функциональная грамотность", "name_en": "FL"},
    )
    cast = build_programme_cast(build_cast())
    rubric_create(
        actor=None, programme=cast.programme, title=TEACHER_LEADERSHIP_TITLE, criteria=TEACHER_LEADERSHIP_CRITERIA
    )
    issuer_create(
        actor=None,
        programme=cast.programme,
        slug="kaznu",
        name={"kk": "Әл-Фараби атындағы ҚазҰУ", "ru": "КазНУ имени аль-Фараби", "en": "Al-Farabi KazNU"},
        signatory_name="Жанар Әбдіқалықова",
        signatory_title={"kk": "Проректор", "ru": "Проректор", "en": "Vice-rector"},
        series_prefix="KAZNU",
    )
    project = project_create(actor=cast.talgat, cohort=cast.cohort_a, title="Мәтінді түсіну", theme=theme)
    for section in project.portfolio.sections.all():
        section_save(actor=cast.talgat, section=section, body="Әріптестермен бірге жасалған жұмыс.", version=1)
    cast.project = project
    return cast


@pytest.fixture
def person(browser: Browser, live_server: LiveServer) -> Iterator:
    contexts = []

    def open_page() -> Page:
        context = browser.new_context(base_url=live_server.url, accept_downloads=True, locale="kk-KZ")
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def test_full_chain_then_a_stranger_verifies_valid_then_revoked(chain_world, person, tmp_path: Path):
    cast = chain_world
    kk = "kk"

    teacher = person()
    sign_in(teacher, cast.talgat.email, PASSWORD)
    teacher.goto(reverse("assessment:submit", args=[cast.project.pk]))
    expect(teacher.get_by_test_id("rules")).to_contain_text(translated(kk, "met"))
    teacher.get_by_role("button", name=translated(kk, "Submit for assessment")).click()
    expect(teacher.get_by_test_id("status")).to_have_text(translated(kk, "Submitted, awaiting assessment"))

    assessor = person()
    sign_in(assessor, cast.madina.email, PASSWORD)
    assessor.get_by_role("link", name=translated(kk, "Assessment queue"), exact=True).click()
    assessor.get_by_test_id("queue").get_by_role("link", name=translated(kk, "Assess")).click()
    for item in TEACHER_LEADERSHIP_CRITERIA:
        assessor.locator(f"input[name=level_{item['code']}][value='3']").check()
    assessor.locator("textarea[name=comment_lead]").fill("Дәлелдер жеткілікті.")
    assessor.locator("input[name=recommendation][value=certify]").check()
    expect(assessor.locator("#autosave-status")).to_contain_text(translated(kk, "Saved at %(when)s").split("%")[0][:3])
    assessor.get_by_role("button", name=translated(kk, "Finish the assessment")).click()
    expect(assessor.get_by_test_id("status")).to_have_text(translated(kk, "Recommended for certification"))

    coordinator = person()  # draws the whole cohort into moderation and, as the only other marker, marks it
    sign_in(coordinator, cast.aliya.email, PASSWORD)
    coordinator.goto(reverse("assessment:moderation", args=[cast.programme.pk]))
    coordinator.locator("input[name=share]").fill("100")
    coordinator.get_by_role("button", name=translated(kk, "Draw the sample")).click()
    coordinator.goto(reverse("assessment:moderation-queue"))
    coordinator.get_by_test_id("to-mark").get_by_role("link", name=translated(kk, "Mark")).click()
    for item in TEACHER_LEADERSHIP_CRITERIA:
        coordinator.locator(f"input[name=level_{item['code']}][value='3']").check()
    coordinator.get_by_role("button", name=translated(kk, "Record my marks")).click()
    expect(coordinator.get_by_text(translated(kk, "Your marks are recorded."))).to_be_visible()

    certifier = person()
    sign_in(certifier, cast.serik.email, PASSWORD)
    certifier.get_by_role("link", name=translated(kk, "Certification"), exact=True).click()
    certifier.get_by_label("Мәтінді түсіну").check()
    certifier.locator("input[name=decision][value=approved]").check()
    certifier.get_by_role("button", name=translated(kk, "Record the decision")).click()
    expect(certifier.get_by_text(translated(kk, "No portfolio awaits certification."))).to_be_visible()
    certificate = Certificate.objects.get()

    teacher.goto(reverse("credentials:certificate-list"))
    card = teacher.get_by_test_id("certificate")
    expect(card).to_contain_text(certificate.number)
    with teacher.expect_download() as download_info:
        card.get_by_role("link", name=f"PDF ({translated(kk, 'Kazakh')})").click()
    pdf = tmp_path / "certificate.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    stranger = person()  # no sign-in: the QR code's URL, on this server
    qr_path = urlsplit(certificate.verify_url).path
    stranger.goto(qr_path)
    expect(stranger.get_by_test_id("verdict")).to_have_attribute("data-status", "valid")
    expect(stranger.get_by_test_id("verdict")).to_contain_text(translated(kk, "Valid"))

    certifier.goto(reverse("credentials:certificate-list"))
    certifier.get_by_text(translated(kk, "Revoke"), exact=True).click()
    certifier.get_by_label(translated(kk, "Reason")).fill("Плагиат анықталды")
    certifier.get_by_role("button", name=translated(kk, "Revoke the certificate")).click()
    expect(certifier.get_by_test_id("certificate")).to_contain_text("Плагиат анықталды")

    stranger.reload()
    expect(stranger.get_by_test_id("verdict")).to_have_attribute("data-status", "revoked")
    expect(stranger.get_by_test_id("verdict")).to_contain_text("Плагиат анықталды")
