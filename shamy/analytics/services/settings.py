from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from shamy.access.context import access_for
from shamy.accounts.models import User
from shamy.analytics.cache import analytics_invalidate
from shamy.analytics.models import AnalyticsSettings
from shamy.analytics.permissions import can_manage_analytics_settings
from shamy.audit.services.entries import audit_record, snapshot


@transaction.atomic
def analytics_settings_update(
    *, actor: User, public_enabled: bool, suppression_threshold: int, registry_year: int | None = None
) -> AnalyticsSettings:
    """Switch the public view of national aggregates, set the suppression threshold and (when
    given) the school year the registry snapshot describes.

    Needs a system administrator, else PermissionDenied. Audited. Invalidates cached panels.
    """
    if not can_manage_analytics_settings(access_for(actor)):
        raise PermissionDenied
    current = AnalyticsSettings.objects.select_for_update().order_by("pk").first()
    before = snapshot(current)
    row = current or AnalyticsSettings(pk=1)
    row.public_enabled = public_enabled
    row.suppression_threshold = suppression_threshold
    if registry_year is not None:
        row.registry_year = registry_year
    row.full_clean()
    row.save()
    audit_record(actor=actor, action="analytics.settings.updated", target=row, before=before)
    transaction.on_commit(analytics_invalidate)
    return row
