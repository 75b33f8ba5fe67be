"""Paired pre/post statistics against hand-computed cases and properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shamy.surveys.stats import paired


def test_hand_computed_four_pairs():
    # d = [1, 1, 2, 0]: mean 1, sample variance (0 + 0 + 1 + 1) / 3 = 2/3, sd = 0.8165;
    # t(0.975, 3) = 3.182446, half-width = 3.182446 * 0.8165 / 2 = 1.29923.
    result = paired([2, 3, 3, 4], [3, 4, 5, 4], wilcoxon=True)
    assert result.n == 4
    assert result.mean_pre == 3 and result.mean_post == 4
    assert result.mean_change == pytest.approx(1.0)
    assert result.sd_change == pytest.approx(math.sqrt(2 / 3))
    assert result.cohen_dz == pytest.approx(1 / math.sqrt(2 / 3))
    assert result.ci_low == pytest.approx(1 - 1.29923, abs=1e-4)
    assert result.ci_high == pytest.approx(1 + 1.29923, abs=1e-4)
    assert result.share_improved == pytest.approx(0.75)
    # Zeros dropped: three positive differences, W- = 0; exact two-sided p = 2 / 2^3.
    assert result.wilcoxon_statistic == 0
    assert result.wilcoxon_p == pytest.approx(0.25)


def test_hand_computed_wilcoxon_six_nonzero_differences():
    # d = [1, 2, 0, 1, 0, 2, 2, 1]: six non-zero, all positive; exact two-sided p = 2 / 2^6.
    result = paired([1, 2, 3, 4, 5, 1, 2, 3], [2, 4, 3, 5, 5, 3, 4, 4], wilcoxon=True)
    assert result.mean_change == pytest.approx(1.125)
    assert result.wilcoxon_p == pytest.approx(0.03125)


def test_undefined_values_are_none():
    assert paired([], []).mean_change is None
    one = paired([3], [4])
    assert one.mean_change == 1 and one.ci_low is None and one.cohen_dz is None
    same = paired([2, 3], [3, 4], wilcoxon=True)  # every difference 1: no spread
    assert same.cohen_dz is None and same.ci_low == same.ci_high == 1
    unchanged = paired([2, 3], [2, 3], wilcoxon=True)
    assert unchanged.wilcoxon_p is None and unchanged.share_improved == 0


def test_lengths_must_match():
    with pytest.raises(ValueError):
        paired([1, 2], [1])


values = st.lists(st.integers(min_value=1, max_value=5), min_size=2, max_size=40)


@settings(deadline=None, max_examples=60)
@given(values, st.data())
def test_properties(pre, data):
    post = data.draw(st.lists(st.integers(min_value=1, max_value=5), min_size=len(pre), max_size=len(pre)))
    result = paired(pre, post, wilcoxon=True)
    assert result.mean_change is not None and result.mean_post is not None and result.mean_pre is not None
    assert result.share_improved is not None
    assert result.mean_change == pytest.approx(result.mean_post - result.mean_pre)
    assert 0 <= result.share_improved <= 1
    if result.ci_low is not None and result.ci_high is not None:
        assert result.ci_low <= result.mean_change + 1e-9 <= result.ci_high + 2e-9
    if result.cohen_dz is not None:
        assert math.copysign(1, result.cohen_dz) == math.copysign(1, result.mean_change) or result.mean_change == 0
    # Swapping before and after negates the change and the effect size.
    swapped = paired(post, pre)
    assert swapped.mean_change == pytest.approx(-result.mean_change)
    if result.cohen_dz is not None:
        assert swapped.cohen_dz == pytest.approx(-result.cohen_dz)
    # A constant shift of every "after" moves the change by that constant and keeps the spread.
    shifted = paired(pre, [value + 2 for value in post])
    assert shifted.mean_change == pytest.approx(result.mean_change + 2)
    assert shifted.sd_change == pytest.approx(result.sd_change)
