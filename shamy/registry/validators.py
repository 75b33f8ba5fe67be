"""Validators for Kazakhstan's 12-digit identifiers: IIN (people) and BIN (organisations).

Both share one check-digit algorithm: digit 12 is the weighted sum of digits 1–11 with
weights 1..11 modulo 11; when that is 10, weights 3..11,1,2 are used instead, and a second 10
means the number cannot be valid.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_WEIGHTS_FIRST = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_WEIGHTS_SECOND = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def check_digit(first_eleven: str) -> int | None:
    """The 12th digit for these 11 digits, or None when no check digit can exist."""
    digits = [int(char) for char in first_eleven]
    value = sum(d * w for d, w in zip(digits, _WEIGHTS_FIRST, strict=True)) % 11
    if value == 10:
        value = sum(d * w for d, w in zip(digits, _WEIGHTS_SECOND, strict=True)) % 11
        if value == 10:
            return None
    return value


def has_valid_check_digit(number: str) -> bool:
    if len(number) != 12 or not number.isascii() or not number.isdigit():
        return False
    expected = check_digit(number[:11])
    return expected is not None and expected == int(number[11])


def iin_birth_date(iin: str) -> datetime.date | None:
    """Birth date encoded in an IIN (digits 1–6 YYMMDD, digit 7 century and sex)."""
    century_digit = int(iin[6])
    centuries = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}
    if century_digit not in centuries:
        return None
    try:
        return datetime.date(centuries[century_digit] + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return None


def validate_iin(value: str) -> None:
    if len(value) != 12 or not value.isascii() or not value.isdigit():
        raise ValidationError(_("An IIN has exactly 12 digits."), code="iin_format")
    if iin_birth_date(value) is None:
        raise ValidationError(_("The first seven digits of this IIN are not a valid birth date."), code="iin_date")
    if not has_valid_check_digit(value):
        raise ValidationError(_("This IIN's check digit is wrong: please check for a typo."), code="iin_checksum")


def validate_bin(value: str) -> None:
    if len(value) != 12 or not value.isascii() or not value.isdigit():
        raise ValidationError(_("A BIN has exactly 12 digits."), code="bin_format")
    # Digits 3–4 are the registration month; digit 5 the legal-entity type (4, 5 or 6).
    if not 1 <= int(value[2:4]) <= 12 or value[4] not in "456":
        raise ValidationError(_("This is not a BIN: digits 3–5 must give a month and an entity type."), code="bin_kind")
    if not has_valid_check_digit(value):
        raise ValidationError(_("This BIN's check digit is wrong: please check for a typo."), code="bin_checksum")


def mask_identifier(value: str) -> str:
    """Show only the last four digits: ``********1234``."""
    if not value:
        return ""
    return "•" * (len(value) - 4) + value[-4:]
