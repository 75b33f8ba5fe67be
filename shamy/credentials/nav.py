from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from shamy.core.nav import NavItem
from shamy.credentials import permissions


def nav_items(request: HttpRequest) -> list[NavItem]:
    user = request.user
    items = []
    if permissions.can_certify(user):
        items.append(NavItem(_("Certification"), reverse("credentials:certification"), order=45))
    if permissions.can_list_certificates(user):
        items.append(NavItem(_("Certificates"), reverse("credentials:certificate-list"), order=46))
    return items
