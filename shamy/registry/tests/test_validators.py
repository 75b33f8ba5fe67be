"""Hypothesis properties of the IIN and BIN validators (check digit, format, birth date)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from shamy.registry.validators import (
    check_digit,
    has_valid_check_digit,
    iin_birth_date,
    mask_identifier,
    validate_bin,
    validate_iin,
)

eleven_digits = st.text(alphabet="0123456789", min_size=11, max_size=11)
CENTURY_DIGIT = {1800: ("1", "2"), 1900: ("3", "4"), 2000: ("5", "6")}


def _complete(first_eleven: str) -> str | None:
    digit = check_digit(first_eleven)
    return None if digit is None else first_eleven + str(digit)


@st.composite
def valid_iins(draw: st.DrawFn) -> str:
    born = draw(st.dates(min_value=datetime.date(1800, 1, 1), max_value=datetime.date(2099, 12, 31)))
    century = born.year // 100 * 100
    first = (
        born.strftime("%y%m%d")
        + draw(st.sampled_from(CENTURY_DIGIT[century]))
        + draw(st.text(alphabet="0123456789", min_size=4, max_size=4))
    )
    iin = _complete(first)
    assume(iin is not None)
    return iin  # type: ignore[return-value]


@st.composite
def valid_bins(draw: st.DrawFn) -> str:
    first = (
        draw(st.text(alphabet="0123456789", min_size=2, max_size=2))
        + f"{draw(st.integers(min_value=1, max_value=12)):02d}"
        + draw(st.sampled_from("456"))
        + draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    )
    bin_value = _complete(first)
    assume(bin_value is not None)
    return bin_value  # type: ignore[return-value]


@given(eleven_digits)
def test_check_digit_is_a_single_digit_or_none(first):
    digit = check_digit(first)
    assert digit is None or 0 <= digit <= 9


@given(eleven_digits)
def test_completed_number_has_a_valid_check_digit_and_no_other_last_digit_is_valid(first):
    number = _complete(first)
    assume(number is not None)
    assert has_valid_check_digit(number)
    for other in "0123456789":
        if other != number[-1]:
            assert not has_valid_check_digit(first + other)


@given(valid_iins())
def test_valid_iins_pass_and_carry_their_birth_date(iin):
    validate_iin(iin)
    born = iin_birth_date(iin)
    assert born is not None
    assert born.strftime("%y%m%d") == iin[:6]


def _first_pass(number: str) -> int:
    """The first weighted sum (weights 1..11) modulo 11, computed independently as an oracle."""
    return sum(int(digit) * weight for digit, weight in zip(number[:11], range(1, 12), strict=True)) % 11


# The official algorithm gives the 11th digit the weight 11, which is 0 modulo 11: a typo there is
# caught only when the second weighting applies. Hypothesis found this; the properties below state
# exactly what the check digit does guarantee.
@given(valid_iins(), st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_changing_one_of_the_first_ten_digits_of_an_iin_is_caught(iin, position, delta):
    changed = iin[:position] + str((int(iin[position]) + delta) % 10) + iin[position + 1 :]
    assume(_first_pass(iin) != 10 and _first_pass(changed) != 10)
    with pytest.raises(ValidationError) as caught:
        validate_iin(changed)
    assert caught.value.code in {"iin_checksum", "iin_date"}


@given(valid_iins(), st.integers(min_value=0, max_value=9))
def test_swapping_two_neighbouring_different_digits_of_an_iin_is_caught(iin, position):
    assume(iin[position] != iin[position + 1])
    swapped = iin[:position] + iin[position + 1] + iin[position] + iin[position + 2 :]
    assume(_first_pass(iin) != 10 and _first_pass(swapped) != 10)
    assert not has_valid_check_digit(swapped)


def test_the_factory_iin_and_bin_are_valid():
    from shamy.core.testing.factories import valid_bin, valid_iin

    for sequence in range(20):
        validate_iin(valid_iin(sequence))
        validate_bin(valid_bin(sequence))


@given(valid_bins())
def test_valid_bins_pass(bin_value):
    validate_bin(bin_value)


@given(valid_bins(), st.integers(min_value=1, max_value=9))
def test_wrong_last_digit_of_a_bin_is_caught(bin_value, delta):
    changed = bin_value[:-1] + str((int(bin_value[-1]) + delta) % 10)
    with pytest.raises(ValidationError) as caught:
        validate_bin(changed)
    assert caught.value.code == "bin_checksum"


@given(st.text(max_size=20))
def test_anything_that_is_not_twelve_ascii_digits_is_refused_with_a_format_error(value):
    assume(not (len(value) == 12 and value.isascii() and value.isdigit()))
    with pytest.raises(ValidationError) as iin_error:
        validate_iin(value)
    assert iin_error.value.code == "iin_format"
    with pytest.raises(ValidationError) as bin_error:
        validate_bin(value)
    assert bin_error.value.code == "bin_format"


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_any_twelve_digits_are_accepted_or_refused_with_a_known_code(value):
    for validator, codes in (
        (validate_iin, {"iin_date", "iin_checksum"}),
        (validate_bin, {"bin_kind", "bin_checksum"}),
    ):
        try:
            validator(value)
        except ValidationError as error:
            assert error.code in codes
        else:
            assert has_valid_check_digit(value)


def test_non_ascii_digits_are_refused():
    arabic_indic = "٨٥٠١٠١٣٠٠٠١٤"
    with pytest.raises(ValidationError):
        validate_iin(arabic_indic)


def test_bin_with_a_month_out_of_range_is_refused():
    first = "05134000001"
    with pytest.raises(ValidationError) as caught:
        validate_bin(first + str(check_digit(first) or 0))
    assert caught.value.code == "bin_kind"


@given(st.text(alphabet="0123456789", min_size=4, max_size=12))
def test_masking_shows_only_the_last_four_digits(value):
    masked = mask_identifier(value)
    assert masked.endswith(value[-4:])
    assert len(masked) == len(value)
    assert set(masked[:-4]) <= {"•"}
