from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from shamy.core.nav import NavItem
from shamy.imports.permissions import can_import_anything


def nav_items(request: HttpRequest) -> list[NavItem]:
    if not can_import_anything(request.user):
        return []
    return [NavItem(_("Import"), reverse("imports:start"), order=60)]
