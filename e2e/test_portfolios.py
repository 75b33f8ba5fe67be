"""Journeys through development projects: a teacher moves a project from concern to plan and
uploads evidence; a link facilitator leaves feedback that the teacher then sees."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from playwright.sync_api import Page, expect

from e2e.world import sign_in, translated
from shamy.core.testing.cast import PASSWORD, build_cast
from shamy.portfolios.models import DevelopmentProject, Evidence, FocusTheme
from shamy.portfolios.services.evidence import evidence_add
from shamy.portfolios.services.portfolios import section_save
from shamy.portfolios.services.projects import journal_add, project_create
from shamy.programmes.testing import ProgrammeCast, build_programme_cast


@pytest.fixture
def programme_world(transactional_db) -> ProgrammeCast:
    # transactional_db flushes tables, so the focus themes seeded by the data migration are
    # re-created here.
    for order, (code, kk, ru, en) in enumerate(
        [("functional-literacy", "Функционалдық сауаттылық", "Функциональная грамотность", "Functional literacy")],
        start=1,
    ):
        FocusTheme.objects.get_or_create(
            code=code, defaults={"name_kk": kk, "name_ru": ru, "name_en": en, "order": order}
        )
    return build_programme_cast(build_cast())


def _photo(tmp_path: Path) -> Path:
    image = Image.new("RGB", (200, 150), (40, 120, 200))
    exif = Image.Exif()
    exif.get_ifd(0x8825)[1] = "N"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    target = tmp_path / "сабақ.jpg"
    target.write_bytes(out.getvalue())
    return target


def test_teacher_moves_a_project_from_concern_to_plan_and_uploads_evidence(
    page: Page, programme_world: ProgrammeCast, tmp_path: Path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    cast = programme_world
    sign_in(page, cast.talgat.email, PASSWORD)
    page.get_by_role("link", name=translated("kk", "My projects"), exact=True).click()
    page.get_by_role("link", name=translated("kk", "Start a project")).click()
    page.locator("input[name=title]").fill("Оқушылардың мәтінді түсінуін арттыру")
    page.locator("select[name=theme]").select_option(label="Функционалдық сауаттылық")
    page.locator("textarea[name=concern]").fill("Оқушылар мәтіннің негізгі ойын таба алмайды.")
    page.locator("main form button[type=submit]").click()

    current = page.get_by_test_id("current-stage")
    expect(current).to_have_text(cast.programme.stages.get(code="concern").title_kk)
    # Drafts save as the teacher types: the journal answers "Saved at HH:MM".
    page.locator("textarea[name=text]").first.press_sequentially("Бүгін әріптестеріммен сөйлестім")
    saved = translated("kk", "Saved at %(time)s").replace("%(time)s", "")
    expect(page.locator(".autosave-status").first).to_contain_text(saved.strip())

    for code in ("values", "consult", "plan"):
        page.locator("form[action$='/stage/'] button.primary").click()
        expect(current).to_have_text(cast.programme.stages.get(code=code).title_kk)

    page.locator("#plan input[name=title]").fill("Оқушылар арасында сауалнама")
    page.locator("#plan input[name=due_on]").fill("2030-02-15")
    page.locator("#plan button[type=submit]").click()
    expect(page.locator("#plan")).to_contain_text("Оқушылар арасында сауалнама")

    page.get_by_role("link", name=translated("kk", "Add evidence")).click()
    page.locator("input[name=title]").fill("Топтық жұмыс")
    page.locator("input[name=file]").set_input_files(str(_photo(tmp_path)))
    page.locator("input[name=shows_pupils]").check()
    page.locator("main form button[type=submit]").click()
    # Without the parents' consent the form comes back, keeping what was typed.
    expect(page.locator("input[name=title]")).to_have_value("Топтық жұмыс")
    expect(page.locator("main")).to_contain_text(
        translated("kk", "This item shows pupils: confirm that consent from parents is on file.")
    )
    page.locator("input[name=file]").set_input_files(str(_photo(tmp_path)))
    page.locator("input[name=parental_consent]").check()
    page.locator("main form button[type=submit]").click()

    expect(page.locator("#evidence img")).to_have_count(1)
    expect(page.locator("#evidence")).to_contain_text("Топтық жұмыс")
    project = DevelopmentProject.objects.get(teacher=cast.person_talgat)
    assert project.stage.code == "plan"
    stored = Evidence.objects.get(project=project)
    assert stored.parental_consent and stored.thumbnail
    with stored.file.open("rb") as handle:
        assert not Image.open(handle).getexif()


def test_link_facilitator_feedback_reaches_the_teacher(page: Page, programme_world: ProgrammeCast):
    cast = programme_world
    project = project_create(
        actor=cast.talgat,
        cohort=cast.cohort_a,
        title="Ата-аналар клубы",
        theme=FocusTheme.objects.get(code="functional-literacy"),
    )
    sign_in(page, cast.madina.email, PASSWORD)
    page.get_by_role("link", name=translated("kk", "Projects board"), exact=True).click()
    page.get_by_role("link", name=cast.school_a1.name_kk).click()
    page.get_by_role("link", name="Ата-аналар клубы").click()
    expect(page).to_have_url(re.compile(reverse("portfolios:project-detail", args=[project.pk])))
    thread = page.locator("#thread-link")
    thread.locator("textarea[name=text]").fill("Ата-аналардан сауалнама жинаңыз, бұл жақсы дәлел болады.")
    thread.locator("button[type=submit]").click()
    expect(page.get_by_test_id("thread-link")).to_contain_text("Ата-аналардан сауалнама жинаңыз")

    page.locator("form[action$='/logout/'] button").click()
    sign_in(page, cast.talgat.email, PASSWORD)
    page.get_by_role("link", name=translated("kk", "My projects"), exact=True).click()
    page.get_by_role("link", name="Ата-аналар клубы").click()
    expect(page.get_by_test_id("thread-link")).to_contain_text("Ата-аналардан сауалнама жинаңыз")
    expect(page.get_by_test_id("thread-link")).to_contain_text(cast.madina.full_name)


def test_teacher_quotes_the_journal_into_a_section_and_confirms_on_a_phone(
    phone_page: Page, programme_world: ProgrammeCast, tmp_path: Path, settings
):
    """Issue 11, point 4 on a 390 px phone: a section offers the project's journal to quote (the
    quote arrives with its date, nothing retyped), removing evidence and submitting each ask
    first, and nothing on these pages scrolls sideways."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cast = programme_world
    page = phone_page
    project = project_create(
        actor=cast.talgat,
        cohort=cast.cohort_a,
        title="Мәтінмен жұмыс",
        theme=FocusTheme.objects.get(code="functional-literacy"),
    )
    journal_add(
        actor=cast.talgat,
        project=project,
        text="Оқушылар жұппен оқып, сұрақ қойды.",
        written_on=datetime.date(2026, 11, 20),
    )
    sections = list(project.portfolio.sections.order_by("order", "id"))
    for section in sections[1:]:
        section_save(actor=cast.talgat, section=section, body="Жазылды.", version=section.version)
    item = evidence_add(
        actor=cast.talgat,
        project=project,
        title="Артық сурет",
        upload=SimpleUploadedFile("a.jpg", _photo(tmp_path).read_bytes(), content_type="image/jpeg"),
    )
    sign_in(page, cast.talgat.email, PASSWORD)

    # Quote the journal entry into the first (empty) section from the insert panel.
    page.goto(reverse("portfolios:section-edit", args=[sections[0].pk]))
    body = page.locator("textarea[name=body]")
    body.fill("Менің ойым:")
    panel = page.get_by_test_id("insert-panel")
    page.evaluate("window.stillThisPage = true")
    panel.get_by_role("button", name=translated("kk", "Insert quote")).first.click()
    expect(page.get_by_test_id("inserted")).to_be_visible()
    # htmx swapped the editor in place: the page was not reloaded.
    assert page.evaluate("window.stillThisPage === true")
    expect(body).to_have_value(re.compile(r"^Менің ойым:\n\n> Оқушылар жұппен оқып, сұрақ қойды\.\n— .*20\.11\.2026"))
    _assert_no_sideways_scroll(page)
    page.locator("#section-editor button.primary").click()
    expect(page.locator(f"#section-{sections[0].pk}")).to_contain_text("> Оқушылар жұппен оқып, сұрақ қойды.")

    # Removing evidence asks first; "No, keep it" keeps it.
    page.goto(reverse("portfolios:project-detail", args=[project.pk]))
    page.locator(f"#evidence a[href='{reverse('portfolios:evidence-delete', args=[item.pk])}']").click()
    expect(page.get_by_test_id("confirm-delete")).to_be_visible()
    _assert_no_sideways_scroll(page)
    page.get_by_role("link", name=translated("kk", "No, keep it")).click()
    assert Evidence.objects.filter(pk=item.pk).exists()

    # Submitting asks first, then submits.
    page.goto(reverse("portfolios:portfolio-detail", args=[project.pk]))
    page.get_by_role("link", name=translated("kk", "Submit the portfolio")).click()
    _assert_no_sideways_scroll(page)
    project.portfolio.refresh_from_db()
    assert not project.portfolio.is_submitted
    page.get_by_test_id("confirm-submit").click()
    expect(page.locator(".messages")).to_contain_text(
        translated("kk", "Your portfolio has been submitted for assessment.")
    )
    project.portfolio.refresh_from_db()
    assert project.portfolio.is_submitted


def _assert_no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
