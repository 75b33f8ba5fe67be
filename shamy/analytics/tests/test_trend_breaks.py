"""Issue 10, point 6: trends say where the series breaks; exports carry source, licence,
definition and year; inferred zeros are labelled."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import translation

from shamy.analytics import trends
from shamy.analytics.dashboard import build_trend


def _years(region_en: str = "") -> dict[int, list[str]]:
    trend = build_trend(region_en)
    return {point.year: notes for point, notes in trend.rows}


def test_national_breaks_are_marked_where_they_happen():
    with translation.override("en"):
        trend = build_trend("")
        years = {item.year for _number, item in trend.numbered_breaks}
        assert {2007, 2008, 2014, 2021} <= years
        notes = _years("")
        assert any("73.9 → 76.3" in note for note in notes[2007])
        assert any("evening schools" in note for note in notes[2008])
        assert not any("reclassified" in note for note in notes[2006])
        # One marker per break year in each chart, labelled with the note numbers.
        labels = {marker.label for marker in trend.share.markers}
        assert len(trend.share.markers) == len({item.year for _n, item in trend.numbered_breaks})
        assert all(label for label in labels)
    share = {point.year: point.rural_share for point in trend.points}
    assert round(share[2006], 1) == 73.9 and round(share[2007], 1) == 76.3


def test_regional_breaks_east_kazakhstan_turkistan_almaty_city():
    with translation.override("en"):
        east = _years("East Kazakhstan Region")
        assert any("reclassified" in note for note in east[2007])
        assert any("Abai" in note for note in east[2022])
        turkistan = _years("Turkistan Region")
        assert any("includes Shymkent" in note for note in turkistan[2014])
        assert any("Shymkent city is counted on its own" in note for note in turkistan[2016])
        almaty = _years("Almaty city")
        assert any("boundary" in note for note in almaty[2014])
        assert _years("Almaty Region")[2014] and not _years("Kostanay Region")[2014][1:]
    points = {point.year: point for point in trends.region_series("Turkistan Region")}
    shares = [round(points[year].rural_share or 0, 1) for year in (2013, 2014, 2016)]
    assert shares == [88.3, 75.2, 86.8]
    east_points = {point.year: point for point in trends.region_series("East Kazakhstan Region")}
    assert round(east_points[2006].rural_share or 0, 1) == 72.5
    assert round(east_points[2007].rural_share or 0, 1) == 76.8


def test_the_67_inferred_city_zeros_are_labelled():
    inferred = [
        point
        for city in ("Astana city", "Almaty city", "Shymkent city")
        for point in trends.region_series(city)
        if point.rural_inferred
    ]
    assert len(inferred) == 67
    assert all(point.rural == 0 for point in inferred)
    with translation.override("en"):
        assert any("inferred" in note for note in _years("Almaty city")[2010])
    shymkent = {point.year: point for point in trends.region_series("Shymkent city")}
    assert shymkent[2014].total is None and not shymkent[2014].rural_inferred


pytestmark = pytest.mark.django_db


def test_trend_panel_names_the_source_and_licence(client, cast):
    client.force_login(cast.dana)
    response = client.get(reverse("analytics:dashboard"), {"trend_region": "Almaty city"})
    html = response.content.decode()
    with translation.override(response["Content-Language"]):
        assert str(trends.SOURCE) in html
        assert str(trends.LICENCE) in html
        assert "(inferred)" in html or str(translation.gettext("(inferred)")) in html


@pytest.mark.parametrize("panel", ["trend", "trend-share", "map", "bars"])
def test_svg_exports_are_well_formed_and_carry_source_year_definition(client, cast, panel):
    client.force_login(cast.dana)
    response = client.get(reverse("analytics:export", args=[panel, "svg"]))
    body = response.content.decode()
    ET.fromstring(body.encode())  # noqa: S314 - our own response: checks it is well-formed XML
    with translation.override(response.get("Content-Language") or "kk"):
        if panel.startswith("trend"):
            assert str(trends.LICENCE) in body and trends.YEARS in body
            assert str(trends.DEFINITION)[:40] in body
        else:
            assert "2022/23" in body  # the registry indicator's year
            assert translation.gettext("Licence") in body and translation.gettext("Definition") in body


def test_trend_csv_rows_carry_notes_source_licence_definition(client, cast):
    client.force_login(cast.dana)
    response = client.get(reverse("analytics:export", args=["trend", "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows[0]) == 10
    by_year = {row[0]: row for row in rows[1:]}
    assert by_year["2021/22"][1:4] == ["7550", "", ""]
    assert by_year["2007/08"][6]  # the reclassification note
    assert all(row[7] and row[8] and row[9] for row in rows[1:])
    table = client.get(reverse("analytics:export", args=["table", "csv"]))
    table_rows = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig"))))
    assert len(table_rows[0]) == 17  # place, indicator, year, 5 raw, 5 shown, reading, source, licence, definition
    assert all(row[2] and row[14] and row[15] and row[16] for row in table_rows[1:])
