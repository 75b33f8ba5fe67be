"""Maps that answer (issue 11 point 5): classes drawn from the data, the rule shown, figures on the
map, and the worst place first."""

from __future__ import annotations

import itertools
import re

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from shamy.analytics import charts
from shamy.core.testing.factories import RegionFactory, SchoolFactory
from shamy.registry.models import Internet, Locality


def _within(groups):
    return sum(charts._sum_of_squares(group) for group in groups)


@given(st.lists(st.integers(0, 60), min_size=2, max_size=8), st.integers(1, 4))
def test_natural_breaks_are_the_optimal_partition(values, count):
    """Against an exhaustive search over every way to cut the sorted values."""
    ordered = sorted(values)
    count = min(count, len(ordered))
    best = min(
        _within([ordered[a:b] for a, b in itertools.pairwise((0, *cuts, len(ordered)))])
        for cuts in itertools.combinations(range(1, len(ordered)), count - 1)
    )
    groups = charts.natural_breaks(values, count)
    assert len(groups) == count
    assert sorted(itertools.chain.from_iterable(groups)) == ordered
    assert _within(groups) == pytest.approx(best, abs=1e-9)


@given(st.lists(st.floats(0, 2, allow_nan=False), min_size=1, max_size=30))
def test_every_shown_value_gets_a_class_and_equal_values_the_same_colour(values):
    scale = charts.value_scale(values)
    colours = {value: scale.colour(value) for value in values}
    assert charts.NO_DATA not in colours.values()
    for value in values:
        assert scale.colour(value) == colours[value]
    # Colours never go down as the value goes up.
    order = [step.colour for step in scale.steps]
    ranks = [order.index(colours[value]) for value in sorted(values)]
    assert ranks == sorted(ranks)


def test_parity_values_in_one_unesco_band_still_separate():
    """The case found: every region below 0.8 painted one colour."""
    parities = [0.41, 0.45, 0.52, 0.55, 0.58, 0.61, 0.63, 0.66, 0.7, 0.74, 0.77, 0.79]
    assert len({charts.parity_scale().colour(value) for value in parities}) == 1
    scale = charts.value_scale(parities)
    assert len({scale.colour(value) for value in parities}) == 5
    assert scale.method in ("quantiles", "natural_breaks")


def test_clustered_values_use_natural_breaks_and_spread_values_quantiles():
    clustered = [1, 1.1, 1.2, 5, 5.1, 5.2, 9, 9.1, 9.3, 20]
    assert charts.value_scale(clustered, classes=4).method == "natural_breaks"
    spread = list(range(20))
    assert charts.value_scale(spread).method == "quantiles"


@pytest.mark.parametrize(
    ("measure", "direction", "ascending"),
    [
        ("rural", "higher_better", True),
        ("parity", "higher_better", True),
        ("gap", "higher_better", False),
        ("rural", "higher_worse", False),
        ("parity", "higher_worse", False),
        ("gap", "higher_worse", True),
    ],
)
def test_worst_first_follows_the_indicators_direction(measure, direction, ascending):
    assert charts.worst_first(measure, direction) is ascending
    chart = charts.bar_chart([("a", 0.9, 1), ("b", 0.4, 2), ("c", None, 3), ("d", 0.6, 4)], ascending=ascending)
    labels = [bar.label for bar in chart.bars]
    assert labels[-1] == "c"  # undefined last either way
    assert labels[0] == ("b" if ascending else "a")


@pytest.fixture
def unequal_regions(db):
    """Four regions whose rural schools have less high-speed internet than their urban ones, each
    to a different degree: parity 0.2, 0.4, 0.6 and 0.8 (all "large gap" in the UNESCO bands)."""
    regions = []
    for index, kato in enumerate(("10", "11", "15", "19")):
        region = RegionFactory(kato=kato)
        regions.append(region)
        connected = index + 1  # of 5 rural schools; every urban school is connected
        for number in range(5):
            SchoolFactory(
                region=region,
                locality=Locality.URBAN,
                internet=Internet.HIGH_SPEED,
                name_kk=f"Қала {kato}-{number}",
            )
            SchoolFactory(
                region=region,
                locality=Locality.RURAL,
                internet=Internet.HIGH_SPEED if number < connected else Internet.NONE,
                name_kk=f"Ауыл {kato}-{number}",
            )
    return regions


@pytest.mark.django_db
def test_the_parity_map_separates_regions_writes_figures_and_names_its_rule(client, cast, unequal_regions):
    client.force_login(cast.dana)
    response = client.get(
        reverse("analytics:dashboard"),
        {"indicator": "high_speed_internet_share", "measure": "parity", "year": 2022},
    )
    html = response.content.decode()
    board = response.context["board"]
    shown = {item.shape.kato: item for item in board.regions if item.label}
    fills = {shown[kato].colour for kato in ("10", "11", "15", "19")}
    assert len(fills) == 4
    labels = re.findall(r'<g class="map-labels".*?</g>', html, re.S)[0]
    assert labels.count("<text") == len(shown)
    assert board.scale_rule in html
    assert "0.97" in board.parity_note or "0,97" in board.parity_note
    # Worst first: the lowest parity (rural schools furthest behind) leads the ranking.
    first = board.bars.bars[0]
    assert first.key == unequal_regions[0]


@pytest.mark.django_db
def test_largest_gaps_ranks_region_and_indicator_furthest_from_parity_first(client, cast, unequal_regions):
    client.force_login(cast.dana)
    response = client.get(reverse("analytics:gaps"), {"year": 2022})
    assert response.status_code == 200
    gaps = list(response.context["page"].object_list)
    distances = [gap.distance for gap in gaps]
    assert distances == sorted(distances, reverse=True)
    internet = [gap for gap in gaps if gap.indicator.code == "high_speed_internet_share"]
    assert [gap.region for gap in internet[:4]] == unequal_regions
    assert internet[0].behind == "rural"
    assert internet[0].row.parity == pytest.approx(0.2)
    html = response.content.decode()
    assert reverse("analytics:region-detail", args=[unequal_regions[0].pk]) in html


@pytest.mark.django_db
def test_largest_gaps_by_absolute_gap_ranks_within_each_indicator(client, cast, unequal_regions):
    client.force_login(cast.dana)
    response = client.get(
        reverse("analytics:gaps"), {"year": 2022, "indicator": "high_speed_internet_share", "sort": "gap"}
    )
    gaps = list(response.context["page"].object_list)
    assert {gap.indicator.code for gap in gaps} == {"high_speed_internet_share"}
    sizes = [abs(gap.row.gap) for gap in gaps]
    assert sizes == sorted(sizes, reverse=True)
    assert gaps[0].region == unequal_regions[0]


@pytest.mark.django_db
def test_largest_gaps_query_count_does_not_grow_with_regions(
    client, cast, unequal_regions, django_assert_max_num_queries
):
    from shamy.analytics.cache import analytics_invalidate

    client.force_login(cast.dana)
    url = reverse("analytics:gaps")
    analytics_invalidate()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(url, {"year": 2022})
    for kato in ("23", "27", "31"):
        region = RegionFactory(kato=kato)
        SchoolFactory.create_batch(3, region=region, locality=Locality.URBAN)
        SchoolFactory.create_batch(3, region=region, locality=Locality.RURAL)
    analytics_invalidate()
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(url, {"year": 2022})


@pytest.mark.django_db
def test_region_page_draws_its_districts_where_their_schools_are_and_links_their_schools(client, cast):
    from decimal import Decimal

    from shamy.core.testing.factories import DistrictFactory

    region = cast.region_a  # Almaty Region, KATO 19
    east = DistrictFactory(region=region, name_kk="Шығыс аудан")
    west = DistrictFactory(region=region, name_kk="Батыс аудан")
    for district, longitude, connected in ((east, "79.5", 1), (west, "76.5", 4)):
        for number in range(5):
            for locality in (Locality.URBAN, Locality.RURAL):
                SchoolFactory(
                    region=region,
                    district=district,
                    locality=locality,
                    latitude=Decimal("44.5"),
                    longitude=Decimal(longitude),
                    internet=Internet.HIGH_SPEED if locality == Locality.URBAN or number < connected else Internet.NONE,
                )
    client.force_login(cast.dana)
    response = client.get(
        reverse("analytics:region-detail", args=[region.pk]),
        {"indicator": "high_speed_internet_share", "measure": "rural", "year": 2022},
    )
    html = response.content.decode()
    district_map = response.context["page"].map
    marks = {mark.district: mark for mark in district_map.marks}
    assert set(marks) == {east, west}
    assert marks[east].x > marks[west].x  # east is drawn east
    assert marks[east].colour != marks[west].colour  # 20% against 80% of rural schools connected
    assert html.count('class="district"') == 2
    assert f"?region={region.pk}&amp;district={east.pk}" in html
    assert district_map.scale_rule in html
    # Worst first: the district whose rural schools are least connected comes before the other.
    order = [district for district, _row in response.context["page"].table.rows]
    assert order.index(east) < order.index(west)


@pytest.mark.django_db
def test_region_brief_opens_with_a_headline_and_shows_its_own_map_and_trend(cast, unequal_regions):
    from django.test import RequestFactory
    from django.utils import translation

    from shamy.access.context import access_for
    from shamy.analytics.briefs import brief_context, brief_html
    from shamy.analytics.dashboard import Filters
    from shamy.analytics.selectors import indicator_list

    region = unequal_regions[0]  # Abai Region: a fifth of its rural schools connected
    indicators = indicator_list()
    filters = Filters.from_query(
        {"year": "2022", "indicator": "high_speed_internet_share"},
        indicator_codes=[i.code for i in indicators],
        programme_ids=[],
        reference_year=2022,
    )
    scope = access_for(cast.aigerim).analytics
    request = RequestFactory().get("/analytics/brief.pdf")
    request.user = cast.aigerim
    with translation.override("en"):
        context = brief_context(scope=scope, region=region, filters=filters, indicators=indicators)
        html = brief_html(request=request, scope=scope, region=region, filters=filters, indicators=indicators)
        name = region.name
    assert context["headline"].startswith(f"{name}, 2022/23: rural schools are furthest behind on")
    assert "High-speed internet" in context["headline"] or "internet" in context["headline"].lower()
    assert html.index('class="headline"') < html.index("<table")
    assert 'id="chart-district-map"' in html
    assert context["trend"].region_en == "Abai Region"  # the region's own series, not the nation's
    rows = {item["indicator"].code: item for item in context["summaries"]}
    assert rows["rural_share"]["split"] is False  # no "urban 0.0% / rural 100.0%"
    assert rows["schools"]["comparable"] is False  # no parity of school counts
    with translation.override("kk"):
        kazakh = brief_html(request=request, scope=scope, region=region, filters=filters, indicators=indicators)
    assert "Region boundaries" not in kazakh
