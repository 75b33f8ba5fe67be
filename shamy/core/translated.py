"""Staff-authored text in three languages, stored as JSON ``{"kk": ..., "ru": ..., "en": ...}``."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import translation

from shamy.core.languages import content_fallback

FALLBACK_ORDER = ("kk", "ru", "en")


def localized(values: Mapping[str, str] | None, language: str | None = None) -> str:
    """Pick the value for the active (or given) language, falling back kk → ru → en.

    A further language (ky, tg, uz: ``settings.PARTIAL_LANGUAGES``) is one more key in the same
    JSON, and falls back to its own fallback first (Russian for Kyrgyz), then kk → ru → en.
    """
    if not values:
        return ""
    language = (language or translation.get_language() or "kk").split("-")[0]
    fallback = content_fallback(language)
    for code in (language, *((fallback,) if fallback else ()), *FALLBACK_ORDER):
        value = values.get(code)
        if value:
            return value
    return ""
