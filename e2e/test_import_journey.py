"""Journey: an administrator imports schools from a file with one bad row; nothing is saved."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from e2e.world import DemoWorld, build_demo_world, sign_in, translated
from shamy.core.testing.factories import valid_bin
from shamy.imports.models import ImportJob
from shamy.registry.models import School

HEADER = ["external_id", "bin", "name_kk", "name_ru", "region", "district", "locality", "pupils", "teachers"]


@pytest.fixture
def world(transactional_db, settings, tmp_path) -> DemoWorld:
    settings.MEDIA_ROOT = tmp_path / "media"  # uploaded files stay out of the developer's var/media
    return build_demo_world()


def _file_with_one_bad_row(world: DemoWorld) -> tuple[bytes, str]:
    good_one, good_two, base = valid_bin(701), valid_bin(702), valid_bin(703)
    bad = base[:-1] + str((int(base[-1]) + 1) % 10)  # a typo in the check digit
    rows = [
        HEADER,
        [
            "E2E-1",
            good_one,
            "Жаңаталап ауылының мектебі",
            "Школа села Жанаталап",
            world.region.kato,
            world.district.kato,
            "rural",
            48,
            9,
        ],
        [
            "E2E-2",
            bad,
            "Көктал ауылының мектебі",
            "Школа села Коктал",
            world.region.kato,
            world.district.kato,
            "rural",
            61,
            12,
        ],
        [
            "E2E-3",
            good_two,
            "Шонжы ауылының мектебі",
            "Школа села Чунджа",
            world.region.kato,
            world.district.kato,
            "rural",
            530,
            41,
        ],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([[str(cell) for cell in row] for row in rows])
    return buffer.getvalue().encode("utf-8"), bad


def test_admin_imports_a_file_with_one_bad_row_and_nothing_is_saved(page: Page, world: DemoWorld):
    schools_before = School.objects.count()
    data, bad_bin = _file_with_one_bad_row(world)
    sign_in(page, world.admin.email, world.password)

    page.goto("/registry/schools/")
    page.locator("#school-rows").get_by_role("link", name=translated("kk", "Import"), exact=True).click()
    expect(page.locator("h1")).to_have_text(translated("kk", "Import from a file"))
    expect(page.locator("select[name=kind]")).to_have_value("schools")
    page.locator("input[name=file]").set_input_files(
        files=[{"name": "schools.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.get_by_role("button", name=translated("kk", "Upload and check")).click()

    expect(page).to_have_url(re.compile(r"/imports/jobs/\d+/$"))
    alert = page.locator("main .message.error[role=alert]")
    expect(alert).to_be_visible()
    # "Row 3, column «BIN»: …" in Kazakh: line 3 of the file is its second data row.
    where = translated("kk", "Row %(line)s, column «%(column)s»: %(message)s").split("%(message)s")[0]
    where = where % {"line": 3, "column": translated("kk", "BIN"), "message": ""}
    message = translated("kk", "This BIN's check digit is wrong: please check for a typo.")
    expect(alert).to_contain_text(where + message)
    expect(alert.locator("li")).to_have_count(1)
    expect(page.locator("form[action$='/commit/']")).to_have_count(0)  # no way to import a failed file

    page.get_by_role("link", name=translated("kk", "Show only rows with errors")).click()
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(bad_bin)
    expect(rows.first.locator("td.row-error .errorlist")).to_contain_text(message)

    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert School.objects.count() == schools_before
    assert not School.objects.filter(external_id__startswith="E2E-").exists()


def test_kazakh_file_with_kazakh_values_imports_and_the_page_lists_the_allowed_values(page: Page, world: DemoWorld):
    """Issue 11 point 9: "қазақ", "жоқ", "ауыл" and "иә" are what a Kazakh user writes."""
    rows = [
        [
            translated("kk", label)
            for label in (
                "External ID",
                "BIN",
                "Name in Kazakh",
                "Name in Russian",
                "Region",
                "Locality",
                "Language of instruction",
                "Internet",
            )
        ],
        [
            "E2E-KK",
            valid_bin(711),
            "Ақжар ауылының мектебі",
            "Школа села Акжар",
            world.region.kato,
            "ауыл",
            "қазақ",
            "жоқ",
        ],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    sign_in(page, world.admin.email, world.password)
    page.goto("/imports/")
    columns = page.get_by_role("table", name=re.compile(translated("kk", "Schools")))
    expect(columns).to_contain_text(translated("kk", "High-speed"))
    expect(columns).to_contain_text(translated("kk", "No internet"))
    page.locator("select[name=kind]").select_option("schools")
    page.locator("input[name=file]").set_input_files(
        files=[{"name": "mektepter.csv", "mimeType": "text/csv", "buffer": buffer.getvalue().encode("utf-8")}]
    )
    page.get_by_role("button", name=translated("kk", "Upload and check")).click()
    expect(page).to_have_url(re.compile(r"/imports/jobs/\d+/$"))
    expect(page.locator("main .message.error[role=alert]")).to_have_count(0)
    page.locator("form[action$='/commit/'] button[type=submit]").click()
    expect(page.locator("main .message.success").first).to_be_visible()
    school = School.objects.get(external_id="E2E-KK")
    assert (school.language, school.internet, school.locality) == ("kk", "none", "rural")
