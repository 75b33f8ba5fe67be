"""Equity measures: the UNESCO adjusted parity index, the absolute gap and weighted aggregation.

Pure functions, no Django. ``None`` means "undefined" everywhere: a ratio with a zero
denominator, a parity index with a zero urban value. Callers show it as "undefined", never 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


def adjusted_parity_index(rural: float | None, urban: float | None) -> float | None:
    """UNESCO UIS adjusted parity index of a rural value over an urban value.

    ``r/u`` when ``r/u <= 1``, otherwise ``2 - u/r``: symmetric around 1 and bounded by 0 and 2.
    Undefined (``None``) when either value is missing or the urban value is 0. A rural value of 0
    against a positive urban value gives 0 (complete disparity against the rural side).
    Negative values have no meaning for the indicators this is used with and are rejected.
    """
    if rural is None or urban is None:
        return None
    if rural < 0 or urban < 0:
        raise ValueError("The parity index is defined for non-negative values only.")
    if urban == 0:
        return None
    ratio = rural / urban
    if ratio <= 1:
        return ratio
    # rural > urban > 0 here, so the division is safe.
    return 2 - urban / rural


def absolute_gap(rural: float | None, urban: float | None) -> float | None:
    """Urban minus rural: positive when the urban side has more of the indicator."""
    if rural is None or urban is None:
        return None
    return urban - rural


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """A share or a rate; undefined when the denominator is 0 or missing."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


@dataclass(frozen=True)
class Part:
    """One region's (or district's) numerator and denominator for a ratio indicator."""

    numerator: float
    denominator: float


def weighted_ratio(parts: Iterable[Part]) -> float | None:
    """The national (or regional) value of a ratio indicator: the sum of the numerators over the
    sum of the denominators. This weights each region by its size; a mean of the regional ratios
    would give a region of 40 schools the same weight as one of 1,000."""
    numerator = 0.0
    denominator = 0.0
    for part in parts:
        numerator += part.numerator
        denominator += part.denominator
    return ratio(numerator, denominator)


def share(part: float | None, whole: float | None) -> float | None:
    """``part / whole`` for shares such as the rural share across the evening-school break."""
    return ratio(part, whole)
