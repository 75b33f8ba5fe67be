from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from shamy.analytics.access import can_manage_analytics_settings, can_view_analytics
from shamy.analytics.models import AnalyticsSettings
from shamy.core.nav import NavItem


def nav_items(request: HttpRequest) -> list[NavItem]:
    if not can_view_analytics(request.user):
        if not request.user.is_authenticated and AnalyticsSettings.current().public_enabled:
            return [NavItem(_("Equity analytics"), reverse("analytics:public"), order=60)]
        return []
    items = [NavItem(_("Equity analytics"), reverse("analytics:dashboard"), order=60)]
    if can_manage_analytics_settings(request.user):
        items.append(NavItem(_("Analytics settings"), reverse("analytics:settings"), order=95))
    return items
