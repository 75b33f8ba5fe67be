from __future__ import annotations

from typing import Any

from shamy.accounts.access import is_system_admin


def can_view_audit_log(user: Any) -> bool:
    """Only system administrators browse the audit log: it shows everyone's changes."""
    return is_system_admin(user)
