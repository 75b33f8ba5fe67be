from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from shamy.core.nav import NavItem


def nav_items(request: HttpRequest) -> list[NavItem]:
    return [NavItem(_("Knowledge commons"), reverse("commons:index"), order=50)]
