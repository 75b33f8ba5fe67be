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

from decimal import ROUND_HALF_UP, Decimal, localcontext

from django.utils.formats import get_format


def round_half_away(value: float | int | Decimal, decimals: int = 0) -> Decimal:
    """``value`` rounded to ``decimals`` places, halves away from zero (2.5 → 3, −2.5 → −3).

    A float is read as the decimal it prints as (``repr``), so 2.675 rounds to 2.68 as a reader
    expects, not to 2.67 as its binary value would. A rounded zero has no sign.
    """
    exact = value if isinstance(value, Decimal) else Decimal(repr(value) if isinstance(value, float) else value)
    if not exact.is_finite():
        raise ValueError("Only finite numbers can be formatted.")
    with localcontext() as context:
        context.prec = 400 + max(decimals, 0)  # enough for any float's whole digits and the places asked
        rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return rounded.copy_abs() if rounded == 0 else rounded


def _group(digits: str, separator: str, grouping: int) -> str:
    if grouping <= 0 or len(digits) <= grouping:
        return digits
    head = len(digits) % grouping or grouping
    parts = [digits[:head]] + [digits[index : index + grouping] for index in range(head, len(digits), grouping)]
    return separator.join(parts)


def format_decimal(value: float | int | Decimal, decimals: int = 0, *, grouping: bool = True) -> str:
    """``value`` rounded half away from zero to ``decimals`` places, in the active language's format."""
    rounded = round_half_away(value, decimals)
    sign = "-" if rounded < 0 else ""
    text = f"{rounded.copy_abs():f}"
    whole, _dot, fraction = text.partition(".")
    if grouping:
        whole = _group(whole, str(get_format("THOUSAND_SEPARATOR")), int(get_format("NUMBER_GROUPING") or 0))
    if decimals > 0:
        return f"{sign}{whole}{get_format('DECIMAL_SEPARATOR')}{fraction}"
    return f"{sign}{whole}"
