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

from shamy.access.context import Access, AnalyticsScope


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
