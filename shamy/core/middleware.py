from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _


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
