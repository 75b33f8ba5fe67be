"""The signed-in user's start page: the top layer, which may read every app."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from shamy.access.http import AuthedHttpRequest
from shamy.home.blocks import blocks_for


def home(request: AuthedHttpRequest) -> HttpResponse:
    """What each of the user's roles should do next (``home.blocks``), then the roles, each
    linking only to what the user may open (a teacher's school is shown, not linked: programme
    roles do not open the registry)."""
    # with region, school, programme and cohort: one query, and the blocks read the same rows
    memberships = request.access.memberships_with_programmes()
    scope = request.access.registry
    school_links = {
        m.school.pk for m in memberships if m.school and scope.covers_school(m.school.pk, m.school.region_id)
    }
    region_links = {m.region_id for m in memberships if m.region_id and scope.covers_region(m.region_id)}
    return render(
        request,
        "home/home.html",
        {
            "blocks": blocks_for(request.access),
            "memberships": memberships,
            "school_links": school_links,
            "region_links": region_links,
        },
    )
