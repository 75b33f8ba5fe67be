"""Writing people and their employments."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from shamy.audit.services.entries import audit_record, snapshot
from shamy.core.text import search_key
from shamy.registry.models import Employment, Person, Position, School
from shamy.registry.permissions import can_import_registry

PERSON_WRITABLE_FIELDS = frozenset(
    field.name
    for field in Person._meta.concrete_fields
    if field.name not in {"id", "search_text", "created_at", "updated_at"}
)


def _require_writer(actor: Any) -> None:
    # People's records hold personal data: only system administrators write them.
    if not can_import_registry(actor):
        raise PermissionDenied


def _check_fields(fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - PERSON_WRITABLE_FIELDS
    if unknown:
        raise TypeError("Unknown person fields: " + ", ".join(sorted(unknown)))


def _person_search_text(person: Person) -> str:
    return search_key(person.surname, person.given_name, person.patronymic)


@transaction.atomic
def person_create(*, actor: Any, fields: Mapping[str, Any]) -> Person:
    """Create a person from ``fields`` (model field names).

    Needs a registry writer (system administrator), else PermissionDenied. Runs full_clean()
    (IIN check digit, e-mail format) and records ``registry.person.created``.
    """
    _require_writer(actor)
    _check_fields(fields)
    person = Person(**fields)
    person.search_text = _person_search_text(person)
    person.full_clean()
    person.save()
    audit_record(actor=actor, action="registry.person.created", target=person, after=snapshot(person))
    return person


@transaction.atomic
def person_update(*, actor: Any, person: Person, changes: Mapping[str, Any]) -> Person:
    """Apply ``changes`` to a person. A change that alters nothing writes nothing.

    Needs a registry writer, else PermissionDenied. Locks the row, runs full_clean() and records
    ``registry.person.updated`` with the fields before and after.
    """
    _require_writer(actor)
    _check_fields(changes)
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = snapshot(person)
    for name, value in changes.items():
        setattr(person, name, value)
    person.search_text = _person_search_text(person)
    after = snapshot(person)
    if after == before:
        return person
    person.full_clean()
    person.save()
    audit_record(actor=actor, action="registry.person.updated", target=person, before=before, after=snapshot(person))
    return person


@transaction.atomic
def employment_create(
    *,
    actor: Any,
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
    _require_writer(actor)
    employment = Employment(person=person, school=school, position=position, starts_on=starts_on, ends_on=ends_on)
    employment.full_clean()
    employment.save()
    audit_record(actor=actor, action="registry.employment.created", target=employment, after=snapshot(employment))
    return employment
