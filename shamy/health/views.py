"""``/healthz`` (is this process able to serve?) and ``/readyz`` (is the deployment complete?).

Both are public, never cached, exempt from the HTTPS redirect (``SECURE_REDIRECT_EXEMPT``: a
plain-HTTP probe from the load balancer gets the answer, not a 301), and answer JSON: 200 with
``"status": "ok"``, or 503 with the failing check's code and a sentence saying why.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from shamy.health.checks import database_problem, readiness


@never_cache
@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database file is there, a real table answers and a write commits in time."""
    problem = database_problem()
    if problem is not None:
        return JsonResponse({"status": "error", "database": problem.code, "detail": problem.detail}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@never_cache
@login_not_required
def readyz(request: HttpRequest) -> HttpResponse:
    """200 when every part of the deployment answers (``READINESS_CHECKS``: the database and its
    migrations, the cache, the media storage, the task worker's heartbeat), else 503 naming the
    failing parts."""
    ready, checks = readiness()
    return JsonResponse({"status": "ok" if ready else "error", "checks": checks}, status=200 if ready else 503)
