from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from shamy.core.views import database_unavailable

logger = logging.getLogger(__name__)


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


class DatabaseUnavailableMiddleware:
    """A view failing on a locked or unreachable database answers 503, keeping what was typed.

    ``OperationalError`` is what SQLite raises after its busy timeout ("database is locked") and
    what PostgreSQL raises for a lost connection or a lock timeout: a moment of unavailability,
    not a bug. Errors raised outside a view reach ``handler500``, which does the same.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError):
            return None
        logger.warning("Database unavailable on %s %s: %s", request.method, request.path, exception)
        return database_unavailable(request)
