"""Writing audit entries. Every service that writes calls :func:`audit_record`."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from shamy.audit.models import AuditEntry
from shamy.core.replicas import note_write
from shamy.core.text import search_key

if TYPE_CHECKING:
    from shamy.accounts.models import User

# Fields never copied into the audit trail: secrets and derived columns.
_NEVER_RECORDED = {"password", "key_hash", "search_text", "actor_search", "target_search"}


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return value


def snapshot(instance: models.Model | None, fields: Iterable[str] | None = None) -> dict[str, Any] | None:
    """The concrete field values of ``instance`` as JSON-ready data (foreign keys as IDs)."""
    if instance is None:
        return None
    wanted = set(fields) if fields is not None else None
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in _NEVER_RECORDED or (wanted is not None and field.name not in wanted):
            continue
        data[field.attname] = _jsonable(getattr(instance, field.attname))
    return data


def _entry(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    target_label: str = "",
) -> AuditEntry:
    """An unsaved entry: the actor's name and the object's label copied, and folded for the filters."""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    actor_label = (f"{actor.get_full_name()} <{actor.email}>" if actor is not None and is_user else "system")[:300]
    target_label = (target_label or (str(target) if target is not None else ""))[:300]
    return AuditEntry(
        actor=actor if is_user else None,
        actor_label=actor_label,
        actor_search=search_key(actor_label)[:300],
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None and target.pk is not None else "",
        target_label=target_label,
        target_search=search_key(target_label)[:300],
        before=before,
        after=after,
    )


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    target_label: str = "",
) -> AuditEntry:
    """Record one write. Call inside the transaction of the change itself.

    ``action`` is ``app.noun.past_verb`` (``registry.school.updated``). ``before`` and
    ``after`` are :func:`snapshot` dictionaries; ``after`` defaults to a snapshot of the target.
    """
    if after is None and target is not None and not action.endswith(".deleted"):
        after = snapshot(target)
    entry = _entry(actor=actor, action=action, target=target, before=before, after=after, target_label=target_label)
    entry.save(force_insert=True)
    note_write()  # this request's browser reads the primary for a while (shamy/core/replicas.py)
    return entry


def audit_record_many(*, actor: User | None, action: str, targets: Sequence[models.Model]) -> list[AuditEntry]:
    """Record the creation of many saved objects at once (one entry each, as :func:`audit_record`
    would write them, in one bulk insert). Call inside the transaction of the change itself."""
    entries = [_entry(actor=actor, action=action, target=t, before=None, after=snapshot(t)) for t in targets]
    note_write()
    return AuditEntry.objects.bulk_create(entries, batch_size=500)
