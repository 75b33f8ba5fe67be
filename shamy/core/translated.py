"""Staff-authored text in three languages, stored as JSON ``{"kk": ..., "ru": ..., "en": ...}``."""

from __future__ import annotations

from collections.abc import Callable, Mapping

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
    for code in _order(language):
        value = values.get(code)
        if value:
            return value
    return ""


def _order(language: str | None) -> tuple[str, ...]:
    language = (language or translation.get_language() or "kk").split("-")[0]
    fallback = content_fallback(language)
    return (language, *((fallback,) if fallback else ()), *FALLBACK_ORDER)


def name_picker(language: str | None = None) -> Callable[[str, str, str], str]:
    """``localized`` for the ``name_kk``/``name_ru``/``name_en`` columns of many rows: the language
    and its fallbacks are looked up once, and each call picks ``(kk, ru, en)`` as ``localized``
    would pick from ``{"kk": kk, "ru": ru, "en": en}``."""
    columns = ("kk", "ru", "en")
    positions = tuple(dict.fromkeys(columns.index(code) for code in _order(language) if code in columns))

    def pick(kk: str, ru: str, en: str) -> str:
        names = (kk, ru, en)
        for position in positions:
            if names[position]:
                return names[position]
        return ""

    return pick
