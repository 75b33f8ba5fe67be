from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

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


_View = TypeVar("_View", bound=Callable[..., Any])


def permissions_policy(**allowed: str) -> Callable[[_View], _View]:
    """Allow browser features on one view's responses: ``@permissions_policy(camera="self")``.

    Every other response gets ``settings.PERMISSIONS_POLICY`` (all features off). A value is the
    allow-list as it appears in the header (``"self"``); names use underscores for hyphens.
    """

    def decorate(view: _View) -> _View:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            response = view(*args, **kwargs)
            response.permissions_policy = {name.replace("_", "-"): value for name, value in allowed.items()}
            return response

        return wrapper  # type: ignore[return-value]

    return decorate


def permissions_policy_header(overrides: dict[str, str] | None = None) -> str:
    features = {**settings.PERMISSIONS_POLICY, **(overrides or {})}
    return ", ".join(f"{name}=({allow})" for name, allow in features.items())


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response, and ``Cache-Control: private, no-store`` on every
    response to a signed-in user.

    Signed-in pages carry personal data (full IINs, marks, evidence) and school computers are
    shared: neither the browser nor any cache between keeps them, and "back" after signing out
    shows nothing. Uploaded files served by ``core.files.file_response`` already say ``private``
    (the user's own browser may keep an evidence photo for an hour on a slow link) and keep it.
    Runs after AuthenticationMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = permissions_policy_header(getattr(response, "permissions_policy", None))
        if self._authenticated(request):
            cache_control = response.get("Cache-Control", "")
            if "private" not in cache_control or "max-age=0" in cache_control or "no-cache" in cache_control:
                response["Cache-Control"] = "private, no-store"
                response.headers.pop("Expires", None)
        return response

    @staticmethod
    def _authenticated(request: HttpRequest) -> bool:
        # A bearer token (the API) or a signed-in session. Without a session cookie nobody is
        # signed in, and the session is not read: public pages stay free of "Vary: Cookie".
        if request.META.get("HTTP_AUTHORIZATION"):
            return True
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return False
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)


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


class RefuseNulCharactersMiddleware:
    """Answer 400 to a request whose path, query string or form fields hold a NUL character.

    PostgreSQL text cannot hold NUL ("PostgreSQL text fields cannot contain NUL (0x00) bytes"), so
    a search or filter carrying one was a server error on every page that reads parameters without
    a Django form (forms refuse NUL themselves). No field of the product has a use for it. The API
    gets its JSON error shape (422, like any invalid parameter); a JSON body whose strings hold
    the escape ``\\u0000`` is refused the same way. Multipart bodies (uploads) are not looked at.
    """

    API_PREFIX = "/api/"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        where = self._nul_in(request)
        if where is None:
            return self.get_response(request)
        detail = str(_("The request contains a NUL character, which no field accepts."))
        if request.path.startswith(self.API_PREFIX):
            error = {"loc": [where], "msg": detail, "type": "nul_character"}
            body = {"detail": detail, "code": "invalid", "errors": [error]}
            return JsonResponse(body, status=422, json_dumps_params={"ensure_ascii": False})
        return HttpResponseBadRequest(detail, content_type="text/plain; charset=utf-8")

    def _nul_in(self, request: HttpRequest) -> str | None:
        if "\x00" in request.path:
            return "path"
        if any("\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values):
            return "query"
        if request.method != "POST":
            return None
        content_type = request.content_type or ""
        # Only url-encoded forms (what browsers send without files): parsing them caches the body,
        # so a view can still read ``request.body``. A multipart body is left to the view, since
        # reading it here would consume the upload stream; Django form fields refuse NUL anyway.
        if content_type == "application/x-www-form-urlencoded":
            fields = request.POST.lists()
            if any("\x00" in key or "\x00" in value for key, values in fields for value in values):
                return "body"
        elif content_type == "application/json" and b"\\u0000" in request.body.lower():
            return "body"
        return None
