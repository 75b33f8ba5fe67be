from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from shamy.api.urls import api

urlpatterns = [
    path("", include("shamy.home.urls")),
    path("", include("shamy.core.urls")),
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
    path("jsi18n/", login_not_required(JavaScriptCatalog.as_view()), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]

if settings.SHAMY_BENCH:
    urlpatterns.append(path("bench/", include("shamy.home.bench_urls")))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
