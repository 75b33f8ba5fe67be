from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from shamy.access.context import access_for
from shamy.core.nav import NavItem
from shamy.operators.permissions import can_view_agreements


def nav_items(request: HttpRequest) -> list[NavItem]:
    user = request.user
    access = access_for(user)
    items = []
    if access.is_national or access.programme_ids:
        items.append(NavItem(_("Training days"), reverse("operators:training-home"), order=45))
    if can_view_agreements(user):
        items.append(NavItem(_("Operator schools"), reverse("operators:agreement-list"), order=46))
    return items
