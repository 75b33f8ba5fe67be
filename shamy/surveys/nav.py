from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from shamy.access.context import access_for
from shamy.core.nav import NavItem
from shamy.surveys.models import AUDIENCE_ROLES


def nav_items(request: HttpRequest) -> list[NavItem]:
    access = access_for(request.user)
    roles = {"coordinator", "observer", *dict(AUDIENCE_ROLES)}
    if not access.is_national and not any(m.role in roles for m in access.programme_memberships()):
        return []
    return [NavItem(_("Surveys"), reverse("surveys:survey-list"), order=65)]
