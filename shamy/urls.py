from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog

from shamy.api.errors import unknown_path
from shamy.api.urls import api

urlpatterns = [
    path("", include("shamy.home.urls")),
    path("", include("shamy.health.urls")),
    path("", include("shamy.offline.urls")),
    path("accounts/", include("shamy.accounts.urls")),
    path("registry/", include("shamy.registry.urls")),
    path("audit/", include("shamy.audit.urls")),
    path("imports/", include("shamy.imports.urls")),
    path("programmes/", include("shamy.programmes.urls")),
    path("attendance/", include("shamy.attendance.urls")),
    path("portfolios/", include("shamy.portfolios.urls")),
    path("analytics/", include("shamy.analytics.urls")),
    path("assessment/", include("shamy.assessment.urls")),
    path("", include("shamy.credentials.urls")),
    path("operators/", include("shamy.operators.urls")),
    path("fellowship/", include("shamy.fellowship.urls")),
    path("surveys/", include("shamy.surveys.urls")),
    path("results/", include("shamy.results.urls")),
    path("commons/", include("shamy.commons.urls")),
    path("api/v1/", api.urls),
    re_path(r"^api/", unknown_path),  # after the API: every other path under /api/ is a JSON 404
    path("jsi18n/", login_not_required(JavaScriptCatalog.as_view()), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]

# Error pages in the site's layout and the reader's language (shamy/core/views.py).
handler400 = "shamy.core.views.bad_request"
handler403 = "shamy.core.views.permission_denied"
handler404 = "shamy.core.views.page_not_found"
handler500 = "shamy.core.views.server_error"

if settings.SHAMY_BENCH:
    urlpatterns.append(path("bench/", include("shamy.home.bench_urls")))

# Uploaded files are never served by path, in any mode: only through views that check who may
# open the object they belong to (shamy/core/files.py: file_response).
