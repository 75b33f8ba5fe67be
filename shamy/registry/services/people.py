"""Writing people and their employments."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from shamy.accounts.models import User
from shamy.audit.services.entries import audit_record, audit_record_many, snapshot
from shamy.core.signals import bulk_data_changed
from shamy.core.text import search_key
from shamy.registry.models import Employment, Person, Position, School
from shamy.registry.permissions import can_import_registry
from shamy.registry.services.records import BULK_BATCH, RecordKind, record_create, record_create_many, record_update

PEOPLE: RecordKind[Person] = RecordKind(
    Person, "person", lambda person: search_key(person.surname, person.given_name, person.patronymic)
)
PERSON_WRITABLE_FIELDS = PEOPLE.writable


@transaction.atomic
def person_create(*, actor: User, fields: Mapping[str, Any]) -> Person:
    """Create a person from ``fields`` (model field names).

    Needs a registry writer (system administrator), else PermissionDenied. Runs full_clean()
    (IIN check digit, e-mail format) and records ``registry.person.created``.
    """
    return record_create(PEOPLE, actor=actor, fields=fields)


@transaction.atomic
def person_create_many(*, actor: User, rows: Sequence[Mapping[str, Any]]) -> list[Person]:
    """Create many people in bulk, for rows whose unique values (external ID, IIN) the caller has
    checked in the same transaction (an import's commit). Needs a registry writer, else
    PermissionDenied; each person is audited as ``registry.person.created``."""
    return record_create_many(PEOPLE, actor=actor, rows=rows)


@transaction.atomic
def person_update(*, actor: User, person: Person, changes: Mapping[str, Any]) -> Person:
    """Apply ``changes`` to a person. A change that alters nothing writes nothing.

    Needs a registry writer, else PermissionDenied. Locks the row, runs full_clean() and records
    ``registry.person.updated`` with the fields before and after.
    """
    return record_update(PEOPLE, actor=actor, record=person, changes=changes)


@transaction.atomic
def employment_create(
    *,
    actor: User,
    person: Person,
    school: School,
    position: str = Position.TEACHER,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
) -> Employment:
    """Record that ``person`` works at ``school`` from ``starts_on`` (to ``ends_on``).

    Needs a registry writer, else PermissionDenied. Runs full_clean() (the end may not precede
    the start) and records ``registry.employment.created``.
    """
    if not can_import_registry(actor):
        raise PermissionDenied
    employment = Employment(person=person, school=school, position=position, starts_on=starts_on, ends_on=ends_on)
    employment.full_clean()
    employment.save()
    audit_record(actor=actor, action="registry.employment.created", target=employment, after=snapshot(employment))
    return employment


@transaction.atomic
def employment_create_many(*, actor: User, rows: Sequence[Mapping[str, Any]]) -> list[Employment]:
    """Create many employments (``person``, ``school``, ``position``, ``starts_on``, ``ends_on``) in
    bulk, for saved people and schools the caller has just looked up in the same transaction.

    Needs a registry writer, else PermissionDenied. Field values and the end-after-start rule are
    checked per row (full_clean() without its per-row foreign-key queries); each employment is
    audited as ``registry.employment.created``.
    """
    if not can_import_registry(actor):
        raise PermissionDenied
    employments = []
    for fields in rows:
        employment = Employment(**fields)
        employment.full_clean(exclude=["person", "school"], validate_unique=False, validate_constraints=False)
        employments.append(employment)
    created = Employment.objects.bulk_create(employments, batch_size=BULK_BATCH)
    audit_record_many(actor=actor, action="registry.employment.created", targets=created)
    if created:
        bulk_data_changed.send(sender="registry")
    return created
