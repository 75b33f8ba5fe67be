"""The shared write path of registry records (schools, people): checked, locked and audited.

``school_create``/``person_update`` and their kin are thin, typed wrappers over these two
functions, so every registry record is written the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models

from shamy.audit.services.entries import audit_record, snapshot
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

    def check(self, actor: Any, fields: Mapping[str, Any]) -> None:
        # Registry records hold personal data: only system administrators write them (by hand or
        # through an import).
        if not can_import_registry(actor):
            raise PermissionDenied
        unknown = set(fields) - self.writable
        if unknown:
            raise TypeError(f"Unknown {self.noun} fields: " + ", ".join(sorted(unknown)))


def record_create(kind: RecordKind[RecordT], *, actor: Any, fields: Mapping[str, Any]) -> RecordT:
    """Call inside a transaction. full_clean() before saving; audited as ``registry.<noun>.created``."""
    kind.check(actor, fields)
    record = kind.model(**fields)
    record.search_text = kind.search_text(record)  # type: ignore[attr-defined]
    record.full_clean()
    record.save()
    audit_record(actor=actor, action=f"registry.{kind.noun}.created", target=record, after=snapshot(record))
    return record


def record_update(kind: RecordKind[RecordT], *, actor: Any, record: RecordT, changes: Mapping[str, Any]) -> RecordT:
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
