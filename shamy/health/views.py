"""``/healthz`` (is this process able to serve?) and ``/readyz`` (is the deployment complete?).

Both are public, never cached, exempt from the HTTPS redirect (``SECURE_REDIRECT_EXEMPT``: a
plain-HTTP probe from the load balancer gets the answer, not a 301), and answer JSON: 200 with
``"status": "ok"``, or 503 with the failing check's code and a sentence saying why.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from shamy.health.checks import (
    Problem,
    cache_problem,
    database_problem,
    migrations_problem,
    replica_problem,
    worker_expected,
    worker_problem,
)


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
    """200 when the database works, every migration is applied, the cache answers, (with the
    database task backend) a task worker's heartbeat is recent and (with a read replica) the
    replica answers, at most ``REPLICA_MAX_LAG_SECONDS`` behind; its lag is reported either way."""
    problems: dict[str, Problem | None] = {"database": database_problem()}
    if problems["database"] is None:
        problems["migrations"] = migrations_problem()
    problems["cache"] = cache_problem()
    if problems["database"] is None:
        problems["worker"] = worker_problem()
    checks: dict[str, object] = {
        name: "ok" if problem is None else {"status": problem.code, "detail": problem.detail}
        for name, problem in problems.items()
    }
    if "worker" in checks and not worker_expected():
        checks["worker"] = "not used"  # immediate task backend: tasks run inside the request
    replica, replica_said = replica_problem()
    if replica_said is None:
        checks["replica"] = "not used"  # no REPLICA_DATABASE_URL: every read goes to the primary
    else:
        problems["replica"] = replica
        checks["replica"] = (
            {"status": "ok", "lag_seconds": replica_said.lag_seconds}
            if replica is None
            else {"status": replica.code, "detail": replica.detail, "lag_seconds": replica_said.lag_seconds}
        )
    ready = all(problem is None for problem in problems.values())
    return JsonResponse({"status": "ok" if ready else "error", "checks": checks}, status=200 if ready else 503)
