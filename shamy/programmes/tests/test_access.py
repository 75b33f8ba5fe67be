import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from shamy.access.context import access_for
from shamy.access.models import Membership
from shamy.access.roles import Role
from shamy.programmes.models import Cohort, Programme

pytestmark = pytest.mark.django_db


def test_roles_for_each_persona(programme_cast):
    c = programme_cast
    p = c.programme
    assert access_for(c.aliya).programme_roles(p) == {Role.COORDINATOR}
    assert access_for(c.timur).programme_roles(p) == {Role.SCHOOL_FACILITATOR}
    assert access_for(c.madina).programme_roles(p) == {Role.LINK_FACILITATOR}
    assert access_for(c.serik).programme_roles(p) == {Role.CERTIFIER}
    assert access_for(c.talgat).programme_roles(p) == {Role.TEACHER}
    assert access_for(c.nurlan).programme_roles(p) == {Role.OBSERVER}
    assert access_for(c.bolat).programme_roles(p) == {Role.SCHOOL_PRINCIPAL}
    assert access_for(c.erbol).programme_roles(p) == set()
    assert access_for(c.erbol).programme_roles(c.other_programme) == {Role.COORDINATOR}
    for outsider in (c.aigerim, c.dana, c.kairat, c.olzhas, None):
        assert access_for(outsider).programme_roles(p) == set()


def test_school_ids_by_role(programme_cast):
    c = programme_cast
    p = c.programme
    a1, b1 = c.school_a1.pk, c.school_b1.pk
    assert access_for(c.aliya).programme_school_ids(p) == {a1, b1}
    assert access_for(c.timur).programme_school_ids(p) == {a1}
    assert access_for(c.madina).programme_school_ids(p) == {a1}
    assert access_for(c.talgat).programme_school_ids(p) == {a1}
    assert access_for(c.tomiris).programme_school_ids(p) == {b1}
    assert access_for(c.saule).programme_school_ids(p) == {b1}
    assert access_for(c.serik).programme_school_ids(p) == frozenset()
    assert access_for(c.nurlan).programme_school_ids(p) == frozenset()
    assert access_for(c.erbol).programme_school_ids(p) == frozenset()
    assert access_for(c.erbol).programme_school_ids(c.other_programme) == {c.school_a2.pk}
    assert access_for(c.timur).programme_school_ids(p, role=Role.TEACHER) == frozenset()


def test_visible_programmes_and_cohorts(programme_cast):
    c = programme_cast
    both = {c.programme.pk, c.other_programme.pk}
    assert set(Programme.objects.restrict(c.aigerim, "view").values_list("pk", flat=True)) == both
    assert set(Programme.objects.restrict(c.dana, "view").values_list("pk", flat=True)) == both
    assert set(Programme.objects.restrict(c.talgat, "view").values_list("pk", flat=True)) == {c.programme.pk}
    assert set(Programme.objects.restrict(c.erbol, "view").values_list("pk", flat=True)) == {c.other_programme.pk}
    for name in ("kairat", "olzhas", "anonymous"):
        assert not Programme.objects.restrict(c.user(name), "view").exists()
    cohorts = {c.cohort_a.pk, c.cohort_b.pk}
    assert set(Cohort.objects.restrict(c.aliya, "view").values_list("pk", flat=True)) == cohorts
    assert set(Cohort.objects.restrict(c.nurlan, "view").values_list("pk", flat=True)) == cohorts
    assert set(Cohort.objects.restrict(c.timur, "view").values_list("pk", flat=True)) == {c.cohort_a.pk}
    assert set(Cohort.objects.restrict(c.madina, "view").values_list("pk", flat=True)) == {c.cohort_a.pk}
    assert set(Cohort.objects.restrict(c.tomiris, "view").values_list("pk", flat=True)) == {c.cohort_b.pk}
    assert set(Cohort.objects.restrict(c.erbol, "view").values_list("pk", flat=True)) == {c.other_cohort.pk}
    assert not Cohort.objects.restrict(c.kairat, "view").exists()


def test_helpers(programme_cast):
    c = programme_cast
    assert access_for(c.aliya).is_coordinator(c.programme)
    assert not access_for(c.aliya).is_coordinator(c.other_programme)
    assert not access_for(c.aigerim).is_coordinator(c.programme)
    assert access_for(c.dana).can_read_programme(c.programme)
    assert not access_for(c.erbol).can_read_programme(c.programme)
    assert access_for(c.talgat).person == c.person_talgat
    assert access_for(c.olzhas).person is None
    assert access_for(None).person is None


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
