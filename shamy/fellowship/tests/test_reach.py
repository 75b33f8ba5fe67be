"""Children reached: each child once however many fellows teach them, each school once however
many fellows serve it (hypothesis, against a plain count of the same data)."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shamy.core.testing.factories import RegionFactory, SchoolFactory, UserFactory
from shamy.fellowship.models import Fellow, FellowshipCohort, Placement, Pupil, TaughtClass
from shamy.fellowship.selectors import reach
from shamy.programmes.models import Cohort, Programme

# Each placement: a school (0..2) and its classes, each a set of pupil numbers (0..9).
placements_strategy = st.lists(
    st.tuples(st.integers(0, 2), st.lists(st.sets(st.integers(0, 9), max_size=6), min_size=1, max_size=3)),
    min_size=1,
    max_size=5,
)


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(placements_strategy)
def test_reach_counts_each_child_and_each_school_once(data):
    region = RegionFactory(kato="35")
    schools = [SchoolFactory(region=region, pupils=100 * (n + 1)) for n in range(3)]
    programme = Programme.objects.create(
        name_kk="F", name_ru="F", starts_on=datetime.date(2024, 1, 1), ends_on=datetime.date(2030, 1, 1)
    )
    cohort = FellowshipCohort.objects.create(
        cohort=Cohort.objects.create(
            programme=programme,
            name_kk="A",
            name_ru="A",
            starts_on=datetime.date(2024, 1, 1),
            ends_on=datetime.date(2026, 1, 1),
        )
    )
    user = UserFactory()
    expected_children: set[tuple[int, int]] = set()
    expected_schools: set[int] = set()
    for index, (school_index, classes) in enumerate(data):
        school = schools[school_index]
        fellow = Fellow.objects.create(
            cohort=cohort,
            user=user if index == 0 else None,
            full_name=f"F{index}",
            subjects=["mathematics"],
            languages=["kk"],
        )
        placement = Placement.objects.create(
            fellow=fellow,
            school=school,
            subject="mathematics",
            starts_on=datetime.date(2024, 9, 1),
            ends_on=datetime.date(2026, 6, 1),
        )
        expected_schools.add(school.pk)
        for number, pupils in enumerate(classes):
            taught = TaughtClass.objects.create(
                placement=placement, school_year=2024, name=str(number), subject="mathematics"
            )
            rows = [Pupil.objects.get_or_create(school=school, code=str(code))[0] for code in pupils]
            taught.pupils.set(rows)
            expected_children |= {(school.pk, code) for code in pupils}
    figures = reach(Placement.objects.filter(fellow__cohort=cohort))
    assert figures.direct == len(expected_children)
    assert figures.schools == len(expected_schools)
    assert figures.indirect == sum(s.pupils for s in schools if s.pk in expected_schools)
    assert figures.fellows_placed == len(data)
