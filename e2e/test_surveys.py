"""Journeys of monitoring and evaluation: a coordinator builds a pre survey in three languages,
teachers answer on a phone, the post survey shows the change, the donor report downloads; and a
visitor finds a project poster in the knowledge commons by a Russian query."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from e2e.world import sign_in, translated
from shamy.commons.services.resources import summaries_sync
from shamy.core.testing.cast import PASSWORD, build_cast
from shamy.portfolios.models import FocusTheme
from shamy.portfolios.services.projects import project_create
from shamy.portfolios.services.sharing import summary_publish
from shamy.programmes.testing import ProgrammeCast, build_programme_cast
from shamy.surveys.models import Survey


@pytest.fixture
def world(transactional_db) -> ProgrammeCast:
    FocusTheme.objects.get_or_create(
        code="functional-literacy",
        defaults={
            "name_kk": "Функционалдық сауаттылық",
            "name_ru": "Функциональная грамотность",
            "name_en": "Functional literacy",
        },
    )
    return build_programme_cast(build_cast())


def _answer_on_phone(phone: Page, email: str, value: str) -> None:
    phone.context.clear_cookies()
    sign_in(phone, email, PASSWORD)
    phone.goto("/surveys/")
    phone.get_by_role("link", name=translated("kk", "Answer"), exact=True).first.click()
    # htmx binds the autosave when the page has loaded: a tap before that saves nothing until the
    # next change (a loaded machine showed it).
    phone.wait_for_load_state("load")
    phone.locator(f"input[type=radio][value='{value}']").first.check()
    # Every change is saved as a draft on the server before anything is sent.
    expect(phone.locator("#save-status")).to_contain_text(re.compile(r"\d\d:\d\d"))
    phone.get_by_role("button", name=translated("kk", "Send my answers")).click()
    expect(phone.get_by_role("status")).to_contain_text(translated("kk", "Thank you: your answers have been sent."))


def test_pre_survey_built_answered_on_phones_post_shows_change_and_report_downloads(
    page: Page, phone_page: Page, world: ProgrammeCast
):
    c = world
    sign_in(page, c.aliya.email, PASSWORD)
    page.get_by_role("link", name=translated("kk", "Surveys"), exact=True).click()
    page.get_by_role("link", name=re.compile(re.escape(c.programme.name_kk))).first.click()
    page.locator("input[name=title_kk]").fill("Бастапқы сауалнама")
    page.locator("input[name=title_ru]").fill("Входная анкета")
    page.locator("input[name=title_en]").fill("Baseline survey")
    page.locator("select[name=phase]").select_option("pre")
    page.get_by_role("button", name=translated("kk", "Create the survey")).click()
    form = page.locator("#question-form")
    form.locator("select[name=kind]").select_option("likert")
    form.locator("textarea[name=text_kk]").fill("Мен әріптестерімнен үйренемін")
    form.locator("textarea[name=text_ru]").fill("Я учусь у коллег")
    form.locator("textarea[name=text_en]").fill("I learn from colleagues")
    form.get_by_role("button", name=translated("kk", "Add the question")).click()
    expect(page.locator("ol.card-list strong")).to_have_text("Мен әріптестерімнен үйренемін")
    # The builder after creation: the Russian wording is corrected on the question's edit page.
    page.get_by_role("link", name=translated("kk", "Edit"), exact=True).click()
    page.locator("textarea[name=text_ru]").fill("Я многому учусь у коллег")
    page.get_by_role("button", name=translated("kk", "Save")).click()
    expect(page.locator("ol.card-list strong")).to_have_text("Мен әріптестерімнен үйренемін")
    page.get_by_role("button", name=translated("kk", "Open for answers")).click()
    pre = Survey.objects.get()
    assert pre.title == {"kk": "Бастапқы сауалнама", "ru": "Входная анкета", "en": "Baseline survey"}
    assert pre.questions.get().text["en"] == "I learn from colleagues"
    assert pre.questions.get().text["ru"] == "Я многому учусь у коллег"

    _answer_on_phone(phone_page, c.talgat.email, "2")
    _answer_on_phone(phone_page, c.tomiris.email, "3")

    page.goto(f"/surveys/{pre.pk}/")
    page.get_by_role("button", name=translated("kk", "Create the post survey")).click()
    page.get_by_role("button", name=translated("kk", "Open for answers")).click()
    post = Survey.objects.get(pre_survey=pre)

    _answer_on_phone(phone_page, c.talgat.email, "4")
    _answer_on_phone(phone_page, c.tomiris.email, "5")

    page.goto(f"/surveys/{post.pk}/results/")
    change = page.locator("td.mean-change").first
    expect(change).to_contain_text("2,00")  # 2 → 4 and 3 → 5: every teacher up by two points

    page.context.clear_cookies()
    sign_in(page, c.nurlan.email, PASSWORD)
    page.goto(f"/results/programme/{c.programme.pk}/")
    with page.expect_download() as download_info:
        page.locator("#report-pdf").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"


def test_visitor_finds_a_poster_in_the_commons_by_a_russian_query(page: Page, world: ProgrammeCast):
    c = world
    project = project_create(
        actor=c.talgat,
        cohort=c.cohort_a,
        title="Читательская грамотность в сельской школе",
        theme=FocusTheme.objects.get(code="functional-literacy"),
        concern="Ученики плохо понимают тексты.",
    )
    summary_publish(
        actor=c.talgat,
        project=project,
        summary="Как школа научила учеников понимать тексты: уроки чтения, постеры и работа с родителями.",
        actions="Уроки чтения.",
        impact="Ученики читают больше.",
        language="ru",
        show_name=True,
        show_school=False,
    )
    summaries_sync()
    page.goto("/commons/")
    page.locator("input[name=q]").fill("школы")
    page.get_by_role("button", name=translated("kk", "Search"), exact=True).click()
    result = page.locator("#results").get_by_role("link", name="Читательская грамотность в сельской школе")
    expect(result).to_be_visible()
    expect(page.locator("#results mark").first).to_have_text("школа")
    result.click()
    poster = page.get_by_role("link", name=translated("kk", "Poster (PDF)"))
    expect(poster).to_be_visible()
    expect(page.locator("#licence")).to_contain_text("CC BY 4.0")


def test_an_anonymous_survey_through_its_public_link_fits_a_phone(phone_page: Page, live_server, world: ProgrammeCast):
    # The notice "Anonymous: your answers are never linked to your name." was a badge that does not
    # wrap: the page scrolled sideways on a 390 px phone in every language.
    from shamy.surveys.testing import build_survey_scene

    survey = build_survey_scene(world).anonymous
    assert survey.anonymous and survey.public_link
    for language in ("kk", "ru", "en"):
        cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}
        phone_page.context.add_cookies([cookie])  # type: ignore[list-item]
        phone_page.goto(f"/surveys/public/{survey.public_token}/")
        expect(phone_page.locator("p.badge")).to_be_visible()
        assert phone_page.evaluate("document.documentElement.lang") == language
        widths = phone_page.evaluate("[document.scrollingElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], (language, widths)
