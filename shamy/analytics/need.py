"""The "where to expand next" need score. Pure code.

Components that are shares of schools (rural share, small-class share, schools without
high-speed internet, schools no programme reaches) keep their natural 0–100 % scale: 98 % and
100 % of schools unreached are close, and min–max scaling would stretch them to 0 and 1. Only weak
outcomes, which mixes imported indicators with different units and no natural scale, is min–max
scaled across the places ranked (0 = best, 1 = weakest). The score is the weighted mean of the
components with data for that place, out of 100. A component weighted 0 is left out; a place with
no data for any weighted component has no score and is listed last, unnumbered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from shamy.core.inputs import parse_int

COMPONENTS: dict[str, Any] = {
    "rural_share": _("Rural share of schools"),
    "small_class_share": _("Share of small-class schools"),
    "no_internet": _("Schools without high-speed internet"),
    "weak_outcomes": _("Weak outcomes (imported indicators)"),
    "low_coverage": _("Schools no programme reaches"),
}
# Per cent of schools: scaled on their natural 0–100 % scale.
NATURAL = frozenset({"rural_share", "small_class_share", "no_internet", "low_coverage"})
SCALES: dict[str, Any] = {
    key: _("share of schools, 0–100 %") if key in NATURAL else _("min–max across the places ranked")
    for key in COMPONENTS
}
DEFAULT_WEIGHTS = {key: 1 for key in COMPONENTS}
MAX_WEIGHT = 10


def parse_weights(raw: Mapping[str, Any]) -> tuple[dict[str, int], dict[str, str]]:
    """Weights as whole numbers 0..10 for the known components (1 where none is given), and an
    error message for each component whose weight is not such a number ("−3", "abc", "11")."""
    weights: dict[str, int] = {}
    errors: dict[str, str] = {}
    for key in COMPONENTS:
        value = raw.get(key)
        text = "" if value is None else str(value).strip()
        weight = parse_int(text, minimum=0, maximum=MAX_WEIGHT)
        if text == "":
            weights[key] = DEFAULT_WEIGHTS[key]
        elif weight is not None:
            weights[key] = weight
        else:
            errors[key] = str(_("Enter a whole number from 0 to %(max)s.") % {"max": MAX_WEIGHT})
    return weights, errors


def clean_weights(raw: Mapping[str, Any]) -> dict[str, int]:
    """Weights already checked (a saved scenario's): each valid one kept, anything else dropped."""
    weights, _errors = parse_weights(raw)
    return weights


@dataclass(frozen=True)
class Candidate:
    place: Any
    raw: Mapping[str, float | None]  # component → value where higher means more need
    reached: float  # schools reached by any (or the selected) programme


@dataclass(frozen=True)
class Ranked:
    place: Any
    score: float | None
    parts: dict[str, float | None]
    raw: Mapping[str, float | None]
    unreached: bool
    position: int | None = None  # 1, 2, …; None for a place without a score


def usable(candidates: Sequence[Candidate], weights: Mapping[str, int]) -> bool:
    """Whether any component with a weight above 0 has data for any place."""
    return any(
        weights.get(key, 0) > 0 and candidate.raw.get(key) is not None for key in COMPONENTS for candidate in candidates
    )


def _scaled(key: str, value: float) -> float:
    if key in NATURAL:
        return min(1.0, max(0.0, value / 100))
    return min(1.0, max(0.0, value))  # weak outcomes: already min–max scaled across the places


def rank(candidates: Sequence[Candidate], weights: Mapping[str, int]) -> list[Ranked]:
    """Places by score, highest first, numbered; places without a score last, unnumbered. Nothing
    is ranked when no weighted component has data (see :func:`usable`)."""
    if not usable(candidates, weights):
        return []
    scored = []
    for candidate in candidates:
        parts: dict[str, float | None] = {}
        total = 0.0
        weight_sum = 0.0
        for key in COMPONENTS:
            value = candidate.raw.get(key)
            if value is None:
                parts[key] = None
                continue
            parts[key] = _scaled(key, value)
            weight = weights.get(key, 0)
            total += weight * parts[key]  # type: ignore[operator]
            weight_sum += weight
        score = total / weight_sum * 100 if weight_sum else None
        scored.append((candidate, score, parts))
    scored.sort(key=lambda item: (item[1] is None, -(item[1] or 0)))
    ranked = []
    position = 0
    for candidate, score, parts in scored:
        if score is not None:
            position += 1
        ranked.append(
            Ranked(
                candidate.place,
                score,
                parts,
                candidate.raw,
                unreached=candidate.reached == 0,
                position=position if score is not None else None,
            )
        )
    return ranked
