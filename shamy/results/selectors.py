"""Reads for the results pages, starting from the named rules."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from shamy.access.context import Actor, access_for
from shamy.core.rules import allowed, require
from shamy.programmes.models import Programme
from shamy.results.models import DonorReport


def readable_programmes(*, actor: Actor) -> list[Programme]:
    access = access_for(actor)
    programmes = Programme.objects.restrict(access, "view").order_by("-starts_on", "id")
    return [programme for programme in programmes if allowed(access, programme, "results")]


def programme_for_results(*, user: Actor, programme_id: int) -> Programme:
    """A programme whose results the caller may read: 404 if not visible, 403 if visible only."""
    programme = get_object_or_404(Programme.objects.restrict(user, "view"), pk=programme_id)
    require(user, programme, "results")
    return programme


def recent_reports(*, programme: Programme, limit: int = 10) -> QuerySet[DonorReport]:
    return DonorReport.objects.filter(programme=programme).order_by("-created_at")[:limit]
