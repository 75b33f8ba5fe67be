"""One JSON error shape for every API failure: ``{"detail": "...", "code": "..."}``.

``detail`` is a sentence for people, in the caller's language; ``code`` is stable for programs.
Validation failures (422) add ``errors``: pydantic's list of ``{loc, msg, type}`` items.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from shamy.core.views import RETRY_AFTER_SECONDS


class ErrorOut(Schema):
    detail: str
    code: str


class ValidationErrorOut(ErrorOut):
    errors: list[dict[str, Any]]


def _error(api: NinjaAPI, request: HttpRequest, status: int, code: str, detail: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "code": code, **extra}, status=status)


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace ninja's defaults (English-only, and Django's PermissionDenied became a 500)."""

    def not_authenticated(request: HttpRequest, exc: Any) -> HttpResponse:
        response = _error(
            api,
            request,
            401,
            "not_authenticated",
            _("Send a valid API token in the header “Authorization: Bearer <token>”."),
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    def forbidden(request: HttpRequest, exc: Any) -> HttpResponse:
        return _error(api, request, 403, "permission_denied", _("Your account has no access to this."))

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return _error(api, request, 404, "not_found", _("Not found, or not visible to your account."))

    def invalid(request: HttpRequest, exc: Any) -> HttpResponse:
        errors = [
            {"loc": list(error.get("loc", ())), "msg": str(error.get("msg", "")), "type": str(error.get("type", ""))}
            for error in exc.errors
        ]
        return _error(api, request, 422, "invalid", _("Some request parameters are not valid."), errors=errors)

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return _error(api, request, exc.status_code, "error", str(exc))

    def unavailable(request: HttpRequest, exc: Any) -> HttpResponse:
        # "database is locked" (SQLite past its busy timeout) or a lost connection: the request
        # may simply be sent again, which Retry-After says.
        response = _error(
            api, request, 503, "unavailable", _("The database is busy or unavailable. Try again in a few seconds.")
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    api.add_exception_handler(AuthenticationError, not_authenticated)
    api.add_exception_handler(AuthorizationError, forbidden)
    api.add_exception_handler(PermissionDenied, forbidden)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(ValidationError, invalid)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(OperationalError, unavailable)


# Documented on every authenticated operation so the OpenAPI schema shows the error shape.
ERROR_RESPONSES: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut, 503: ErrorOut}
