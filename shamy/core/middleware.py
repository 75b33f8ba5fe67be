from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class UserLanguageMiddleware:
    """Activate the language stored on a signed-in user's account.

    The language switcher writes both the cookie and the account, so the choice follows the
    user to another device. Runs after AuthenticationMiddleware and LocaleMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language in self.languages and language != request.LANGUAGE_CODE:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


class KazakhByDefaultMiddleware:
    """Kazakh is the default interface language, whatever the browser asks for.

    Many phones in Kazakhstan are set to Russian or English; the product opens in Kazakh and the
    language buttons switch it (the choice is kept in a cookie and on the account). Runs before
    LocaleMiddleware, so only the cookie and the account choose another language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
