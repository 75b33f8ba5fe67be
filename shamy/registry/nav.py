from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from shamy.access.context import access_for
from shamy.core.nav import NavItem


def nav_items(request: HttpRequest) -> list[NavItem]:
    if not access_for(request.user).registry.any:
        return []
    return [
        NavItem(_("Regions"), reverse("registry:region-list"), order=10),
        NavItem(_("Schools"), reverse("registry:school-list"), order=20),
    ]
