"""A programme's overviews: the link facilitator's schools (who is stuck) and the aggregates by
region and school for coordinators, observers and national readers."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from shamy.access.http import AuthedHttpRequest
from shamy.core.rules import allowed, checked
from shamy.portfolios import selectors
from shamy.programmes.models import Programme


@checked(Programme, "project-support", kwarg="programme_id")
def link_overview(request: AuthedHttpRequest, programme: Programme) -> HttpResponse:
    weeks = selectors.stuck_weeks(request.GET.get("weeks"))
    rows = selectors.link_overview(actor=request.user, programme=programme, weeks=weeks)
    stages = selectors.programme_stages(programme_id=programme.pk)
    for row in rows:
        row.stage_list = [row.stage_counts.get(stage.pk, 0) for stage in stages]  # type: ignore[attr-defined]
    context = {
        "programme": programme,
        "rows": rows,
        "stages": stages,
        "weeks": weeks,
        "stuck_total": sum(len(row.stuck) for row in rows),
    }
    return render(request, "portfolios/link_overview.html", context)


@checked(Programme, "project-overview", kwarg="programme_id")
def programme_overview(request: AuthedHttpRequest, programme: Programme) -> HttpResponse:
    weeks = selectors.stuck_weeks(request.GET.get("weeks"))
    stages, regions, schools, nation = selectors.programme_overview(
        actor=request.user, programme=programme, weeks=weeks
    )
    context = {
        "programme": programme,
        "stages": stages,
        "grouped": [(region, [row for row in schools if row.region_id == region.region_id]) for region in regions],
        "weeks": weeks,
        "total": nation.total,
        "suppressed_threshold": selectors.overview_threshold(actor=request.user, programme=programme),
        "can_support": allowed(request.access, programme, "project-support"),
    }
    return render(request, "portfolios/programme_overview.html", context)
