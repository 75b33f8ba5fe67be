"""The "where to expand next" need score. Pure code.

Each component is normalised to 0..1 across the places ranked (min–max; 1 = most need), then
combined as a weighted mean over the components that have data for that place. A component
the analyst weights 0 is ignored; a place missing a component is scored on the rest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

COMPONENTS: dict[str, Any] = {
    "rural_share": _("Rural share of schools"),
    "small_class_share": _("Share of small-class schools"),
    "no_internet": _("Schools without high-speed internet"),
    "weak_outcomes": _("Weak outcomes (imported indicators)"),
    "low_coverage": _("Schools no programme reaches"),
}
DEFAULT_WEIGHTS = {key: 1 for key in COMPONENTS}
MAX_WEIGHT = 10


def clean_weights(raw: Mapping[str, Any]) -> dict[str, int]:
    """Weights as whole numbers 0..10 for the known components; anything else is dropped."""
    weights = {}
    for key in COMPONENTS:
        value = str(raw.get(key, DEFAULT_WEIGHTS[key]))
        weights[key] = max(0, min(MAX_WEIGHT, int(value))) if value.strip().isdigit() else DEFAULT_WEIGHTS[key]
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


def rank(candidates: Sequence[Candidate], weights: Mapping[str, int]) -> list[Ranked]:
    bounds: dict[str, tuple[float, float]] = {}
    for key in COMPONENTS:
        values = [value for c in candidates if (value := c.raw.get(key)) is not None]
        if values:
            bounds[key] = (min(values), max(values))
    ranked = []
    for candidate in candidates:
        parts: dict[str, float | None] = {}
        total = 0.0
        weight_sum = 0.0
        for key in COMPONENTS:
            value = candidate.raw.get(key)
            if value is None or key not in bounds:
                parts[key] = None
                continue
            low, high = bounds[key]
            normalised = 0.5 if high == low else (value - low) / (high - low)
            parts[key] = normalised
            weight = weights.get(key, 0)
            total += weight * normalised
            weight_sum += weight
        score = total / weight_sum * 100 if weight_sum else None
        ranked.append(Ranked(candidate.place, score, parts, candidate.raw, unreached=candidate.reached == 0))
    return sorted(ranked, key=lambda item: (item.score is None, -(item.score or 0)))
