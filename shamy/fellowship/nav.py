from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from shamy.access.context import access_for
from shamy.access.roles import Role
from shamy.core.nav import NavItem


def nav_items(request: HttpRequest) -> list[NavItem]:
    """From the memberships already read for the request (no query of its own): national readers,
    coordinators, observers and fellows. Reviewers without a role open their reviews from the
    link in their assignment."""
    access = access_for(request.user)
    if not (access.is_national or access.has_role(Role.COORDINATOR, Role.OBSERVER, Role.FELLOW)):
        return []
    return [NavItem(_("Fellowship"), reverse("fellowship:cohort-list"), order=45)]
