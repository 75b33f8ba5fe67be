from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Mapping[Any, Any] | None, key: Any) -> Any:
    """``{{ mapping|get_item:key }}``: a dictionary's value by a variable key (None when absent)."""
    return mapping.get(key) if mapping else None


@register.filter
def school_year(year: int) -> str:
    """A school year by its first calendar year: 2025 → "2025/26"."""
    return f"{year}/{(int(year) + 1) % 100:02d}"


@register.filter
def handover_role(comparison: Any, year: int) -> str:
    """ "before", "after" or "registry": what a column's school year is to the handover."""
    return str(comparison.role(year))
