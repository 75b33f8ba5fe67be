"""Writing schools: the only code that creates or changes a School row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction

from shamy.accounts.models import User
from shamy.core.text import search_key
from shamy.registry.models import School
from shamy.registry.services.records import RecordKind, record_create, record_create_many, record_update

SCHOOLS: RecordKind[School] = RecordKind(School, "school", lambda school: search_key(school.name_kk, school.name_ru))
# Fields a caller may set; derived and bookkeeping columns are excluded.
SCHOOL_WRITABLE_FIELDS = SCHOOLS.writable


@transaction.atomic
def school_create(*, actor: User, fields: Mapping[str, Any]) -> School:
    """Create a school from ``fields`` (model field names; foreign keys as objects).

    Needs a registry writer (system administrator), else PermissionDenied. Runs full_clean(),
    so invalid values raise ValidationError. Records ``registry.school.created``.
    """
    return record_create(SCHOOLS, actor=actor, fields=fields)


@transaction.atomic
def school_create_many(*, actor: User, rows: Sequence[Mapping[str, Any]]) -> list[School]:
    """Create many schools in bulk, for rows whose references and unique values the caller has
    checked in the same transaction (an import's commit). Needs a registry writer, else
    PermissionDenied; each school is audited as ``registry.school.created``."""
    return record_create_many(SCHOOLS, actor=actor, rows=rows)


@transaction.atomic
def school_update(*, actor: User, school: School, changes: Mapping[str, Any]) -> School:
    """Apply ``changes`` to a school. A change that alters nothing writes nothing.

    Needs a registry writer, else PermissionDenied. Locks the row, runs full_clean() and records
    ``registry.school.updated`` with the fields before and after.
    """
    return record_update(SCHOOLS, actor=actor, record=school, changes=changes)
