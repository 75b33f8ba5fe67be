"""Moderation statistics: hand-computed cases, properties, and scikit-learn's independent
cohen_kappa_score(weights="quadratic") on the same marks (scikit-learn is a test-only dependency)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from shamy.assessment.agreement import adjacent_agreement, exact_agreement, quadratic_weighted_kappa


def test_hand_computed_quadratic_kappa():
    # O: one disagreement (4 vs 3) in four, weight 1; E (marginals A uniform, B 1/4, 1/4, 1/2, 0):
    # sum w·E = 2 (in units of (i-j)^2), sum w·O = 1/4, so kappa = 1 - 0.25 / 2 = 0.875.
    assert quadratic_weighted_kappa([1, 2, 3, 4], [1, 2, 3, 3]) == pytest.approx(0.875)


def test_hand_computed_agreement_shares():
    first, second = [1, 2, 3, 4, 2], [1, 3, 3, 2, 2]
    assert exact_agreement(first, second) == pytest.approx(3 / 5)
    assert adjacent_agreement(first, second) == pytest.approx(4 / 5)


def test_perfect_and_reversed_agreement():
    assert quadratic_weighted_kappa([1, 2, 3, 4], [1, 2, 3, 4]) == pytest.approx(1.0)
    assert quadratic_weighted_kappa([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)


def test_undefined_cases_are_none():
    assert quadratic_weighted_kappa([], []) is None
    assert quadratic_weighted_kappa([2, 2, 2], [2, 2, 2]) is None
    assert exact_agreement([], []) is None
    with pytest.raises(ValueError):
        quadratic_weighted_kappa([1], [1, 2])


pairs = st.lists(st.tuples(st.integers(1, 4), st.integers(1, 4)), min_size=1, max_size=60)


@given(pairs)
def test_kappa_is_symmetric_and_at_most_one(data):
    first, second = [a for a, _ in data], [b for _, b in data]
    kappa = quadratic_weighted_kappa(first, second)
    if kappa is not None:
        assert kappa <= 1 + 1e-9
        assert quadratic_weighted_kappa(second, first) == pytest.approx(kappa)


@given(pairs)
def test_exact_never_exceeds_adjacent(data):
    first, second = [a for a, _ in data], [b for _, b in data]
    exact, adjacent = exact_agreement(first, second), adjacent_agreement(first, second)
    assert exact is not None and adjacent is not None
    assert 0 <= exact <= adjacent <= 1


@given(st.lists(st.integers(1, 4), min_size=2, max_size=40).filter(lambda levels: len(set(levels)) > 1))
def test_identical_marks_give_kappa_one(levels):
    assert quadratic_weighted_kappa(levels, levels) == pytest.approx(1.0)


def sklearn_kappa(first: list[int], second: list[int]) -> float:
    # The rubric's levels 1-4 are the scale: without labels, scikit-learn weights by the position among
    # the levels that occur (1, 2, 4 -> 0, 1, 2), which would treat 2 and 4 as neighbours.
    return float(cohen_kappa_score(first, second, weights="quadratic", labels=[1, 2, 3, 4]))


@given(pairs)
def test_kappa_matches_scikit_learn(data):
    first, second = [a for a, _ in data], [b for _, b in data]
    kappa = quadratic_weighted_kappa(first, second)
    if kappa is None:
        # Undefined: no disagreement is possible by chance (both gave one and the same level).
        assert len(set(first)) == len(set(second)) == 1 and first[0] == second[0]
    else:
        assert kappa == pytest.approx(sklearn_kappa(first, second), abs=1e-12)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ([1, 2, 3, 4], [1, 2, 3, 3]),
        ([1, 1, 2, 2, 3, 3, 4, 4], [1, 2, 2, 3, 3, 4, 4, 4]),
        ([2, 3, 3, 4, 1, 2], [3, 3, 2, 4, 2, 1]),
        ([1, 4, 1, 4], [4, 1, 4, 1]),
    ],
)
def test_kappa_matches_scikit_learn_on_fixed_cases(first, second):
    assert quadratic_weighted_kappa(first, second) == pytest.approx(sklearn_kappa(first, second), abs=1e-12)
