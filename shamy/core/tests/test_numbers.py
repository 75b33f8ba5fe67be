"""The one number format: rounded half away from zero (never cut), in kk, ru and en formats."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from shamy.core.numbers import format_decimal, round_half_away

NBSP = "\xa0"


def _expected(value: float, decimals: int) -> Decimal:
    exact = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return abs(exact) if exact == 0 else exact


def _parse(text: str, language: str) -> Decimal:
    if language == "en":
        return Decimal(text.replace(",", ""))
    return Decimal(text.replace(NBSP, "").replace(",", "."))


@given(
    value=st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
    decimals=st.integers(min_value=0, max_value=4),
    language=st.sampled_from(["kk", "ru", "en"]),
)
def test_format_decimal_equals_decimal_half_up_rounding(value, decimals, language):
    with translation.override(language):
        text = format_decimal(value, decimals)
    assert _parse(text, language) == _expected(value, decimals)
    whole = text.lstrip("-").split("." if language == "en" else ",")[0]
    separator = "," if language == "en" else NBSP
    groups = whole.split(separator)
    assert all(len(group) == 3 for group in groups[1:]) and 1 <= len(groups[0]) <= 3
    if decimals:
        assert len(text.rsplit("." if language == "en" else ",", 1)[1]) == decimals


@given(st.integers(min_value=-(10**6), max_value=10**6), st.integers(min_value=0, max_value=3))
def test_exact_halves_round_away_from_zero(whole, decimals):
    half = Decimal(whole) + Decimal(5).scaleb(-(decimals + 1)) * (1 if whole >= 0 else -1)
    rounded = round_half_away(half, decimals)
    assert abs(rounded) > abs(half)


@pytest.mark.parametrize(
    ("value", "decimals", "kk", "en"),
    [
        (403 / 467 * 100, 1, "86,3", "86.3"),  # North Kazakhstan 2022/23 rural share, 86.30 (cut: 86.2)
        (842 / 1004 * 100, 1, "83,9", "83.9"),  # Turkistan 83.86 (cut: 83.8)
        (0.5751, 2, "0,58", "0.58"),  # a parity index (cut: 0.57)
        (2.675, 2, "2,68", "2.68"),  # as read, not its binary value 2.67499…
        (0.125, 2, "0,13", "0.13"),  # half away from zero, not to even
        (7550, 0, "7\xa0550", "7,550"),
        (-0.04, 1, "0,0", "0.0"),  # no negative zero
        (-2.5, 0, "-3", "-3"),
    ],
)
def test_known_figures(value, decimals, kk, en):
    for language, expected in (("kk", kk), ("ru", kk), ("en", en)):
        with translation.override(language):
            assert format_decimal(value, decimals) == expected


@pytest.mark.parametrize("language", ["kk", "ru", "en", "ky"])
@given(value=st.integers(min_value=-(10**15), max_value=10**15))
def test_integer_formatter_writes_what_intcomma_writes(language, value):
    from django.contrib.humanize.templatetags.humanize import intcomma

    from shamy.core.numbers import integer_formatter

    with translation.override(language):
        assert integer_formatter()(value) == intcomma(value)
