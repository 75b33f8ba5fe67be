from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from shamy.access.context import access_for
from shamy.access.roles import Role
from shamy.core.nav import NavItem


def nav_items(request: HttpRequest) -> list[NavItem]:
    access = access_for(request.user)
    if not access.is_national and not any(
        m.role in (Role.COORDINATOR, Role.OBSERVER) for m in access.programme_memberships()
    ):
        return []
    return [NavItem(_("Results and reports"), reverse("results:index"), order=66)]
