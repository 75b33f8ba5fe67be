from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from shamy.access.context import access_for
from shamy.access.roles import Role
from shamy.core.nav import NavItem

# Roles that take part in or lead sessions (certifiers and observers do not).
SESSION_ROLES = frozenset(
    {Role.COORDINATOR, Role.SCHOOL_PRINCIPAL, Role.SCHOOL_FACILITATOR, Role.LINK_FACILITATOR, Role.TEACHER}
)
LEADING = frozenset({Role.COORDINATOR, Role.SCHOOL_FACILITATOR, Role.LINK_FACILITATOR})


def nav_items(request: HttpRequest) -> list[NavItem]:
    roles = {membership.role for membership in access_for(request.user).programme_memberships()}
    if not roles & SESSION_ROLES:
        return []
    label = _("Attendance") if roles & LEADING else _("My sessions")
    return [NavItem(label, reverse("attendance:my-sessions"), order=31)]
