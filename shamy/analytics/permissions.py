"""Who sees which aggregates. Deny by default.

Analysts see aggregates: ministry analysts and system administrators for the whole country,
regional analysts for their own region and its districts only. Programme coordinators and
observers (donors) see the aggregates for their own programmes only: the programme filter is
fixed to one of them. Nobody else sees them, except the national and regional aggregates on
the public page when a system administrator has switched it on. The scope itself is computed
by the access object (``Access.analytics``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from shamy.access.context import Access, AnalyticsScope
from shamy.core.countries import HOME_COUNTRY
from shamy.core.rules import rule


def can_view_analytics(access: Access) -> bool:
    return access.analytics.any


def require_analytics(access: Access) -> AnalyticsScope:
    scope = access.analytics
    if not scope.any:
        raise PermissionDenied
    return scope


def can_manage_analytics_settings(access: Access) -> bool:
    return access.is_system_admin


def can_import_indicator_values(access: Access) -> bool:
    """Outcome figures are national data: system administrators and ministry analysts."""
    return access.is_national


@rule("registry.Region", "analytics")
def regions_for_analytics(access: Access) -> Q | bool:
    """The regions whose aggregates the actor sees: the home country's for national analysts,
    their own region for a regional analyst, none for anyone else (a partner country's regions are
    in no analytics: the indicators are the home country's statistics)."""
    scope = access.analytics
    if scope.national:
        return Q(country=HOME_COUNTRY)
    return Q(pk__in=sorted(scope.region_ids)) if scope.region_ids else False


@rule("analytics.Scenario", "view")
def scenarios_by_link(access: Access) -> bool:
    """A saved scenario opens by its link for anyone with analytics access."""
    return access.analytics.any


@rule("analytics.Scenario", "own")
def own_scenarios(access: Access) -> Q | bool:
    return Q(owner_id=access.user_id) if access.user_id is not None else False
