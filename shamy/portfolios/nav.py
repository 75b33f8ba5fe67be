from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from shamy.access.context import access_for
from shamy.access.roles import Role
from shamy.core.nav import NavItem
from shamy.portfolios.permissions import can_edit_themes, can_open_board_index


def nav_items(request: HttpRequest) -> list[NavItem]:
    user = request.user
    roles = {membership.role for membership in access_for(user).programme_memberships()}
    items = []
    if Role.TEACHER in roles:
        items.append(NavItem(_("My projects"), reverse("portfolios:project-list"), order=40))
    if can_open_board_index(user):
        items.append(NavItem(_("Projects board"), reverse("portfolios:board-index"), order=41))
    if roles & {Role.CERTIFIER, Role.COORDINATOR}:
        items.append(NavItem(_("Submitted portfolios"), reverse("portfolios:submitted-list"), order=42))
    if can_edit_themes(user):
        items.append(NavItem(_("Project themes"), reverse("portfolios:theme-list"), order=48))
    items.append(NavItem(_("Published projects"), reverse("portfolios:public-list"), order=49))
    return items
