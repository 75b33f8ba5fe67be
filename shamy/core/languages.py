"""Which interface language a request gets: the full languages, and the partial ones (issue 17).

``settings.LANGUAGES`` (kk, ru, en) are the full interface languages: every page has them, and they
are the choices of an account's, a PDF's and a mail's language. ``settings.PARTIAL_LANGUAGES``
(Kyrgyz today) are further languages whose catalogues are complete only for some pages, the
commons' public pages: such a language is offered in the switcher, and activated, only on the URL
names it lists and only for visitors who are not signed in (a signed-in page's menu holds every
app's entries, whose catalogues it does not have). Anywhere else a reader who chose it reads its
``fallback`` (Russian for Kyrgyz), so a page never mixes a partial catalogue with English or Kazakh
fall-through strings. On a page in a partial language the menu lists only the entries it covers
too (a Kyrgyz page links to Kyrgyz pages; the other entries come back in the full languages).

The choice of a visitor lives in the language cookie only (accounts never store a partial language).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation


def full_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def partial_languages() -> dict[str, dict[str, Any]]:
    return dict(getattr(settings, "PARTIAL_LANGUAGES", {}))


def content_fallback(language: str) -> str | None:
    """The language staff-written content falls back to first for ``language`` (None for a full one)."""
    spec = partial_languages().get(language)
    return spec["fallback"] if spec else None


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return ""
    return match.view_name or ""


def covers(request: HttpRequest, language: str) -> bool:
    """Whether the partial ``language`` has a complete catalogue for this request's page."""
    spec = partial_languages().get(language)
    if spec is None:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    return _view_name(request) in spec["url_names"]


def covers_path(path: str, language: str) -> bool:
    """Whether the partial ``language`` covers the page at ``path`` (a menu entry's address)."""
    spec = partial_languages().get(language)
    if spec is None:
        return False
    try:
        return resolve(path).view_name in spec["url_names"]
    except Resolver404:
        return False


def offered_languages(request: HttpRequest) -> list[str]:
    """The languages the switcher offers on this page: the full ones, then the partial ones covering it."""
    return full_languages() + [code for code in partial_languages() if covers(request, code)]


class PartialLanguageMiddleware:
    """Activate a partial language chosen in the cookie where it covers the page, else its fallback.

    Runs after LocaleMiddleware (which knows only the full languages, and so ignored the cookie) and
    after UserLanguageMiddleware (a signed-in user's language is their account's: left alone).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        spec = partial_languages().get(code)
        user = getattr(request, "user", None)
        if spec is not None and not (user is not None and user.is_authenticated):
            language = code if covers(request, code) else spec["fallback"]
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
