from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from shamy.accounts.access import registry_scope
from shamy.audit.permissions import can_view_audit_log


def shamy(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    scope = registry_scope(user)
    return {
        "nav_registry": scope.any,
        "nav_audit": can_view_audit_log(user),
    }
