from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shamy.analytics.parity import Part, absolute_gap, adjusted_parity_index, ratio, weighted_ratio

values = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=1e-6, max_value=1e9, allow_nan=False, allow_infinity=False)


@given(values, positive)
def test_parity_is_bounded_between_0_and_2(rural, urban):
    index = adjusted_parity_index(rural, urban)
    assert index is not None
    assert 0 <= index <= 2


@given(positive, positive)
def test_parity_is_symmetric_around_1(rural, urban):
    forward = adjusted_parity_index(rural, urban)
    backward = adjusted_parity_index(urban, rural)
    assert forward is not None and backward is not None
    assert math.isclose(forward + backward, 2, rel_tol=1e-9, abs_tol=1e-9)


@given(positive)
def test_parity_of_equal_values_is_1(value):
    assert adjusted_parity_index(value, value) == 1


@given(values)
def test_parity_is_undefined_when_urban_is_zero(rural):
    assert adjusted_parity_index(rural, 0) is None


@given(positive, positive)
def test_parity_below_1_means_rural_disadvantage(rural, urban):
    index = adjusted_parity_index(rural, urban)
    assert index is not None
    if rural < urban:
        assert index < 1 or math.isclose(index, 1)
    elif rural > urban:
        assert index > 1 or math.isclose(index, 1)


@pytest.mark.parametrize(
    ("rural", "urban", "expected"),
    [
        (0.5, 1.0, 0.5),  # r/u = 0.5
        (1.0, 0.5, 1.5),  # r/u = 2 → 2 − 0.5
        (3.0, 4.0, 0.75),
        (4.0, 3.0, 2 - 0.75),
        (0.0, 10.0, 0.0),  # no rural value at all: complete disparity, not undefined
        (0.0, 0.0, None),  # nothing on either side: undefined
        (10.0, 0.0, None),
        (None, 1.0, None),
        (1.0, None, None),
        # PISA 2022 style: rural 400, urban 418 → 0.9569
        (400.0, 418.0, 400 / 418),
    ],
)
def test_parity_hand_computed(rural, urban, expected):
    result = adjusted_parity_index(rural, urban)
    if expected is None:
        assert result is None
    else:
        assert result == pytest.approx(expected)


def test_parity_rejects_negative_values():
    with pytest.raises(ValueError):
        adjusted_parity_index(-1, 2)


def test_absolute_gap_is_urban_minus_rural():
    assert absolute_gap(0.25, 0.75) == pytest.approx(0.5)
    assert absolute_gap(0.75, 0.25) == pytest.approx(-0.5)
    assert absolute_gap(None, 1) is None


def test_ratio_is_undefined_for_zero_denominator():
    assert ratio(3, 0) is None
    assert ratio(0, 3) == 0


def test_weighted_national_ratio_is_not_a_mean_of_regional_ratios():
    # Region A: 10 of 1,000 schools have high-speed internet (1%).
    # Region B: 40 of 40 (100%). Mean of ratios would be 50.5%; the true national share is
    # 50 / 1,040 = 4.81%.
    parts = [Part(10, 1000), Part(40, 40)]
    assert weighted_ratio(parts) == pytest.approx(50 / 1040)
    assert weighted_ratio(parts) != pytest.approx((0.01 + 1.0) / 2)


def test_weighted_ratio_of_nothing_is_undefined():
    assert weighted_ratio([]) is None
    assert weighted_ratio([Part(0, 0)]) is None


@given(st.lists(st.tuples(st.integers(0, 10_000), st.integers(1, 10_000)), min_size=1, max_size=20))
def test_weighted_ratio_lies_between_the_smallest_and_largest_regional_ratio(pairs):
    parts = [Part(min(n, d), d) for n, d in pairs]
    national = weighted_ratio(parts)
    regional = [p.numerator / p.denominator for p in parts]
    assert national is not None
    assert min(regional) - 1e-12 <= national <= max(regional) + 1e-12


@given(st.lists(st.tuples(st.integers(0, 10_000), st.integers(1, 10_000)), min_size=1, max_size=20))
def test_weighted_ratio_equals_pooled_ratio(pairs):
    parts = [Part(n, d) for n, d in pairs]
    assert weighted_ratio(parts) == pytest.approx(sum(n for n, _ in pairs) / sum(d for _, d in pairs))
