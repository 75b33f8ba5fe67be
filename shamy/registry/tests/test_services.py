"""The registry write services the importers call: audit entries, full_clean, search text, permissions."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shamy.audit.models import AuditEntry
from shamy.core.testing.factories import valid_bin, valid_iin
from shamy.core.text import search_key
from shamy.registry.models import Locality
from shamy.registry.services.people import employment_create, person_create, person_update
from shamy.registry.services.schools import school_create, school_update

pytestmark = pytest.mark.django_db


def _school(cast, **extra):
    fields = {"name_kk": "Ақсу мектебі", "name_ru": "Школа Аксу", "region": cast.region_a, "locality": Locality.RURAL}
    return school_create(actor=cast.aigerim, fields=fields | extra)


def test_school_create_cleans_saves_indexes_and_audits(cast):
    school = _school(cast, bin=valid_bin(1))
    assert school.pk is not None
    assert school.search_text == search_key("Ақсу мектебі", "Школа Аксу")
    entry = AuditEntry.objects.get(action="registry.school.created")
    assert (entry.target_id, entry.after["bin"], entry.before) == (str(school.pk), valid_bin(1), None)
    assert entry.after is not None
    assert "search_text" not in entry.after


def test_school_create_refuses_invalid_values(cast):
    with pytest.raises(ValidationError):
        _school(cast, bin="123456789012")
    with pytest.raises(ValidationError):
        _school(cast, grade_from=9, grade_to=4)
    assert not AuditEntry.objects.filter(action="registry.school.created").exists()


def test_school_update_records_before_and_after_and_refreshes_search_text(cast):
    school = _school(cast)
    school_update(actor=cast.aigerim, school=school, changes={"name_ru": "Школа Жана Аксу", "pupils": 50})
    school.refresh_from_db()
    assert school.search_text == search_key("Ақсу мектебі", "Школа Жана Аксу")
    entry = AuditEntry.objects.get(action="registry.school.updated")
    assert (entry.before["name_ru"], entry.after["name_ru"]) == ("Школа Аксу", "Школа Жана Аксу")


def test_school_update_that_changes_nothing_writes_nothing(cast):
    school = _school(cast, pupils=10)
    updated_at = school.updated_at
    school_update(actor=cast.aigerim, school=school, changes={"pupils": 10, "name_kk": "Ақсу мектебі"})
    school.refresh_from_db()
    assert school.updated_at == updated_at
    assert not AuditEntry.objects.filter(action="registry.school.updated").exists()


def test_unknown_fields_are_a_programming_error(cast):
    with pytest.raises(TypeError):
        _school(cast, search_text="x")


@pytest.mark.parametrize("persona", ["dana", "kairat", "bolat", "saule", "olzhas", "anonymous"])
def test_only_system_administrators_write_the_registry(cast, persona):
    actor = cast.user(persona)
    with pytest.raises(PermissionDenied):
        school_create(
            actor=actor, fields={"name_kk": "А", "name_ru": "Б", "region": cast.region_a, "locality": "rural"}
        )
    with pytest.raises(PermissionDenied):
        school_update(actor=actor, school=cast.school_a1, changes={"pupils": 1})
    with pytest.raises(PermissionDenied):
        person_create(actor=actor, fields={"surname": "А", "given_name": "Б"})
    with pytest.raises(PermissionDenied):
        person_update(actor=actor, person=cast.teacher_a1, changes={"phone": "1"})
    with pytest.raises(PermissionDenied):
        employment_create(
            actor=actor, person=cast.teacher_a1, school=cast.school_a2, starts_on=datetime.date(2024, 9, 1)
        )


def test_person_create_update_and_employment(cast):
    person = person_create(actor=cast.aigerim, fields={"surname": "Әлиев", "given_name": "Нұр", "iin": valid_iin(42)})
    assert person.search_text == search_key("Әлиев", "Нұр")
    person_update(actor=cast.aigerim, person=person, changes={"patronymic": "Серікұлы"})
    person_update(actor=cast.aigerim, person=person, changes={"patronymic": "Серікұлы"})
    employment = employment_create(
        actor=cast.aigerim, person=person, school=cast.school_a1, starts_on=datetime.date(2024, 9, 1)
    )
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions[-3:] == ["registry.person.created", "registry.person.updated", "registry.employment.created"]
    assert employment.position == "teacher"
    with pytest.raises(ValidationError):
        person_create(actor=cast.aigerim, fields={"surname": "А", "given_name": "Б", "iin": valid_iin(42)})
    with pytest.raises(ValidationError):
        employment_create(
            actor=cast.aigerim,
            person=person,
            school=cast.school_a1,
            starts_on=datetime.date(2024, 9, 1),
            ends_on=datetime.date(2024, 1, 1),
        )
