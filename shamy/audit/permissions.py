from __future__ import annotations

from shamy.access.context import Actor, access_for


def can_view_audit_log(user: Actor) -> bool:
    """Only system administrators browse the audit log: it shows everyone's changes."""
    return access_for(user).is_system_admin
