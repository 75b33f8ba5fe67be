"""The one parser for numbers from outside (``shamy.core.inputs``)."""

from __future__ import annotations

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from shamy.core import inputs
from shamy.core.inputs import MAX_ID, MAX_PAGE, ascii_integer, parse_id, parse_ids, parse_int, parse_page, parse_year

# The inputs that gave server errors: digits of other scripts and numbers past 64 bits.
HOSTILE = ["²", "٣", "¹²", "१", "߃", "𝟗", "2²", str(2**63), str(2**70), "9" * 30, "1" * 5000, "\x00", "1\x00"]


@pytest.mark.parametrize("raw", HOSTILE + ["", " ", "-", "+1", "1.0", "1e3", "0x10", "1_000", "abc", None, 1.5, [1]])
def test_anything_but_ascii_digits_is_not_an_id(raw):
    assert parse_id(raw) is None


@pytest.mark.parametrize(("raw", "expected"), [("1", 1), (" 42 ", 42), ("007", 7), (7, 7), (str(MAX_ID), MAX_ID)])
def test_ascii_digits_within_bounds_are_read(raw, expected):
    assert parse_id(raw) == expected


@pytest.mark.parametrize("raw", ["0", "-1", str(MAX_ID + 1), 0, True])
def test_ids_out_of_bounds_are_none(raw):
    assert parse_id(raw) is None


def test_isdigit_accepts_what_int_cannot_read():
    # Why the parser exists: the check the views used passes, and int() then raises.
    assert "²".isdigit()
    with pytest.raises(ValueError, match="invalid literal"):
        int("²")
    assert ascii_integer("²") is None


def test_bounds_and_defaults():
    assert parse_int("5", minimum=0, maximum=10) == 5
    assert parse_int("11", minimum=0, maximum=10) is None
    assert parse_int("11", minimum=0, maximum=10, default=3) == 3
    assert parse_int("-4", minimum=-5, maximum=10) == -4
    assert parse_int("-", minimum=-5, maximum=10, default=0) == 0


def test_pages_start_at_one_and_stop_at_the_maximum():
    assert parse_page(None) == 1
    assert parse_page("²") == 1
    assert parse_page("-3") == 1
    assert parse_page("0") == 1
    assert parse_page("3") == 3
    assert parse_page(str(2**70)) == 1  # too long to be a number at all
    assert parse_page(str(10**12)) == MAX_PAGE


def test_years_are_bounded():
    assert inputs.parse_year("2024") == 2024
    assert parse_year("2024", minimum=2000, maximum=2020, default=2019) == 2019
    assert parse_year("٢٠٢٤", default=2000) == 2000


def test_parse_ids_keeps_valid_ones_in_order_once():
    assert parse_ids(["3", "²", "1", "3", str(2**70), "", "2"]) == [3, 1, 2]


@given(st.one_of(st.none(), st.text(max_size=40), st.integers().map(str), st.integers()))
def test_never_raises_and_stays_in_bounds(raw):
    value = parse_id(raw)
    assert value is None or 1 <= value <= MAX_ID
    assert 1 <= parse_page(raw) <= MAX_PAGE
    year = parse_year(raw)
    assert year is None or inputs.MIN_YEAR <= year <= inputs.MAX_YEAR


class BoundedForm(forms.Form):
    weeks = inputs.IntegerField(min_value=1, max_value=8)
    school = inputs.IdField(required=False)


@pytest.mark.parametrize("raw", ["٣", "²", "9" * 30, str(2**70), "0", "9", "1.5"])
def test_form_integer_fields_refuse_foreign_digits_and_out_of_range(raw):
    form = BoundedForm({"weeks": raw, "school": raw})
    assert not form.is_valid()
    assert "weeks" in form.errors


def test_form_integer_fields_read_ascii_numbers():
    form = BoundedForm({"weeks": " 3 ", "school": "12"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"weeks": 3, "school": 12}
    assert not BoundedForm({"weeks": "3", "school": str(MAX_ID + 1)}).is_valid()


def test_form_integer_fields_need_both_bounds():
    with pytest.raises(TypeError):
        inputs.IntegerField(min_value=1)  # type: ignore[call-arg]
