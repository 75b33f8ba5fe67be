from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from shamy.access.context import access_for


@never_cache
@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not (for load balancers and monitors)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def home(request: HttpRequest) -> HttpResponse:
    """The user's roles, each linking only to what the user may open (a teacher's school is shown,
    not linked: programme roles do not open the registry)."""
    user = request.user
    memberships = access_for(user).memberships  # already read for this request, with region and school
    prefetch_related_objects(memberships, "programme", "cohort")
    scope = access_for(user).registry
    school_links = {
        m.school.pk for m in memberships if m.school and scope.covers_school(m.school.pk, m.school.region_id)
    }
    region_links = {m.region_id for m in memberships if m.region_id and scope.covers_region(m.region_id)}
    return render(
        request,
        "core/home.html",
        {"memberships": memberships, "school_links": school_links, "region_links": region_links},
    )
