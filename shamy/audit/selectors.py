from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from shamy.audit.models import AuditEntry
from shamy.core.text import search_key

if TYPE_CHECKING:
    from shamy.access.context import Actor


def audit_entry_list(*, actor: Actor, filters: Mapping[str, str]) -> QuerySet[AuditEntry]:
    """Audit entries the actor may browse, filtered by action prefix, actor name or e-mail, object label
    or ID, and first and last day (inclusive, in the site's time zone)."""
    entries = AuditEntry.objects.restrict(actor, "view").select_related("target_type")
    if action := (filters.get("action") or "").strip():
        entries = entries.filter(action__startswith=action)
    if who := (filters.get("actor") or "").strip():
        entries = entries.filter(actor_search__contains=search_key(who))
    if target := (filters.get("target") or "").strip():
        # The label was written in the actor's language at the time; the object's ID (shown
        # beside the label) finds the entries whatever that language was.
        entries = entries.filter(Q(target_search__contains=search_key(target)) | Q(target_id=target))
    for key, lookup in (("since", "created_at__date__gte"), ("until", "created_at__date__lte")):
        raw = (filters.get(key) or "").strip()
        if raw:
            try:
                entries = entries.filter(**{lookup: datetime.date.fromisoformat(raw)})
            except ValueError:
                continue
    return entries
