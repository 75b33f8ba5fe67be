from __future__ import annotations

import functools

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from shamy.analytics.indicators import Cell
from shamy.analytics.reading import parity_reading, parity_rule
from shamy.core.numbers import format_decimal

register = template.Library()


# Decimal places shown for each unit; counts are whole numbers.
DECIMALS = {"count": 0, "percent": 1, "parity": 2, "ratio": 1, "score": 1, "hours": 1}


def format_number(value: float | None, unit: str = "count") -> str:
    """A figure as text in the active language's format, rounded half away from zero ("" when
    undefined). The one formatting path of pages, briefs, SVG labels and export display columns."""
    if value is None:
        return ""
    text = format_decimal(value, DECIMALS.get(unit, 1))
    if unit == "percent":
        return _percent_pattern(get_language()) % {"value": text}
    return text


@functools.lru_cache(maxsize=16)
def _percent_pattern(language: str | None) -> str:
    """The language's way of writing a percentage, looked up once per language (a dashboard writes
    hundreds of them; the catalogues do not change while the process runs)."""
    return _("%(value)s%%")


@register.filter
def number(value: float | None, decimals: int = 0) -> str:
    """A bare number (a series count, a share) rounded half away from zero; "—" when missing."""
    if value is None or value == "":
        return "—"
    return format_decimal(value, int(decimals))


@register.filter
def figure(cell: Cell | float | None, unit: str = "count") -> str:
    """Render a cell; suppressed and undefined values say so instead of showing a fake 0."""
    if isinstance(cell, Cell):
        if cell.suppressed:
            return format_html(
                '<abbr class="suppressed" title="{}">{}</abbr>',
                _("Computed from too few people to be shown without identifying them."),
                _("suppressed"),
            )
        value = cell.value
        if value is None and cell.no_data:
            return format_html(
                '<abbr class="undefined no-data" title="{}">{}</abbr>',
                _("The source has no figure for this place and school year."),
                _("no data"),
            )
        if value is not None and cell.inferred:
            return format_html(
                '{} <abbr class="inferred" title="{}">{}</abbr>',
                format_number(value, unit),
                _("Blank in the source; a city of republican significance has no rural schools."),
                _("(inferred)"),
            )
    else:
        value = cell
    if value is None:
        return format_html(
            '<abbr class="undefined" title="{}">{}</abbr>',
            _("Not defined: there is nothing to compare with or no data."),
            _("undefined"),
        )
    return format_number(value, unit)


@register.filter
def plain(cell: Cell | float | None, unit: str = "count") -> str:
    """The same figure as plain text, for SVG titles and files."""
    if isinstance(cell, Cell):
        if cell.suppressed:
            return _("suppressed")
        if cell.value is None and cell.no_data:
            return _("no data")
        if cell.value is not None and cell.inferred:
            return _("%(value)s (inferred)") % {"value": format_number(cell.value, unit)}
        cell = cell.value
    if cell is None:
        return _("undefined")
    return format_number(cell, unit)


@register.filter
def reading(parity: float | None, direction: str) -> str:
    """Whom a parity index favours, by the indicator's direction ("" when undefined)."""
    return parity_reading(parity, str(direction))


@register.filter
def rule(direction: str) -> str:
    """The reading rule of a parity index for an indicator's direction."""
    return parity_rule(str(direction))


@register.filter
def percent_of(part: float | None, whole: float | None) -> float:
    if not part or not whole:
        return 0.0
    return max(0.0, min(100.0, part * 100 / whole))
