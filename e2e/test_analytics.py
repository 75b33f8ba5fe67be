"""Journeys through equity analytics: the parity map and its table download; a regional view."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from e2e.world import World, build_world, sign_in, translated
from shamy.analytics.testing import seed_indicators
from shamy.core.testing.cast import PASSWORD
from shamy.core.testing.factories import DistrictFactory, SchoolFactory
from shamy.registry.models import Internet, Locality


@pytest.fixture
def world(transactional_db) -> World:
    seed_indicators()  # flushed by earlier transactional tests
    world = build_world()
    # Some high-speed internet on both sides so the parity index is defined in region A.
    SchoolFactory(region=world.region, locality=Locality.URBAN, internet=Internet.HIGH_SPEED)
    SchoolFactory(region=world.region, locality=Locality.RURAL, internet=Internet.HIGH_SPEED)
    other = DistrictFactory(region=world.cast.region_b, name_kk="Бейнеу ауданы", name_ru="Бейнеуский район")
    SchoolFactory(region=world.cast.region_b, district=other, locality=Locality.RURAL)
    return world


def test_analyst_maps_internet_parity_and_downloads_the_table(page: Page, world: World):
    sign_in(page, world.analyst_email, world.analyst_password)
    page.goto("/analytics/")
    expect(page.locator("h1")).to_have_text(translated("kk", "Equity analytics"))
    expect(page.locator("svg#chart-map path.region")).to_have_count(20)

    page.locator("select[name=indicator]").select_option("high_speed_internet_share")
    expect(page).to_have_url(re.compile(r"indicator=high_speed_internet_share"))
    with page.expect_response(lambda response: "measure=parity" in response.url):
        page.locator("select[name=measure]").select_option("parity")
    expect(page).to_have_url(re.compile(r"measure=parity"))
    caption = page.locator("#map-caption")
    expect(caption).to_contain_text(translated("kk", "Parity index (rural / urban)"))

    # Keyboard users reach a region by its link; the details panel follows the focus and gives
    # the region's urban and rural figures, gap and parity index.
    region_path = page.locator(f'svg#chart-map path[data-kato="{world.region.kato}"]')
    page.locator(f'svg#chart-map a:has(path[data-kato="{world.region.kato}"])').focus()
    details = page.locator("#map-details")
    expect(details).to_contain_text(world.region.name_kk)
    expect(details).to_have_text(region_path.get_attribute("data-details") or "")
    parity_cell = page.locator("#region-table tbody tr", has_text=world.region.name_kk).locator("td").nth(4)
    expect(details).to_contain_text(parity_cell.inner_text().strip())

    with page.expect_download() as download_info:
        page.locator("#table-downloads a", has_text="CSV").click()
    download = download_info.value
    content = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][0] == translated("kk", "Region")
    places = {row[0] for row in rows[1:]}
    assert world.region.name_kk in places
    assert world.cast.region_b.name_kk in places


def test_regional_analyst_sees_only_their_regions_districts(page: Page, world: World):
    sign_in(page, world.cast.kairat.email, PASSWORD)
    page.goto("/analytics/")
    rows = page.locator("#region-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(world.region.name_kk)
    rows.first.get_by_role("link").click()
    expect(page.locator("h1")).to_have_text(world.region.name_kk)
    table = page.locator("#district-table")
    expect(table).to_contain_text("Ұйғыр ауданы")
    expect(table).not_to_contain_text("Бейнеу ауданы")

    response = page.goto(f"/analytics/regions/{world.cast.region_b.pk}/")
    assert response is not None and response.status == 404


def test_analyst_reads_an_official_year_and_corrects_need_weights(page: Page, world: World):
    """Issue 10: a year other than the registry's shows the official series (2021/22: Almaty Region
    800 and Mangystau 172, the split not published) and names its source; a weight that is not a
    whole number 0-10 is a form error, not silently 1."""
    sign_in(page, world.analyst_email, world.analyst_password)
    page.goto("/analytics/?indicator=schools&year=2021")
    national = page.locator("section.national dl.figures")
    expect(national).to_contain_text("972")  # 800 + 172: the two regions of the test world
    expect(national).to_contain_text(translated("kk", "no data"))
    page.locator("section.national details.source summary").click()
    expect(page.locator("section.national details.source")).to_contain_text("PDDL 1.0")
    row = page.locator("#region-table tbody tr", has_text=world.region.name_kk)
    expect(row).to_contain_text("800")

    page.goto("/analytics/need/?rural_share=-3")
    expect(page.locator("#weight-rural_share")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#need-rows")).not_to_contain_text(world.region.name_kk)
    page.locator("#weight-rural_share").fill("2")
    page.locator("#weight-rural_share").dispatch_event("change")
    expect(page.locator("#need-table")).to_contain_text(world.region.name_kk)


def test_analyst_finds_the_largest_gap_and_drills_down_to_a_district_map(page: Page, world: World):
    """Issue 11 point 5 on a phone: figures on the map, the class rule, the largest gaps, the
    region's district map and a district's schools."""
    from decimal import Decimal

    district = DistrictFactory(region=world.region, name_kk="Көктал ауданы", name_ru="Коктальский район")
    for number in range(4):
        SchoolFactory(
            region=world.region,
            district=district,
            locality=Locality.URBAN if number == 0 else Locality.RURAL,
            internet=Internet.HIGH_SPEED if number == 0 else Internet.NONE,
            latitude=Decimal("44.2"),
            longitude=Decimal("78.1"),
        )
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, world.analyst_email, world.analyst_password)
    page.goto("/analytics/?indicator=high_speed_internet_share&measure=parity")
    expect(page.locator("svg#chart-map g.map-labels text").first).to_be_visible()
    expect(page.locator(".legend-rule")).to_contain_text(re.compile(r"\S"))
    expect(page.locator(".legend-note")).to_be_visible()

    page.get_by_role("link", name=translated("kk", "Largest gaps")).click()
    expect(page.locator("h1")).to_have_text(translated("kk", "Largest gaps"))
    first = page.locator("#gaps-table tbody tr").first
    expect(first).to_be_visible()
    first.locator("th a").click()
    expect(page.locator("svg#chart-district-map")).to_be_visible()
    expect(page.locator("svg#chart-district-map circle.district").first).to_be_attached()
    page.locator("#district-table").get_by_role("link", name="Көктал ауданы").click()
    expect(page).to_have_url(re.compile(rf"/registry/schools/\?region={world.region.pk}&district={district.pk}"))
    expect(page.locator("main")).to_contain_text("Көктал ауданы")
