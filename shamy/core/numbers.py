"""The one way a figure becomes text: rounded half away from zero, in the active language's format.

Django's ``number_format`` cuts a float's digits instead of rounding them (86.2999 shows as 86.2)
and Python's ``round`` and ``f"{x:.1f}"`` round halves to even on the binary value (0.125 → 0.12,
2.675 → 2.67). Both misstate figures. :func:`round_half_away` rounds the decimal a person reads
(``repr`` of the float, the shortest text that is the same float) half away from zero, and
:func:`format_decimal` writes it with the language's decimal separator and thousands grouping
(kk and ru: ``12 345,6`` with a non-breaking space; en: ``12,345.6``). Pages, PDFs, SVG labels and
the display columns of exports all go through here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

from django.core.signals import setting_changed
from django.utils.formats import get_format
from django.utils.translation import get_language

# The quantum and the arithmetic context of each number of places, built once: entering a local
# decimal context for every figure cost more than the rounding itself (a dashboard formats hundreds).
_QUANTA: dict[int, Decimal] = {}
_CONTEXTS: dict[int, Context] = {}


def _rounding(decimals: int) -> tuple[Decimal, Context]:
    if decimals not in _QUANTA:
        # Enough precision for any float's whole digits and the places asked.
        _CONTEXTS[decimals] = Context(prec=400 + max(decimals, 0), rounding=ROUND_HALF_UP)
        _QUANTA[decimals] = Decimal(1).scaleb(-decimals)
    return _QUANTA[decimals], _CONTEXTS[decimals]


def round_half_away(value: float | int | Decimal, decimals: int = 0) -> Decimal:
    """``value`` rounded to ``decimals`` places, halves away from zero (2.5 → 3, −2.5 → −3).

    A float is read as the decimal it prints as (``repr``), so 2.675 rounds to 2.68 as a reader
    expects, not to 2.67 as its binary value would. A rounded zero has no sign.
    """
    exact = value if isinstance(value, Decimal) else Decimal(repr(value) if isinstance(value, float) else value)
    if not exact.is_finite():
        raise ValueError("Only finite numbers can be formatted.")
    quantum, context = _rounding(decimals)
    rounded = exact.quantize(quantum, context=context)
    return rounded.copy_abs() if rounded == 0 else rounded


def _group(digits: str, separator: str, grouping: int) -> str:
    if grouping <= 0 or len(digits) <= grouping:
        return digits
    head = len(digits) % grouping or grouping
    parts = [digits[:head]] + [digits[index : index + grouping] for index in range(head, len(digits), grouping)]
    return separator.join(parts)


@functools.lru_cache(maxsize=32)
def _separators(language: str | None) -> tuple[str, int, str]:
    """The language's thousands separator, grouping and decimal separator (read once each)."""
    return (
        str(get_format("THOUSAND_SEPARATOR", language)),
        int(get_format("NUMBER_GROUPING", language) or 0),
        str(get_format("DECIMAL_SEPARATOR", language)),
    )


def _formats_changed(**kwargs: Any) -> None:
    _separators.cache_clear()  # a test overriding the format settings sees them at once


setting_changed.connect(_formats_changed, dispatch_uid="shamy-numbers-formats")


def integer_formatter(language: str | None = None) -> Callable[[int], str]:
    """Whole numbers in the active (or given) language's grouping, exactly as Django's ``intcomma``
    writes them (kk and ru ``12\xa0345``, en ``12,345``), with the separators looked up once: for a
    table's columns of counts, where ``intcomma`` reads the format settings for every cell."""
    thousands, size, _point = _separators(language or get_language())

    def write(value: int) -> str:
        value = int(value)
        digits = _group(str(abs(value)), thousands, size)
        return f"-{digits}" if value < 0 else digits

    return write


def format_decimal(value: float | int | Decimal, decimals: int = 0, *, grouping: bool = True) -> str:
    """``value`` rounded half away from zero to ``decimals`` places, in the active language's format."""
    rounded = round_half_away(value, decimals)
    sign = "-" if rounded < 0 else ""
    text = f"{rounded.copy_abs():f}"
    whole, _dot, fraction = text.partition(".")
    thousands, size, point = _separators(get_language())
    if grouping:
        whole = _group(whole, thousands, size)
    if decimals > 0:
        return f"{sign}{whole}{point}{fraction}"
    return f"{sign}{whole}"
