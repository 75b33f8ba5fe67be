import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from shamy.accounts.models import Membership, Role
from shamy.programmes.access import (
    can_read_programme,
    is_coordinator,
    person_for,
    programme_school_ids,
    roles_for,
)
from shamy.programmes.models import Cohort, Programme

pytestmark = pytest.mark.django_db


def test_roles_for_each_persona(programme_cast):
    c = programme_cast
    p = c.programme
    assert roles_for(c.aliya, p) == {Role.COORDINATOR}
    assert roles_for(c.timur, p) == {Role.SCHOOL_FACILITATOR}
    assert roles_for(c.madina, p) == {Role.LINK_FACILITATOR}
    assert roles_for(c.serik, p) == {Role.CERTIFIER}
    assert roles_for(c.talgat, p) == {Role.TEACHER}
    assert roles_for(c.nurlan, p) == {Role.OBSERVER}
    assert roles_for(c.bolat, p) == {Role.SCHOOL_PRINCIPAL}
    assert roles_for(c.erbol, p) == set()
    assert roles_for(c.erbol, c.other_programme) == {Role.COORDINATOR}
    for outsider in (c.aigerim, c.dana, c.kairat, c.olzhas, None):
        assert roles_for(outsider, p) == set()


def test_school_ids_by_role(programme_cast):
    c = programme_cast
    p = c.programme
    a1, b1 = c.school_a1.pk, c.school_b1.pk
    assert programme_school_ids(c.aliya, p) == {a1, b1}
    assert programme_school_ids(c.timur, p) == {a1}
    assert programme_school_ids(c.madina, p) == {a1}
    assert programme_school_ids(c.talgat, p) == {a1}
    assert programme_school_ids(c.tomiris, p) == {b1}
    assert programme_school_ids(c.saule, p) == {b1}
    assert programme_school_ids(c.serik, p) == frozenset()
    assert programme_school_ids(c.nurlan, p) == frozenset()
    assert programme_school_ids(c.erbol, p) == frozenset()
    assert programme_school_ids(c.erbol, c.other_programme) == {c.school_a2.pk}
    assert programme_school_ids(c.timur, p, role=Role.TEACHER) == frozenset()


def test_visible_programmes_and_cohorts(programme_cast):
    c = programme_cast
    both = {c.programme.pk, c.other_programme.pk}
    assert set(Programme.objects.visible_to(c.aigerim).values_list("pk", flat=True)) == both
    assert set(Programme.objects.visible_to(c.dana).values_list("pk", flat=True)) == both
    assert set(Programme.objects.visible_to(c.talgat).values_list("pk", flat=True)) == {c.programme.pk}
    assert set(Programme.objects.visible_to(c.erbol).values_list("pk", flat=True)) == {c.other_programme.pk}
    for name in ("kairat", "olzhas", "anonymous"):
        assert not Programme.objects.visible_to(c.user(name)).exists()
    cohorts = {c.cohort_a.pk, c.cohort_b.pk}
    assert set(Cohort.objects.visible_to(c.aliya).values_list("pk", flat=True)) == cohorts
    assert set(Cohort.objects.visible_to(c.nurlan).values_list("pk", flat=True)) == cohorts
    assert set(Cohort.objects.visible_to(c.timur).values_list("pk", flat=True)) == {c.cohort_a.pk}
    assert set(Cohort.objects.visible_to(c.madina).values_list("pk", flat=True)) == {c.cohort_a.pk}
    assert set(Cohort.objects.visible_to(c.tomiris).values_list("pk", flat=True)) == {c.cohort_b.pk}
    assert set(Cohort.objects.visible_to(c.erbol).values_list("pk", flat=True)) == {c.other_cohort.pk}
    assert not Cohort.objects.visible_to(c.kairat).exists()


def test_helpers(programme_cast):
    c = programme_cast
    assert is_coordinator(c.aliya, c.programme)
    assert not is_coordinator(c.aliya, c.other_programme)
    assert not is_coordinator(c.aigerim, c.programme)
    assert can_read_programme(c.dana, c.programme)
    assert not can_read_programme(c.erbol, c.programme)
    assert person_for(c.talgat) == c.person_talgat
    assert person_for(c.olzhas) is None
    assert person_for(None) is None


def test_constraints_reject_programme_role_without_scope(programme_cast):
    c = programme_cast
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=c.olzhas, role=Role.COORDINATOR)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=c.olzhas, role=Role.TEACHER, programme=c.programme)
    membership = Membership(
        user=c.olzhas, role=Role.TEACHER, programme=c.other_programme, cohort=c.cohort_a, school=c.school_a1
    )
    with pytest.raises(ValidationError):
        membership.full_clean()
