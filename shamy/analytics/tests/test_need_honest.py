"""Issue 10, point 7: the need ranking is honest about what it measures."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from shamy.analytics.models import Scenario
from shamy.analytics.need import COMPONENTS, Candidate, parse_weights, rank, usable

ALMATY_REGION = Candidate(
    "Almaty Region",
    {
        "rural_share": 413 / 464 * 100,  # 89.0 %
        "small_class_share": 31.0,
        "no_internet": 42.0,
        "weak_outcomes": None,
        "low_coverage": 100 - 6 / 464 * 100,  # six reached schools: 98.7 %
    },
    reached=6,
)
CITIES = [
    Candidate(
        name,
        {
            "rural_share": 0.0,
            "small_class_share": 0.0,
            "no_internet": 12.0,
            "weak_outcomes": None,
            "low_coverage": 100.0,
        },
        reached=0,
    )
    for name in ("Astana city", "Almaty city", "Shymkent city")
]
OTHERS = [
    Candidate(
        f"Region {index}",
        {
            "rural_share": 50.0 + index,
            "small_class_share": 20.0,
            "no_internet": 30.0,
            "weak_outcomes": None,
            "low_coverage": 100.0,
        },
        reached=0,
    )
    for index in range(5)
]


def test_shares_keep_their_natural_scale():
    ranked = {item.place: item for item in rank([ALMATY_REGION, *CITIES, *OTHERS], dict.fromkeys(COMPONENTS, 1))}
    # 98.7 % and 100 % unreached stay close: not stretched to 0 and 1.
    assert ranked["Almaty Region"].parts["low_coverage"] == pytest.approx(0.987, abs=1e-3)
    assert ranked["Astana city"].parts["low_coverage"] == 1.0
    assert ranked["Almaty Region"].parts["rural_share"] == pytest.approx(0.890, abs=1e-3)


@given(
    st.fixed_dictionaries(
        {
            "rural_share": st.integers(min_value=1, max_value=10),
            "small_class_share": st.integers(min_value=0, max_value=10),
            "no_internet": st.integers(min_value=0, max_value=10),
            "weak_outcomes": st.integers(min_value=0, max_value=10),
            "low_coverage": st.integers(min_value=0, max_value=10),
        }
    )
)
def test_cities_never_outrank_almaty_region_when_rural_share_counts(weights):
    ranked = rank([ALMATY_REGION, *CITIES, *OTHERS], weights)
    order = [item.place for item in ranked]
    for city in ("Astana city", "Almaty city", "Shymkent city"):
        assert order.index("Almaty Region") < order.index(city)


def test_invalid_weights_are_errors_not_ones():
    weights, errors = parse_weights({"rural_share": "-3", "no_internet": "abc", "low_coverage": "11"})
    assert set(errors) == {"rural_share", "no_internet", "low_coverage"}
    assert parse_weights({"rural_share": " 4 "}) == ({**dict.fromkeys(COMPONENTS, 1), "rural_share": 4}, {})


def test_no_usable_component_ranks_nothing():
    places = [ALMATY_REGION, *CITIES]
    zero = dict.fromkeys(COMPONENTS, 0)
    assert not usable(places, zero) and rank(places, zero) == []
    only_missing = {**zero, "weak_outcomes": 5}  # no place has outcome data
    assert rank(places, only_missing) == []


def test_places_without_a_score_are_last_and_unnumbered():
    empty = Candidate("No data", dict.fromkeys(COMPONENTS), reached=0)
    ranked = rank([empty, ALMATY_REGION, *CITIES], dict.fromkeys(COMPONENTS, 1))
    assert ranked[-1].place == "No data" and ranked[-1].score is None and ranked[-1].position is None
    assert [item.position for item in ranked[:-1]] == [1, 2, 3, 4]


@pytest.mark.django_db
def test_need_page_reports_errors_and_names_year_and_sources(client, cast):
    client.force_login(cast.dana)
    url = reverse("analytics:need")
    bad = client.get(url, {"rural_share": "-3", "no_internet": "abc"})
    assert bad.status_code == 200
    assert bad.context["ranked"] == [] and set(bad.context["errors"]) == {"rural_share", "no_internet"}
    assert 'aria-invalid="true"' in bad.content.decode()
    nothing = client.get(url, dict.fromkeys(COMPONENTS, "0"))
    assert nothing.context["ranked"] == [] and not nothing.context["usable"]
    good = client.get(url)
    html = good.content.decode()
    assert good.context["ranked"] and "2022/23" in html  # the registry's reference year is named
    client.post(reverse("analytics:scenario-save"), {"name": "Bad", "rural_share": "-3"})
    assert not Scenario.objects.filter(name="Bad").exists()


@pytest.mark.django_db
def test_weak_outcomes_leave_out_values_from_too_few_people(client, cast):
    from shamy.analytics.models import Indicator, IndicatorValue, Level
    from shamy.analytics.selectors import registry_year

    indicator = Indicator.objects.create(
        code="exam", name={"en": "Exam"}, unit="score", direction="higher_better", source_kind="imported"
    )
    common = {"indicator": indicator, "year": registry_year(), "level": Level.REGION, "source": "Test"}
    IndicatorValue.objects.create(**common, region=cast.region_a, value=40, people=3)  # too few people
    IndicatorValue.objects.create(**common, region=cast.region_b, value=70, people=50)
    client.force_login(cast.dana)
    ranked = client.get(reverse("analytics:need")).context["ranked"]
    weak = {item.place.kato: item.raw["weak_outcomes"] for item in ranked}
    assert weak["19"] is None
