from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from shamy.access.context import access_for
from shamy.core.nav import NavItem


def nav_items(request: HttpRequest) -> list[NavItem]:
    access = access_for(request.user)
    if not (access.programme_ids or access.everywhere or access.countries):
        return []
    return [NavItem(_("Programmes"), reverse("programmes:programme-list"), order=30)]
