"""The two baselines `make bench` measures the real pages against (bench/README.md).

Mounted only when ``SHAMY_BENCH`` is on (see shamy/urls.py); a normal deployment has no such URLs.
Both go through the full middleware stack (session, authentication, login required), like the
pages they are compared with, so the ratios measure what our own views and templates cost.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from shamy.access.context import access_for
from shamy.registry.models import School

MINIMAL_PAGE_SIZE = 50


def trivial(request: HttpRequest) -> HttpResponse:
    """A few bytes and no database work beyond what the middleware does: the framework's floor."""
    return HttpResponse(b"ok\n", content_type="text/plain")


def minimal_school_page(request: HttpRequest) -> HttpResponse:
    """50 schools from the same tables, one plain query, a bare template without the site layout."""
    if not access_for(request.user).registry.any:
        raise PermissionDenied
    schools = (
        School.objects.restrict(request.user, "view")
        .select_related("region")
        .only("id", "name_kk", "locality", "pupils", "teachers", "region__name_kk")
        .order_by("id")[:MINIMAL_PAGE_SIZE]
    )
    return render(request, "home/bench_schools.html", {"schools": schools})
