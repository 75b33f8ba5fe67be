"""The installable web app: the manifest per language, the service worker, the queue page."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from shamy.access.http import AuthedHttpRequest

# What the worker keeps on install: the shell every page needs and the offline scripts.
SHELL_FILES = (
    "core/shamy.css",
    "core/vendor/htmx.min.js",
    "offline/queue-core.js",
    "offline/offline.js",
    "offline/capture.js",
    "offline/queue-page.js",
    "offline/offline.css",
    "offline/icon.svg",
    "offline/icon-192.png",
    "attendance/attendance.css",
    "attendance/take.js",
    "portfolios/portfolios.css",
    "surveys/respond.js",
)
# Pages kept per user for offline use (JavaScript regular expressions over the path).
PAGE_PATTERNS = (
    r"^/attendance/$",
    r"^/attendance/gatherings/\d+/attendance/$",
    r"^/offline/queue/$",
    # A teacher's project page (journal, plan), the portfolio and its section editor.
    r"^/portfolios/projects/\d+/$",
    r"^/portfolios/projects/\d+/portfolio/$",
    r"^/portfolios/sections/\d+/edit/$",
    # Answering a survey; the summit check-in at the door.
    r"^/surveys/\d+/respond/$",
    r"^/operators/events/\d+/check-in/$",
)


@lru_cache(maxsize=1)
def _shell_version() -> str:
    """Changes whenever a shell file changes, so the worker replaces its copies."""
    digest = hashlib.sha256()
    for name in SHELL_FILES:
        path = finders.find(name)
        if path:
            with open(path if isinstance(path, str) else path[0], "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:12]


@login_not_required
def manifest(request: HttpRequest, language: str) -> JsonResponse:
    """The web manifest in one language (browsers fetch it without cookies: public by design)."""
    if language not in dict(settings.LANGUAGES):
        raise Http404
    with translation.override(language):
        data = {
            "name": _("Shamy"),
            "short_name": _("Shamy"),
            "description": _("Attendance and project journals, also without a connection."),
            "lang": language,
            "dir": "ltr",
            "id": "/",
            "start_url": reverse("attendance:my-sessions"),
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#08457f",
            "icons": [
                {"src": static("offline/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
                {"src": static("offline/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("offline/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            ],
        }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@never_cache
@login_not_required
def service_worker(request: HttpRequest) -> HttpResponse:
    """The worker at the site's root (its scope is the whole site); no data of anyone's in it."""
    context = {
        "version": _shell_version(),
        "shell_urls": json.dumps([static(name) for name in SHELL_FILES]),
        "static_prefix": settings.STATIC_URL,
        "page_patterns": json.dumps(PAGE_PATTERNS),
        "queue_url": reverse("offline:queue"),
    }
    # Rendered without the request: the page context (menus, the user) has no place in the worker.
    body = render_to_string("offline/sw.js", context)
    return HttpResponse(body, content_type="text/javascript; charset=utf-8")


def queue(request: AuthedHttpRequest) -> HttpResponse:
    """The device queue's page: the list itself is on the device (IndexedDB), drawn by script."""
    return render(request, "offline/queue.html")
