"""Agreement between two assessors' levels on the same portfolios (moderation statistics).

Pure functions, no Django: exact and adjacent agreement, and Cohen's kappa with quadratic
weights (the usual measure for ordered levels): 1 − Σ w·O / Σ w·E with w_ij = (i − j)², O the
observed and E the chance-expected joint distribution from the two assessors' marginals.
The moderation workflow that will use them (samples, blind second marking, the moderator's
decision) is not built yet.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence


def _check(first: Sequence[int], second: Sequence[int]) -> None:
    if len(first) != len(second):
        raise ValueError("the two assessors must have marked the same portfolios")


def exact_agreement(first: Sequence[int], second: Sequence[int]) -> float | None:
    """Share of pairs with the same level; None for no pairs."""
    _check(first, second)
    return sum(a == b for a, b in zip(first, second, strict=True)) / len(first) if first else None


def adjacent_agreement(first: Sequence[int], second: Sequence[int]) -> float | None:
    """Share of pairs at most one level apart; None for no pairs."""
    _check(first, second)
    return sum(abs(a - b) <= 1 for a, b in zip(first, second, strict=True)) / len(first) if first else None


def quadratic_weighted_kappa(first: Sequence[int], second: Sequence[int]) -> float | None:
    """Cohen's kappa with quadratic weights; None when undefined (no pairs, or no disagreement is
    possible by chance: both assessors gave one and the same level throughout)."""
    _check(first, second)
    n = len(first)
    if n == 0:
        return None
    observed = sum((a - b) ** 2 for a, b in zip(first, second, strict=True)) / n
    first_counts, second_counts = Counter(first), Counter(second)
    expected = sum((i - j) ** 2 * first_counts[i] * second_counts[j] for i in first_counts for j in second_counts) / (
        n * n
    )
    if expected == 0:
        return None
    return 1 - observed / expected
