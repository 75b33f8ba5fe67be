"""Fellowship endpoints of the JSON API (read only): cohorts with their reach, a cohort's reach by
region, and its placements. Scoped like the pages, through the same named rules: cohorts and
reach need the "read" rule (national readers, coordinators, observers); placements the
placement "view" rule (coordinators, system administrators, and each fellow, mentor or principal
for their own)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router
from pydantic import BaseModel

from shamy.access.context import access_for
from shamy.core.db import kazakh_order
from shamy.core.inputs import ApiId
from shamy.core.rules import allowed
from shamy.fellowship.models import FellowshipCohort, Placement
from shamy.fellowship.selectors import Reach, cohort_dashboard

router = Router(tags=["fellowship"])


class ReachOut(BaseModel):
    fellows_placed: int
    fellows_retained: int
    schools: int
    children_direct: int
    children_indirect: int


class CohortOut(BaseModel):
    id: int
    name: str
    programme: str
    starts_on: datetime.date
    ends_on: datetime.date
    target_fellows: int
    applications_open: bool
    reach: ReachOut


class RegionReachOut(BaseModel):
    region_id: int
    kato: str
    region: str
    left_early: int
    reach: ReachOut


class PlacementOut(BaseModel):
    id: int
    fellow: str
    school_id: int
    school: str
    region_id: int
    subject: str
    starts_on: datetime.date
    ends_on: datetime.date
    status: str
    left_on: datetime.date | None
    leaving_reason: str


def _reach(reach: Reach) -> dict[str, int]:
    return {
        "fellows_placed": reach.fellows_placed,
        "fellows_retained": reach.fellows_retained,
        "schools": reach.schools,
        "children_direct": reach.direct,
        "children_indirect": reach.indirect,
    }


def _readable(request: HttpRequest) -> Any:
    rows = FellowshipCohort.objects.restrict(access_for(request.user), "read").select_related("cohort__programme")
    if not FellowshipCohort.objects.restrict(access_for(request.user), "view").exists() and not rows.exists():
        raise PermissionDenied
    return rows


@router.get("/cohorts", response=list[CohortOut], url_name="fellowship-cohort-list")
def cohort_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Fellowship cohorts the caller may read, each with its reach (children counted once)."""
    rows = []
    for cohort in _readable(request):
        total, _regions = cohort_dashboard(cohort)
        rows.append(
            {
                "id": cohort.pk,
                "name": str(cohort.cohort),
                "programme": str(cohort.cohort.programme),
                "starts_on": cohort.cohort.starts_on,
                "ends_on": cohort.cohort.ends_on,
                "target_fellows": cohort.target_fellows,
                "applications_open": cohort.applications_open,
                "reach": _reach(total),
            }
        )
    return rows


@router.get("/cohorts/{cohort_id}/reach", response=list[RegionReachOut], url_name="fellowship-cohort-reach")
def cohort_reach(request: HttpRequest, cohort_id: ApiId) -> list[dict[str, Any]]:
    """A cohort's reach by region: fellows placed and retained, early leavers, schools, children."""
    access = access_for(request.user)
    cohort = get_object_or_404(FellowshipCohort.objects.restrict(access, "view"), pk=cohort_id)
    if not allowed(access, cohort, "read"):
        raise PermissionDenied
    _total, regions = cohort_dashboard(cohort)
    return [
        {
            "region_id": row.region.pk,
            "kato": row.region.kato,
            "region": str(row.region),
            "left_early": row.left_early,
            "reach": _reach(row.reach),
        }
        for row in regions
    ]


@router.get("/cohorts/{cohort_id}/placements", response=list[PlacementOut], url_name="fellowship-placement-list")
def placement_list(request: HttpRequest, cohort_id: ApiId) -> list[dict[str, Any]]:
    """The cohort's placements the caller may see."""
    access = access_for(request.user)
    cohort = get_object_or_404(FellowshipCohort.objects.restrict(access, "view"), pk=cohort_id)
    placements = (
        Placement.objects.restrict(access, "view")
        .filter(fellow__cohort=cohort)
        .select_related("fellow", "school")
        .order_by("school__region_id", "school_id", kazakh_order("fellow__full_name"), "pk")
    )
    return [
        {
            "id": p.pk,
            "fellow": p.fellow.full_name,
            "school_id": p.school_id,
            "school": str(p.school),
            "region_id": p.school.region_id,
            "subject": p.subject,
            "starts_on": p.starts_on,
            "ends_on": p.ends_on,
            "status": p.status,
            "left_on": p.left_on,
            "leaving_reason": p.leaving_reason,
        }
        for p in placements
    ]
