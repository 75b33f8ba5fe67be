"""The JSON API under /api/v1/. Endpoints live in each app's ``api.py`` and are mounted here."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer
from ninja.security import SessionAuth

from shamy.api.auth import TokenAuth
from shamy.api.errors import document_errors, install_error_handlers


def _exempt(patterns: list[URLPattern | URLResolver]) -> None:
    """The API authenticates by token itself; the session-login middleware must not redirect it."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _exempt(pattern.url_patterns)
        else:
            pattern.callback = login_not_required(pattern.callback)


class UnicodeJSONRenderer(JSONRenderer):
    # Kazakh and Russian names as UTF-8 text rather than backslash-u escapes: readable and half the bytes.
    json_dumps_params = {"ensure_ascii": False}


class ShamyAPI(NinjaAPI):
    # ninja builds fresh URL patterns on every ``api.urls`` access, so the exemption from
    # LoginRequiredMiddleware is applied each time they are built.
    def _get_urls(self) -> list[URLPattern | URLResolver]:
        patterns = super()._get_urls()
        _exempt(patterns)
        return patterns

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return document_errors(schema)


api = ShamyAPI(
    title="Shamy API",
    version="1",
    description=(
        "Read access to the Shamy registry, the equity indicators (the dashboard's figures, with its "
        "scopes and suppression), the fellowship, survey results, results frameworks and the knowledge "
        "commons; batches of writes queued on a device while offline (attendance marks, project journal "
        "entries, step updates and portfolio section texts, survey answers, event check-ins), each "
        "applied once by its idempotency key. Authenticate with a token from your account page (the "
        "commons needs none); the offline batches also accept the signed-in session with its CSRF token."
    ),
    auth=TokenAuth(),
    renderer=UnicodeJSONRenderer(),
    urls_namespace="api",
    # Swagger UI from ninja's own static files (``ninja`` is in INSTALLED_APPS), never a CDN.
    docs_url="/docs",
)
install_error_handlers(api)

from shamy.analytics.api import router as analytics_router  # noqa: E402
from shamy.attendance.api import router as attendance_router  # noqa: E402
from shamy.commons.api import router as commons_router  # noqa: E402
from shamy.fellowship.api import router as fellowship_router  # noqa: E402
from shamy.operators.api import device_router as operators_device_router  # noqa: E402
from shamy.operators.api import router as operators_router  # noqa: E402
from shamy.portfolios.api import router as portfolios_router  # noqa: E402
from shamy.registry.api import router as registry_router  # noqa: E402
from shamy.results.api import router as results_router  # noqa: E402
from shamy.surveys.api import device_router as surveys_device_router  # noqa: E402
from shamy.surveys.api import router as surveys_router  # noqa: E402

api.add_router("/", registry_router)
api.add_router("/", analytics_router)
api.add_router("/", operators_router)

from shamy.credentials.api import router as credentials_router  # noqa: E402

api.add_router("/", credentials_router)
api.add_router("/fellowship/", fellowship_router)
api.add_router("/", surveys_router)
api.add_router("/", results_router)
api.add_router("/", commons_router)
# The offline queue of a signed-in page replays through these with its session (CSRF-checked);
# other clients use a token.
api.add_router("/", attendance_router, auth=[TokenAuth(), SessionAuth()])
api.add_router("/", portfolios_router, auth=[TokenAuth(), SessionAuth()])
api.add_router("/", surveys_device_router, auth=[TokenAuth(), SessionAuth()])
api.add_router("/", operators_device_router, auth=[TokenAuth(), SessionAuth()])
