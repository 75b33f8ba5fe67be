from __future__ import annotations

from typing import Any

from shamy.access.context import access_for


def can_view_audit_log(user: Any) -> bool:
    """Only system administrators browse the audit log: it shows everyone's changes."""
    return access_for(user).is_system_admin
