"""One JSON error shape for every API failure: ``{"detail": "...", "code": "..."}``.

``detail`` is a sentence for people, in the caller's language; ``code`` is stable for programs.
Validation failures (422) add ``errors``: pydantic's list of ``{loc, msg, type}`` items. An
unexpected failure is a 500 in the same shape (``code`` "server_error"), logged like Django's own
server errors, never Django's HTML error page.

``document_errors`` adds these answers to every operation of the OpenAPI schema, so that each
status the API can give is documented (schemathesis checks it in ``shamy/api/tests``).
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.signals import got_request_exception
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from shamy.core.views import RETRY_AFTER_SECONDS

request_logger = logging.getLogger("django.request")


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

    def server_error(request: HttpRequest, exc: Any) -> HttpResponse:
        # Signalled and logged as Django does for an unhandled exception (error reporters listen
        # to the signal; the test client re-raises it), then answered in the API's shape.
        got_request_exception.send(sender=None, request=request)
        request_logger.error(
            "Internal Server Error: %s", request.path, exc_info=exc, extra={"status_code": 500, "request": request}
        )
        return _error(
            api,
            request,
            500,
            "server_error",
            _("Something went wrong on our side. It has been logged; try again later."),
        )

    api.add_exception_handler(AuthenticationError, not_authenticated)
    api.add_exception_handler(AuthorizationError, forbidden)
    api.add_exception_handler(PermissionDenied, forbidden)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(ValidationError, invalid)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(OperationalError, unavailable)
    # The most general handler: the ones above (and any added later for a narrower class) win,
    # since ninja picks the handler of the nearest class in the exception's MRO.
    api.add_exception_handler(Exception, server_error)


# Documented on every authenticated operation so the OpenAPI schema shows the error shape.
ERROR_RESPONSES: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut, 503: ErrorOut}


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the error answers every operation can give to an OpenAPI schema, where not declared.

    * 500 on every operation (``server_error``);
    * 422 where the operation takes parameters or a body (they are validated), and 400 where a
      body cannot be parsed at all;
    * 401 and 403 where it needs a token;
    * 404 where its path names an object.
    """
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (ErrorOut, ValidationErrorOut):
        components.setdefault(model.__name__, model.model_json_schema(ref_template="#/components/schemas/{model}"))
    error = {"$ref": f"#/components/schemas/{ErrorOut.__name__}"}
    invalid = {"$ref": f"#/components/schemas/{ValidationErrorOut.__name__}"}
    for methods in schema.get("paths", {}).values():
        for operation in methods.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            parameters = operation.get("parameters", [])
            statuses: dict[str, tuple[str, dict[str, str]]] = {"500": ("Internal Server Error", error)}
            if parameters or "requestBody" in operation:
                statuses["422"] = ("Unprocessable Content", invalid)
            if "requestBody" in operation:
                statuses["400"] = ("Bad Request", error)  # a body that is not JSON at all
            if operation.get("security"):
                statuses["401"] = ("Unauthorized", error)
                statuses["403"] = ("Forbidden", error)
            if any(parameter.get("in") == "path" for parameter in parameters):
                statuses["404"] = ("Not Found", error)
            # ninja writes the declared statuses as numbers: one key per status, as JSON has it.
            responses = operation["responses"] = {str(key): value for key, value in operation["responses"].items()}
            for status, (description, body) in statuses.items():
                responses.setdefault(
                    status, {"description": description, "content": {"application/json": {"schema": body}}}
                )
    return schema


@login_not_required
def unknown_path(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any other path under /api/: a 404 in the API's shape, not the site's HTML page."""
    body = {"detail": str(_("Not found, or not visible to your account.")), "code": "not_found"}
    return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False})
