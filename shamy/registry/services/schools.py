"""Writing schools: the only code that creates or changes a School row."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from shamy.audit.services.entries import audit_record, snapshot
from shamy.core.text import search_key
from shamy.registry.models import School
from shamy.registry.permissions import can_import_registry

# Fields a caller may set; derived and bookkeeping columns are excluded.
SCHOOL_WRITABLE_FIELDS = frozenset(
    field.name
    for field in School._meta.concrete_fields
    if field.name not in {"id", "search_text", "created_at", "updated_at"}
)


def _require_writer(actor: Any) -> None:
    # Registry records are changed by system administrators (by hand or through an import).
    if not can_import_registry(actor):
        raise PermissionDenied


def _check_fields(fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - SCHOOL_WRITABLE_FIELDS
    if unknown:
        raise TypeError("Unknown school fields: " + ", ".join(sorted(unknown)))


def _school_search_text(school: School) -> str:
    return search_key(school.name_kk, school.name_ru)


@transaction.atomic
def school_create(*, actor: Any, fields: Mapping[str, Any]) -> School:
    """Create a school from ``fields`` (model field names; foreign keys as objects).

    Needs a registry writer (system administrator), else PermissionDenied. Runs full_clean(),
    so invalid values raise ValidationError. Records ``registry.school.created``.
    """
    _require_writer(actor)
    _check_fields(fields)
    school = School(**fields)
    school.search_text = _school_search_text(school)
    school.full_clean()
    school.save()
    audit_record(actor=actor, action="registry.school.created", target=school, after=snapshot(school))
    return school


@transaction.atomic
def school_update(*, actor: Any, school: School, changes: Mapping[str, Any]) -> School:
    """Apply ``changes`` to a school. A change that alters nothing writes nothing.

    Needs a registry writer, else PermissionDenied. Locks the row, runs full_clean() and records
    ``registry.school.updated`` with the fields before and after.
    """
    _require_writer(actor)
    _check_fields(changes)
    school = School.objects.select_for_update().get(pk=school.pk)
    before = snapshot(school)
    for name, value in changes.items():
        setattr(school, name, value)
    school.search_text = _school_search_text(school)
    after = snapshot(school)
    if after == before:
        return school
    school.full_clean()
    school.save()
    audit_record(actor=actor, action="registry.school.updated", target=school, before=before, after=snapshot(school))
    return school
