"""Staff-authored text in three languages, stored as JSON ``{"kk": ..., "ru": ..., "en": ...}``."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import translation

FALLBACK_ORDER = ("kk", "ru", "en")


def localized(values: Mapping[str, str] | None, language: str | None = None) -> str:
    """Pick the value for the active (or given) language, falling back kk → ru → en."""
    if not values:
        return ""
    language = (language or translation.get_language() or "kk").split("-")[0]
    for code in (language, *FALLBACK_ORDER):
        value = values.get(code)
        if value:
            return value
    return ""
