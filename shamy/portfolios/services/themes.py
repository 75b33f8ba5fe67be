"""Editing the taxonomy of focus themes."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from shamy.accounts.models import User
from shamy.audit.services.entries import audit_record, snapshot
from shamy.portfolios import permissions
from shamy.portfolios.models import FocusTheme


@transaction.atomic
def theme_save(
    *,
    actor: User,
    theme: FocusTheme | None,
    code: str,
    name_kk: str,
    name_ru: str,
    name_en: str,
    order: int,
    is_active: bool,
) -> FocusTheme:
    """Create or change a focus theme. System administrators and coordinators only."""
    if not permissions.can_edit_themes(actor):
        raise PermissionDenied
    before = snapshot(theme)
    target = theme or FocusTheme()
    target.code = code
    target.name_kk = name_kk.strip()
    target.name_ru = name_ru.strip()
    target.name_en = name_en.strip()
    target.order = order
    target.is_active = is_active
    target.full_clean()
    target.save()
    action = "portfolios.focus_theme.updated" if theme else "portfolios.focus_theme.created"
    audit_record(actor=actor, action=action, target=target, before=before)
    return target
