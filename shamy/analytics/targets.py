"""Progress towards national targets, per region, with the pace needed to meet the deadline."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from shamy.access.context import AnalyticsScope
from shamy.analytics.cache import cache_version
from shamy.analytics.models import Target, TargetMetric
from shamy.analytics.selectors import CACHE_SECONDS, _scoped, regions_in_scope
from shamy.core.replicas import fresh_for_cache
from shamy.registry.models import FutureSchool, Internet, Locality, Region, School


def _conditions(target: Target) -> tuple[Q, Q]:
    """(achieved, pool): what counts towards the target, and the schools that could count."""
    if target.metric == TargetMetric.HIGH_SPEED_INTERNET:
        achieved = Q(internet=Internet.HIGH_SPEED, internet_connected_on__gte=target.starts_on)
        return achieved, achieved | ~Q(internet=Internet.HIGH_SPEED)
    if target.metric == TargetMetric.FUTURE_SCHOOLS_BUILT:
        return Q(future_school=FutureSchool.BUILT), ~Q(future_school=FutureSchool.NONE)
    # Modernised within the target's years: from its start to its deadline, both included.
    achieved = Q(
        locality=Locality.RURAL,
        modernised_year__gte=target.starts_on.year,
        modernised_year__lte=target.deadline.year,
    )
    return achieved, Q(locality=Locality.RURAL)


def months_between(start: datetime.date, end: datetime.date) -> float:
    return max(0.0, (end - start).days / 30.4375)


@dataclass
class RegionProgress:
    region: Region
    achieved: int
    pool: int

    @property
    def percent(self) -> float | None:
        """Undefined (``None``) for a region with no school that could count: 0 of 0 is not 0 %."""
        return self.achieved * 100 / self.pool if self.pool else None


@dataclass
class Progress:
    target: Target
    achieved: int
    regions: list[RegionProgress]
    months_elapsed: float
    months_left: float

    @property
    def percent(self) -> float:
        return min(100.0, self.achieved * 100 / self.target.goal) if self.target.goal else 0.0

    @property
    def remaining(self) -> int:
        return max(0, self.target.goal - self.achieved)

    @property
    def pace_so_far(self) -> float | None:
        """Achieved per month since the start; undefined before any time has passed."""
        return self.achieved / self.months_elapsed if self.months_elapsed else None

    @property
    def pace_needed(self) -> float | None:
        """Per month from now to the deadline; undefined once the deadline has passed."""
        if self.remaining == 0:
            return 0.0
        return self.remaining / self.months_left if self.months_left else None

    @property
    def on_track(self) -> bool:
        needed = self.pace_needed
        so_far = self.pace_so_far
        return self.remaining == 0 or (needed is not None and so_far is not None and so_far >= needed)


def target_progress(*, scope: AnalyticsScope, today: datetime.date | None = None) -> list[Progress]:
    """All targets, one aggregate query for every target and region together (cached)."""
    today = today or timezone.localdate()
    targets = list(Target.objects.order_by("deadline", "code"))
    regions = regions_in_scope(scope)
    key = f"analytics:{cache_version()}:targets:{scope.cache_key}:{today.isoformat()}"
    counts: dict[int, dict[str, Any]] | None = cache.get(key)
    if counts is None:
        annotations: dict[str, Any] = {}
        for target in targets:
            achieved, pool = _conditions(target)
            annotations[f"achieved_{target.pk}"] = Count("id", filter=achieved)
            annotations[f"pool_{target.pk}"] = Count("id", filter=pool)
        counts = {}
        if annotations:
            queryset = _scoped(School.objects.all(), scope, "region_id")
            with fresh_for_cache():  # a lagging replica's counts must not be cached as current
                rows = queryset.order_by().values("region_id").annotate(**annotations)
                counts = {row["region_id"]: row for row in rows}
        cache.set(key, counts, CACHE_SECONDS)
    result = []
    for target in targets:
        rows = [
            RegionProgress(
                region,
                counts.get(region.pk, {}).get(f"achieved_{target.pk}", 0),
                counts.get(region.pk, {}).get(f"pool_{target.pk}", 0),
            )
            for region in regions
        ]
        rows.sort(key=lambda row: (row.percent is None, -(row.percent or 0)))
        result.append(
            Progress(
                target,
                sum(row.achieved for row in rows),
                rows,
                months_between(target.starts_on, min(today, target.deadline)),
                months_between(today, target.deadline),
            )
        )
    return result
