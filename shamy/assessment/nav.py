from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from shamy.assessment import permissions
from shamy.core.nav import NavItem


def nav_items(request: HttpRequest) -> list[NavItem]:
    user = request.user
    items = []
    if permissions.can_submit_own(user):
        items.append(NavItem(_("My submissions"), reverse("assessment:own-list"), order=43))
    if permissions.can_open_queue(user):
        items.append(NavItem(_("Assessment queue"), reverse("assessment:queue"), order=44))
        items.append(NavItem(_("Moderation"), reverse("assessment:moderation-queue"), order=44))
    return items
