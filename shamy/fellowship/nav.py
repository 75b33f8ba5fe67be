from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from shamy.access.context import access_for
from shamy.access.roles import Role
from shamy.core.nav import NavItem
from shamy.fellowship.permissions import may_post_vacancies


def nav_items(request: HttpRequest) -> list[NavItem]:
    """From the memberships already read for the request (no query of its own): national readers,
    coordinators, observers and fellows see the fellowship; principals and regional departments
    post vacancies. Reviewers without a role open /fellowship/ from their assignment."""
    access = access_for(request.user)
    items = []
    if access.is_national or access.has_role(Role.COORDINATOR, Role.OBSERVER, Role.FELLOW):
        items.append(NavItem(_("Fellowship"), reverse("fellowship:cohort-list"), order=45))
    if may_post_vacancies(access):
        items.append(NavItem(_("Vacancies for fellows"), reverse("fellowship:vacancy-list"), order=46))
    return items
