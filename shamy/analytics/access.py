"""Who sees which aggregates. Deny by default.

Analysts see aggregates: ministry analysts and system administrators for the whole country,
regional analysts for their own region and its districts only. Programme coordinators and
observers (donors) see the aggregates for their own programmes only: the programme filter is
fixed to one of them. Nobody else sees them, except the national and regional aggregates on
the public page when a system administrator has switched it on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied

from shamy.accounts.access import active_memberships, is_system_admin
from shamy.accounts.models import Role

NATIONAL_ANALYSTS = frozenset({Role.SYSTEM_ADMIN, Role.MINISTRY_ANALYST})
PROGRAMME_VIEWERS = frozenset({Role.COORDINATOR, Role.OBSERVER})


@dataclass(frozen=True)
class AnalyticsScope:
    national: bool = False
    region_ids: frozenset[int] = field(default_factory=frozenset)
    public: bool = False
    # Non-empty for programme coordinators and observers: the only programmes they may filter by.
    programme_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def any(self) -> bool:
        return self.national or bool(self.region_ids)

    @property
    def cache_key(self) -> str:
        if self.programme_ids:
            return "p" + "-".join(str(pk) for pk in sorted(self.programme_ids))
        if self.national:
            return "public" if self.public else "national"
        return "r" + "-".join(str(pk) for pk in sorted(self.region_ids))

    def allows_region(self, region_id: int) -> bool:
        return self.national or region_id in self.region_ids


PUBLIC_SCOPE = AnalyticsScope(national=True, public=True)


def analytics_scope(user: Any) -> AnalyticsScope:
    memberships = active_memberships(user)
    if any(m.role in NATIONAL_ANALYSTS for m in memberships):
        return AnalyticsScope(national=True)
    regions = frozenset(m.region_id for m in memberships if m.role == Role.REGIONAL_ANALYST and m.region_id)
    if regions:
        return AnalyticsScope(region_ids=regions)
    programmes: frozenset[int] = frozenset(
        m.programme_id for m in memberships if m.role in PROGRAMME_VIEWERS and m.programme_id is not None
    )
    if programmes:
        return AnalyticsScope(national=True, programme_ids=programmes)
    return AnalyticsScope()


def can_view_analytics(user: Any) -> bool:
    return analytics_scope(user).any


def require_analytics(user: Any) -> AnalyticsScope:
    scope = analytics_scope(user)
    if not scope.any:
        raise PermissionDenied
    return scope


def can_manage_analytics_settings(user: Any) -> bool:
    return is_system_admin(user)


def can_import_indicator_values(user: Any) -> bool:
    """Outcome figures are national data: system administrators and ministry analysts."""
    return any(m.role in NATIONAL_ANALYSTS for m in active_memberships(user))
