"""Issue 10, point 2: figures are rounded half away from zero everywhere, never cut."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import translation

from shamy.analytics.models import AnalyticsSettings
from shamy.analytics.templatetags.analytics_tags import format_number, plain
from shamy.analytics.tests.test_year_true import regions  # noqa: F401 - the 20 regions fixture

pytestmark = pytest.mark.django_db

# 2022/23 rural shares that cutting showed 0.1 low (rural / total, data/schools_by_region.csv).
SIX = {
    "Akmola Region": (452, 559, "80,9"),  # 80.86
    "Aktobe Region": (282, 426, "66,2"),  # 66.197
    "Pavlodar Region": (274, 371, "73,9"),  # 73.85
    "North Kazakhstan Region": (403, 467, "86,3"),
    "Turkistan Region": (842, 1004, "83,9"),
    "Ulytau Region": (49, 88, "55,7"),  # 55.68
}


def test_units_round_half_away_from_zero():
    with translation.override("kk"):
        assert format_number(403 / 467 * 100, "percent") == "86,3%"
        assert format_number(0.5751, "parity") == "0,58"
        assert format_number(2.5, "count") == "3"  # Python's round() gives 2
        assert format_number(12345.65, "hours") == "12\xa0345,7"
        assert plain(0.5751, "parity") == "0,58"


def test_one_page_shows_one_rounding_in_table_and_trend(client, cast, regions):  # noqa: F811
    AnalyticsSettings.objects.update_or_create(pk=1, defaults={"registry_year": 2030})
    client.force_login(cast.aigerim)
    response = client.get(
        reverse("analytics:dashboard"),
        {"indicator": "rural_share", "year": "2022", "trend_region": "North Kazakhstan Region"},
    )
    html = response.content.decode()
    rows = {place.name_en: row for place, row in response.context["board"].table.rows}
    with translation.override("kk"):
        for name, (rural, total, shown) in SIX.items():
            assert rows[name].total.value == pytest.approx(rural / total * 100)
            assert plain(rows[name].total, "percent") == f"{shown}%", name
    table_cell = re.search(r"Солтүстік Қазақстан облысы</a></th>(.*?)</tr>", html, re.S)
    assert table_cell is not None and "86,3%" in table_cell.group(1) and "86,2" not in table_cell.group(1)
    trend_row = re.search(r"<th scope=\"row\">2022/23</th>(.*?)</tr>", html, re.S)
    assert trend_row is not None and ">86,3<" in trend_row.group(1)


def test_exports_keep_the_raw_value_and_show_the_rounded_one(client, cast, regions):  # noqa: F811
    AnalyticsSettings.objects.update_or_create(pk=1, defaults={"registry_year": 2030})
    client.force_login(cast.aigerim)
    response = client.get(
        reverse("analytics:export", args=["table", "csv"]), {"indicator": "rural_share", "year": "2022"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    north = next(row for row in rows if row[0] == "Солтүстік Қазақстан облысы")
    # Place, indicator, year, then urban, rural, all, gap, parity raw; then the same as shown.
    assert rows[0][5] == "Барлық мектептер"
    assert float(north[5]) == pytest.approx(403 / 467 * 100)
    assert north[10] == "86,3%"
