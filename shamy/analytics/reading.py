"""How a parity index reads, by the indicator's direction.

The adjusted parity index is rural over urban. Below 1 the rural value is the smaller one. That
favours urban schools when more of the indicator is better (internet, qualified teachers), and
rural schools when more is worse (pupils per teacher, small-class share, rural share). One
function decides the reading for pages, briefs, SVG labels, exports and the API.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

HIGHER_WORSE = "higher_worse"


def favoured(parity: float | None, direction: str) -> str | None:
    """ "urban", "rural" or "neither" (exact parity); ``None`` when the index is undefined."""
    if parity is None:
        return None
    if parity == 1:
        return "neither"
    rural_smaller = parity < 1
    if direction == HIGHER_WORSE:
        return "rural" if rural_smaller else "urban"
    return "urban" if rural_smaller else "rural"


def parity_reading(parity: float | None, direction: str) -> str:
    """A few words saying whom the index favours ("" when undefined)."""
    side = favoured(parity, direction)
    if side == "rural":
        return _("favours rural schools")
    if side == "urban":
        return _("favours urban schools")
    if side == "neither":
        return _("parity")
    return ""


def parity_rule(direction: str) -> str:
    """The reading rule of an indicator's parity index, in one sentence."""
    if direction == HIGHER_WORSE:
        return _(
            "Here a higher value is worse: 1 is parity, below 1 favours rural schools (they have less of it), "
            "above 1 favours urban schools."
        )
    return _(
        "Here a higher value is better: 1 is parity, below 1 favours urban schools, above 1 favours rural schools."
    )
