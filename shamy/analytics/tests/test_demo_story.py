"""Issue 10, point 8: the demo tells the seeds' story."""

from __future__ import annotations

import datetime

import pytest

from shamy.analytics.models import Target
from shamy.registry.demo.plan import build_plan
from shamy.registry.models import Locality, Ownership


@pytest.fixture(scope="module")
def plan():
    return build_plan(1.0, today=datetime.date(2026, 12, 6))


def test_operator_schools_stand_in_astana_and_atyrau(plan):
    built = [school for school in plan.schools if school.handover_on is not None]
    assert built and {school.region_kato for school in built} <= {"71", "23"}  # seed 001


def test_schools_past_their_handover_date_are_handed_over(plan):
    today = datetime.date(2026, 12, 6)
    built = [school for school in plan.schools if school.handover_on is not None]
    handed = [school for school in built if school.handover_on <= today]
    assert handed, "the demo has schools whose five years are over"
    assert all(school.ownership == Ownership.STATE for school in handed)
    assert all(school.ownership == Ownership.OPERATOR for school in built if school.handover_on > today)
    earlier = build_plan(1.0, today=datetime.date(2025, 1, 1))
    assert all(school.ownership == Ownership.OPERATOR for school in earlier.schools if school.handover_on)


def test_over_4000_rural_schools_modernised_in_the_targets_four_years(plan):
    rural = [school for school in plan.schools if school.locality == Locality.RURAL]
    in_window = [school for school in rural if school.modernised_year and 2021 <= school.modernised_year <= 2024]
    assert len(rural) == 5260
    assert len(in_window) > 4000  # seed 004: "over 4,000 ... over the past four years"


@pytest.mark.django_db
def test_the_modernisation_target_counts_those_four_years():
    target = Target.objects.get(code="rural_modernised_4000")
    assert (target.starts_on, target.deadline, target.goal) == (
        datetime.date(2021, 1, 1),
        datetime.date(2024, 12, 31),
        4000,
    )
