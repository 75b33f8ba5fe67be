"""Who may read the audit log. Deny by default."""

from __future__ import annotations

from shamy.access.context import Access, Actor, access_for
from shamy.core.rules import rule


def can_view_audit_log(user: Actor) -> bool:
    """Only system administrators browse the audit log: it shows everyone's changes."""
    return access_for(user).is_system_admin


@rule("audit.AuditEntry", "view")
def audit_entries_visible(access: Access) -> bool:
    """Every entry for system administrators; nothing for anyone else."""
    return access.is_system_admin


def may_read_audit_log(access: Access) -> bool:
    return access.is_system_admin
