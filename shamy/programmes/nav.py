from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from shamy.core.nav import NavItem
from shamy.programmes.access import national_reader, programme_ids_of


def nav_items(request: HttpRequest) -> list[NavItem]:
    if not (programme_ids_of(request.user) or national_reader(request.user)):
        return []
    return [NavItem(_("Programmes"), reverse("programmes:programme-list"), order=30)]
