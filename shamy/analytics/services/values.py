from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from shamy.access.context import access_for
from shamy.accounts.models import User
from shamy.analytics.cache import analytics_invalidate
from shamy.analytics.models import Indicator, IndicatorValue
from shamy.analytics.permissions import can_import_indicator_values
from shamy.audit.services.entries import audit_record, snapshot

VALUE_FIELDS = ("value", "people", "source")


@transaction.atomic
def indicator_value_save(*, actor: User, existing: IndicatorValue | None, fields: dict[str, Any]) -> IndicatorValue:
    """Create an imported indicator value, or change an existing one's value, people and source.

    Needs can_import_indicator_values, else PermissionDenied. Validates the row (constraints
    included). Audited. Invalidates the cached aggregates after commit.
    """
    if not can_import_indicator_values(access_for(actor)):
        raise PermissionDenied
    before = snapshot(existing)
    if existing is None:
        value = IndicatorValue(**fields)
        action = "analytics.indicator_value.created"
    else:
        value = existing
        for name in VALUE_FIELDS:
            if name in fields:
                setattr(value, name, fields[name])
        action = "analytics.indicator_value.updated"
    value.full_clean()
    value.save()
    audit_record(actor=actor, action=action, target=value, before=before)
    transaction.on_commit(analytics_invalidate)
    return value


@transaction.atomic
def indicator_create(*, actor: User, fields: dict[str, Any]) -> Indicator:
    """Define an imported outcome indicator (its values then come from files).

    Needs can_import_indicator_values, else PermissionDenied. Audited.
    """
    if not can_import_indicator_values(access_for(actor)):
        raise PermissionDenied
    indicator = Indicator(source_kind="imported", position=500, **fields)
    indicator.full_clean()
    indicator.save()
    audit_record(actor=actor, action="analytics.indicator.created", target=indicator)
    return indicator
