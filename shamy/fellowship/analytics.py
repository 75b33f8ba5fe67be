"""The fellowship's figures in the equity analytics: "fellows in place" and "children reached by
fellows", urban and rural, dated by placement (a fellow counts in a school year when their
placement overlaps it and they had not left before it began), under the analytics' suppression
rule (a cell from fewer than N children or fellows is hidden). Registered in ``apps.py``;
analytics imports nothing from here."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import Count, Q, QuerySet

from shamy.analytics.indicators import Spec, register_computed
from shamy.analytics.selectors import register_panel_provider
from shamy.fellowship.models import Placement, PlacementStatus, Pupil

FELLOWS = "fellows_in_place"
CHILDREN = "children_reached_by_fellows"


def placements_in_year(year: int) -> QuerySet[Placement]:
    """Placements in place during the school year that starts on 1 September of ``year``."""
    starts, ends = datetime.date(year, 9, 1), datetime.date(year + 1, 5, 31)
    left_before = Q(status=PlacementStatus.LEFT_EARLY, left_on__lt=starts)
    return Placement.objects.filter(starts_on__lte=ends, ends_on__gte=starts).exclude(left_before)


def fellowship_measures(
    *,
    scoped: Callable[[QuerySet[Any], str], QuerySet[Any]],
    key: str,
    region_id: int | None,
    year: int,
    programme_id: int | None,
) -> Iterator[tuple[int | None, str, dict[str, Any]]]:
    """Per place and locality: distinct fellows in place, and distinct children in the classes
    they teach that school year (a child taught by two fellows counts once)."""
    placements = scoped(placements_in_year(year), "school__region_id")
    if region_id is not None:
        placements = placements.filter(school__region_id=region_id)
    if programme_id is not None:
        placements = placements.filter(fellow__cohort__cohort__programme_id=programme_id)
    fellows = (
        placements.order_by().values(f"school__{key}", "school__locality").annotate(n=Count("fellow_id", distinct=True))
    )
    for row in fellows:
        yield row[f"school__{key}"], row["school__locality"], {FELLOWS: row["n"]}
    children = (
        Pupil.objects.filter(classes__placement__in=placements.values("pk"), classes__school_year=year)
        .order_by()
        .values(f"school__{key}", "school__locality")
        .annotate(n=Count("id", distinct=True))
    )
    for row in children:
        yield row[f"school__{key}"], row["school__locality"], {CHILDREN: row["n"]}


def register() -> None:
    register_computed(FELLOWS, Spec(FELLOWS, people=FELLOWS, parity=False))
    register_computed(CHILDREN, Spec(CHILDREN, people=CHILDREN, parity=False))
    register_panel_provider(fellowship_measures, keys=(FELLOWS, CHILDREN))
