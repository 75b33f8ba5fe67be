"""Valid, unique invented IINs and BINs for the demo data.

An IIN is YYMMDD, a century-and-sex digit (3/4: born 1900–1999, male/female; 5/6: 2000–2099),
a four-digit serial and the check digit. A BIN is YYMM of registration, the entity-type digit
(4: a legal entity), 0 (a head office), a five-digit serial and the check digit. Numbers whose first eleven digits
admit no check digit are skipped, so every number produced passes
:func:`shamy.registry.validators.validate_iin` / ``validate_bin``.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable
from operator import mul

from shamy.registry.validators import check_digit

_WEIGHTS_FIRST = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_WEIGHTS_SECOND = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def iin_century_digit(birth_date: datetime.date, *, female: bool) -> int:
    """Digit 7 of an IIN: century of birth and sex."""
    if 1800 <= birth_date.year < 1900:
        base = 1
    elif birth_date.year < 2000:
        base = 3
    elif birth_date.year < 2100:
        base = 5
    else:
        raise ValueError("IINs encode birth years 1800–2099 only.")
    return base + (1 if female else 0)


def iin_build(birth_date: datetime.date, *, female: bool, serial: int) -> str | None:
    """The IIN for this birth date, sex and serial (0–9999), or None if no check digit exists."""
    if not 0 <= serial <= 9999:
        raise ValueError("The serial has four digits.")
    first = f"{birth_date:%y%m%d}{iin_century_digit(birth_date, female=female)}{serial:04d}"
    digit = check_digit(first)
    return None if digit is None else first + str(digit)


class IinGenerator:
    """Hands out IINs never handed out before (nor listed in ``taken``)."""

    def __init__(self, taken: Iterable[str | None] = ()) -> None:
        self._used: set[str] = {number[:11] for number in taken if number}

    def make(self, rng: random.Random, birth_date: datetime.date, *, female: bool) -> str:
        prefix = (
            f"{birth_date.year % 100:02d}{birth_date.month:02d}{birth_date.day:02d}"
            f"{iin_century_digit(birth_date, female=female)}"
        )
        # The weighted sums of the seven fixed digits are computed once; each serial tried only
        # adds its own four digits (weights 8–11, or 10, 11, 1, 2 in the second pass).
        digits = [ord(char) - 48 for char in prefix]
        first_sum = sum(map(mul, digits, _WEIGHTS_FIRST[:7]))
        second_sum = sum(map(mul, digits, _WEIGHTS_SECOND[:7]))
        while True:
            serial = int(rng.random() * 10000)
            first = f"{prefix}{serial:04d}"
            if first in self._used:
                continue
            thousands, rest = divmod(serial, 1000)
            hundreds, rest = divmod(rest, 100)
            tens, units = divmod(rest, 10)
            value = (first_sum + 8 * thousands + 9 * hundreds + 10 * tens + 11 * units) % 11
            if value == 10:
                value = (second_sum + 10 * thousands + 11 * hundreds + tens + 2 * units) % 11
                if value == 10:
                    continue
            self._used.add(first)
            return f"{first}{value}"


class BinGenerator:
    """Hands out distinct BINs of legal entities registered between ``first_year`` and ``last_year``."""

    def __init__(
        self, rng: random.Random, *, first_year: int, last_year: int, taken: Iterable[str | None] = ()
    ) -> None:
        self._rng = rng
        self._years = (first_year, last_year)
        self._used: set[str] = {number[:11] for number in taken if number}

    def make(self) -> str:
        while True:
            year = self._rng.randint(*self._years)
            first = f"{year % 100:02d}{self._rng.randint(1, 12):02d}40{self._rng.randrange(100000):05d}"
            digit = check_digit(first)
            if digit is not None and first not in self._used:
                self._used.add(first)
                return first + str(digit)
