from __future__ import annotations

from django import template

from shamy.results.figures import Figure, display

register = template.Library()


@register.filter
def figure(value: Figure) -> str:
    """A figure rounded by its unit, "suppressed" or "—" (the same text on the page and in the PDF)."""
    return display(value)
