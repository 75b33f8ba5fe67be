"""Error pages in the site's layout and the reader's language, each with a way back.

Wired in ``shamy/urls.py`` (``handler400`` … ``handler500``) and ``CSRF_FAILURE_VIEW``. A database
that is locked or unavailable answers 503 with ``Retry-After`` instead of 500, and a POST's fields
come back on the page with a button that sends them again, so nothing typed is lost.
"""

from __future__ import annotations

import sys
from typing import Any

from django.db import DatabaseError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

# Seconds a client is asked to wait before trying again after a 503.
RETRY_AFTER_SECONDS = 10


def _back_url(request: HttpRequest) -> str:
    """The page the reader came from, if it is on this site (a way back besides the start page)."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        return referer
    return ""


def _render_error(
    request: HttpRequest, template: str, status: int, context: dict[str, Any] | None = None
) -> HttpResponse:
    context = dict(context or {})
    try:
        context.setdefault("back_url", _back_url(request))
    except Exception:  # noqa: BLE001 (a bad Host header is itself a reason for a 400 page)
        context["back_url"] = ""
    try:
        return render(request, template, context, status=status)
    except DatabaseError:
        # The layout's menu and the signed-in user come from the database; when the database is
        # what failed, the page is drawn without them rather than not at all.
        context.update({"request": request, "csrf_token": get_token(request), "bare": True})
        return HttpResponse(loader.render_to_string(template, context), status=status)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render_error(request, "400.html", 400)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render_error(request, "403.html", 403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _render_error(request, "403.html", 403, {"csrf_failed": True})


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render_error(request, "404.html", 404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this inside its ``except`` block: an error raised outside a view (a middleware
    # saving the session during a lock) is still told apart here.
    if isinstance(sys.exc_info()[1], OperationalError):
        return database_unavailable(request)
    return _render_error(request, "500.html", 500)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with ``Retry-After`` for a locked or unreachable database.

    The API gets its JSON error shape; a page gets the layout with the POSTed fields as hidden
    inputs and a "Send again" button (files cannot be kept and are named as such); an htmx
    request gets the same block swapped into the page's main area.
    """
    if request.path.startswith("/api/"):
        detail = _("The database is busy or unavailable. Try again in a few seconds.")
        response: HttpResponse = JsonResponse({"detail": detail, "code": "unavailable"}, status=503)
    else:
        response = _unavailable_page(request)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _unavailable_page(request: HttpRequest) -> HttpResponse:
    fields, had_files = _typed_fields(request)
    context = {
        "fields": fields,
        "had_files": had_files,
        "resend": request.method == "POST",
        "action": request.get_full_path(),
        "retry_after": RETRY_AFTER_SECONDS,
    }
    htmx = request.headers.get("HX-Request") == "true"
    response = _render_error(request, "core/_unavailable.html" if htmx else "503.html", 503, context)
    if htmx:
        # base.html's htmx-config lets a 503 be swapped; this puts it in the main area.
        response["HX-Retarget"] = "#main"
        response["HX-Reswap"] = "innerHTML"
    return response


def _typed_fields(request: HttpRequest) -> tuple[list[tuple[str, str]], bool]:
    """A POST's fields (every value of each, CSRF token aside) and whether files came with it."""
    if request.method != "POST":
        return [], False
    try:
        fields = [
            (name, value) for name, values in request.POST.lists() if name != "csrfmiddlewaretoken" for value in values
        ]
        return fields, bool(request.FILES)
    except Exception:  # noqa: BLE001 (an unreadable body: nothing to keep, the page still helps)
        return [], False
