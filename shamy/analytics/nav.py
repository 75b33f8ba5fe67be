from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from shamy.access.context import access_for
from shamy.analytics.models import AnalyticsSettings
from shamy.analytics.permissions import can_manage_analytics_settings, can_view_analytics
from shamy.core.nav import NavItem


def nav_items(request: HttpRequest) -> list[NavItem]:
    if not can_view_analytics(access_for(request.user)):
        if not request.user.is_authenticated and AnalyticsSettings.current().public_enabled:
            return [NavItem(_("Equity analytics"), reverse("analytics:public"), order=60)]
        return []
    items = [NavItem(_("Equity analytics"), reverse("analytics:dashboard"), order=60)]
    if can_manage_analytics_settings(access_for(request.user)):
        items.append(NavItem(_("Analytics settings"), reverse("analytics:settings"), order=95))
    return items
