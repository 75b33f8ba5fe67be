"""Similar schools (``shamy.analytics.peers``): the one comparison group, and a school's figures
beside it under the analytics' suppression rule."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shamy.analytics import peers
from shamy.analytics.models import Indicator, IndicatorValue, Level, SourceKind, Unit
from shamy.analytics.selectors import threshold
from shamy.core.testing.factories import OrganisationFactory, RegionFactory, SchoolFactory
from shamy.registry.models import Locality, Ownership


@given(st.integers(min_value=0, max_value=20_000))
def test_every_school_falls_in_exactly_one_size_band(pupils):
    low, high = peers.size_band(pupils)
    assert low <= pupils and (high is None or pupils <= high)
    assert low in peers.SIZE_BANDS
    # The bands do not overlap: exactly one holds the number.
    holding = [
        bound
        for bound in peers.SIZE_BANDS
        if peers.size_band(bound)[0] <= pupils <= (peers.size_band(bound)[1] or pupils)
    ]
    assert holding == [low]


def test_the_bands_edges():
    assert peers.size_band(0) == (0, 99)
    assert peers.size_band(99) == (0, 99)
    assert peers.size_band(100) == (100, 299)
    assert peers.size_band(1999) == (1000, 1999)
    assert peers.size_band(2000) == (2000, None)


@pytest.mark.django_db
def test_similar_schools_share_region_locality_and_band_and_were_never_run_by_an_operator():
    region, other_region = RegionFactory(), RegionFactory()
    school = SchoolFactory(region=region, locality=Locality.URBAN, pupils=450, teachers=30)
    alike = [SchoolFactory(region=region, locality=Locality.URBAN, pupils=pupils) for pupils in (300, 450, 599)]
    operator = OrganisationFactory(kind="school_operator")
    unlike = [
        SchoolFactory(region=region, locality=Locality.URBAN, pupils=299),
        SchoolFactory(region=region, locality=Locality.URBAN, pupils=600),
        SchoolFactory(region=region, locality=Locality.RURAL, pupils=450),
        SchoolFactory(region=other_region, locality=Locality.URBAN, pupils=450),
        SchoolFactory(
            region=region, locality=Locality.URBAN, pupils=450, ownership=Ownership.OPERATOR, operator=operator
        ),
        # Handed over by its operator: a state school now, but not "never run by an operator".
        SchoolFactory(region=region, locality=Locality.URBAN, pupils=450, handover_on=datetime.date(2024, 9, 1)),
        SchoolFactory(region=region, locality=Locality.URBAN, pupils=450, ownership=Ownership.PRIVATE),
    ]
    found = set(peers.similar_state_schools(school).values_list("pk", flat=True))
    assert found == {x.pk for x in alike}
    assert not found & {x.pk for x in unlike}


@pytest.mark.django_db
def test_a_school_beside_its_peers_pools_sums_and_suppresses_small_counts():
    region = RegionFactory()
    school = SchoolFactory(region=region, locality=Locality.RURAL, pupils=80, teachers=8, is_small_class=True)
    group = [SchoolFactory(region=region, locality=Locality.RURAL, pupils=50, teachers=5) for _n in range(3)]
    group.append(SchoolFactory(region=region, locality=Locality.RURAL, pupils=90, teachers=15))
    outcome = Indicator.objects.create(
        code="reading_score",
        name={"en": "Reading score"},
        unit=Unit.SCORE,
        direction="higher_better",
        source_kind=SourceKind.IMPORTED,
    )
    minimum = threshold()
    for place, value, people in ((school, 60.0, minimum), (group[0], 40.0, minimum), (group[1], 70.0, 3 * minimum)):
        IndicatorValue.objects.create(
            indicator=outcome,
            year=2022,
            level=Level.SCHOOL,
            region=region,
            school=place,
            value=value,
            people=people,
            source="test",
        )
    comparison = peers.school_beside_peers(school=school, years=[2022])
    assert comparison.group_size == 4 and comparison.band == (0, 99)
    rows = {row.indicator.code: row for row in comparison.rows}
    own, pooled = rows["pupils_per_teacher"].cells[2022]
    assert own.suppressed and own.value is None  # 8 teachers: fewer than the threshold
    assert pooled.value == pytest.approx((3 * 50 + 90) / (3 * 5 + 15))  # sums pooled, not a mean of ratios
    own, pooled = rows["small_class_share"].cells[2022]
    assert rows["small_class_share"].yes_no and own.value == 100 and pooled.value == 0
    own, pooled = rows["reading_score"].cells[2022]
    assert own.value == 60.0
    assert pooled.value == pytest.approx((40.0 * minimum + 70.0 * 3 * minimum) / (4 * minimum))
    assert "programme_schools" not in rows  # counts schools of a kind: not a figure of one school
