from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from shamy.audit.permissions import can_view_audit_log
from shamy.core.nav import NavItem


def nav_items(request: HttpRequest) -> list[NavItem]:
    if not can_view_audit_log(request.user):
        return []
    return [NavItem(_("Audit log"), reverse("audit:entry-list"), order=90)]
