"""The shared write path of registry records (schools, people): checked, locked and audited.

``school_create``/``person_update`` and their kin are thin, typed wrappers over these two
functions, so every registry record is written the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models

from shamy.accounts.models import User
from shamy.audit.services.entries import audit_record, audit_record_many, snapshot
from shamy.core.signals import bulk_data_changed
from shamy.registry.permissions import can_import_registry

RecordT = TypeVar("RecordT", bound=models.Model)

# Derived and bookkeeping columns that no caller sets.
_NOT_WRITABLE = {"id", "search_text", "created_at", "updated_at"}


@dataclass(frozen=True)
class RecordKind(Generic[RecordT]):
    model: type[RecordT]
    noun: str  # as in the audit action: registry.<noun>.created
    search_text: Callable[[RecordT], str]
    writable: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        names = frozenset(f.name for f in self.model._meta.concrete_fields if f.name not in _NOT_WRITABLE)
        object.__setattr__(self, "writable", names)

    def check(self, actor: User, fields: Mapping[str, Any]) -> None:
        # Registry records hold personal data: only system administrators write them (by hand or
        # through an import).
        if not can_import_registry(actor):
            raise PermissionDenied
        unknown = set(fields) - self.writable
        if unknown:
            raise TypeError(f"Unknown {self.noun} fields: " + ", ".join(sorted(unknown)))


def record_create(kind: RecordKind[RecordT], *, actor: User, fields: Mapping[str, Any]) -> RecordT:
    """Call inside a transaction. full_clean() before saving; audited as ``registry.<noun>.created``."""
    kind.check(actor, fields)
    record = kind.model(**fields)
    record.search_text = kind.search_text(record)  # type: ignore[attr-defined]
    record.full_clean()
    record.save()
    audit_record(actor=actor, action=f"registry.{kind.noun}.created", target=record, after=snapshot(record))
    return record


BULK_BATCH = 500


def record_create_many(kind: RecordKind[RecordT], *, actor: User, rows: Sequence[Mapping[str, Any]]) -> list[RecordT]:
    """Create many records in bulk inserts, each audited as ``registry.<noun>.created``.

    For a caller that has just checked, inside the same transaction, that the rows' references
    exist and that their unique values are free (an import's commit re-checks the whole file), so
    full_clean() skips the one query per foreign key and per unique field it would make per row.
    Field values and the model's own clean() are still checked, and the database's constraints
    remain the last guard (an IntegrityError rolls the whole transaction back). Model signals do
    not fire for bulk inserts: ``bulk_data_changed`` is sent instead, once.
    """
    for fields in rows:
        kind.check(actor, fields)
    relations = [f.name for f in kind.model._meta.concrete_fields if f.is_relation]
    records = []
    for fields in rows:
        record = kind.model(**fields)
        record.search_text = kind.search_text(record)  # type: ignore[attr-defined]
        record.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
        records.append(record)
    created = kind.model._default_manager.bulk_create(records, batch_size=BULK_BATCH)
    audit_record_many(actor=actor, action=f"registry.{kind.noun}.created", targets=created)
    if created:
        bulk_data_changed.send(sender="registry")
    return created


def record_update(kind: RecordKind[RecordT], *, actor: User, record: RecordT, changes: Mapping[str, Any]) -> RecordT:
    """Call inside a transaction. Locks the row; a change that alters nothing writes nothing."""
    kind.check(actor, changes)
    record = kind.model._default_manager.select_for_update().get(pk=record.pk)
    before = snapshot(record)
    for name, value in changes.items():
        setattr(record, name, value)
    record.search_text = kind.search_text(record)  # type: ignore[attr-defined]
    if snapshot(record) == before:
        return record
    record.full_clean()
    record.save()
    audit_record(
        actor=actor, action=f"registry.{kind.noun}.updated", target=record, before=before, after=snapshot(record)
    )
    return record
