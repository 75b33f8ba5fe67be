"""Journeys through the registry: sign in, switch language, filter the school list, export it."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.utils import translation
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from e2e.conftest import PHONE
from e2e.world import DemoWorld, build_demo_world, sign_in, translated
from shamy.registry.exports import _columns, yes_no
from shamy.registry.models import Locality


@pytest.fixture
def world(transactional_db) -> DemoWorld:
    return build_demo_world()


def _filter_rural_small_class(page: Page, world: DemoWorld) -> None:
    """Pick one region, rural and small-class in the filter form; htmx redraws the table each time."""
    page.goto("/registry/schools/")
    form = page.locator("#school-filters")
    form.locator("select[name=region]").select_option(str(world.region.pk))
    expect(page).to_have_url(re.compile(rf"region={world.region.pk}"))
    form.locator("select[name=locality]").select_option(Locality.RURAL.value)
    expect(page).to_have_url(re.compile(r"locality=rural"))
    with page.expect_response(lambda response: "small_class=1" in response.url):
        form.locator("select[name=small_class]").select_option("1")
    expect(page).to_have_url(re.compile(r"small_class=1"))


def test_analyst_signs_in_after_a_wrong_password(page: Page, world: DemoWorld):
    page.goto("/registry/schools/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))  # nothing is visible before signing in

    page.locator("input[name=username]").fill(world.analyst.email)
    page.locator("input[name=password]").fill("not the password")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(
        translated("kk", "Wrong e-mail or password. Both are case-sensitive for the password only.")
    )

    sign_in(page, world.analyst.email, world.password)
    name = world.analyst.get_short_name()
    expect(page.locator("h1")).to_have_text(translated("kk", "Welcome, %(name)s") % {"name": name})
    expect(page.locator("main")).to_contain_text(translated("kk", "Whole country"))
    page.get_by_role("link", name=translated("kk", "Schools"), exact=True).click()
    expect(page.locator("h1")).to_have_text(translated("kk", "Schools"))


def test_analyst_switches_to_russian_and_back_on_a_phone(phone_page: Page, world: DemoWorld):
    page = phone_page
    sign_in(page, world.analyst.email, world.password)
    page.goto("/registry/schools/")
    html, heading = page.locator("html"), page.locator("h1")
    expect(html).to_have_attribute("lang", "kk")
    expect(heading).to_have_text(translated("kk", "Schools"))

    page.locator("button[name=language][value=ru]").click()
    expect(html).to_have_attribute("lang", "ru")
    expect(heading).to_have_text(translated("ru", "Schools"))
    expect(page).to_have_url(re.compile(r"/registry/schools/$"))
    world.analyst.refresh_from_db()
    assert world.analyst.language == "ru"  # the choice follows the account to other devices

    page.locator("button[name=language][value=kk]").click()
    expect(html).to_have_attribute("lang", "kk")
    expect(heading).to_have_text(translated("kk", "Schools"))
    world.analyst.refresh_from_db()
    assert world.analyst.language == "kk"

    # On a phone the page itself never scrolls sideways; only the table's wrapper may.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_analyst_filters_rural_small_class_schools_in_one_region(page: Page, world: DemoWorld):
    sign_in(page, world.analyst.email, world.password)
    _filter_rural_small_class(page, world)

    expected = world.rural_small_class_ids()
    rows = page.locator("#school-rows tbody tr")
    expect(rows).to_have_count(len(expected))
    small_class = translated("kk", "small-class")
    shown = set()
    for row in rows.all():
        link = row.locator("th a")
        shown.add(int(re.search(r"/schools/(\d+)/", link.get_attribute("href") or "").group(1)))  # type: ignore[union-attr]
        expect(row.locator("td").nth(0)).to_have_text(world.region.name_kk)
        expect(row.locator("td .badge.rural")).to_have_count(1)
        expect(row.locator("th .badge", has_text=small_class)).to_have_count(1)
    assert shown == expected


def test_analyst_exports_the_filtered_schools_as_csv_and_xlsx(page: Page, world: DemoWorld):
    sign_in(page, world.analyst.email, world.password)
    _filter_rural_small_class(page, world)
    expected = world.rural_small_class_ids()
    with translation.override("kk"):
        titles = [title for title, _getter in _columns()]
        rural, yes = str(Locality.RURAL.label), yes_no(True)
    region_col, locality_col, small_col = (
        titles.index(translated("kk", name)) for name in ("Region", "Locality", "Small-class")
    )

    with page.expect_download() as csv_download:
        page.locator("#school-rows a[href*='export=csv']").click()
    assert csv_download.value.suggested_filename.endswith(".csv")
    text = Path(csv_download.value.path()).read_text(encoding="utf-8-sig")
    header, *records = list(csv.reader(io.StringIO(text)))
    assert header == titles
    assert {int(record[0]) for record in records} == expected
    assert len(records) == len(expected)
    for record in records:
        assert (record[region_col], record[locality_col], record[small_col]) == (world.region.name_kk, str(rural), yes)

    with page.expect_download() as xlsx_download:
        page.locator("#school-rows a[href*='export=xlsx']").click()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()), read_only=True)
    header_row, *cells = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(header_row) == titles
    assert {int(row[0]) for row in cells} == expected  # type: ignore[arg-type]
    assert {(row[region_col], row[locality_col], row[small_col]) for row in cells} == {
        (world.region.name_kk, str(rural), yes)
    }
