"""Roles are memberships with a scope: the scope rules hold in full_clean and in the database."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from shamy.access.context import access_for
from shamy.access.models import Membership
from shamy.access.roles import Role
from shamy.access.services.memberships import membership_grant
from shamy.audit.models import AuditEntry
from shamy.core.testing.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"role": Role.REGIONAL_ANALYST}, "A regional analyst needs a region."),
        ({"role": Role.SCHOOL_PRINCIPAL}, "A school principal needs a school."),
        (
            {
                "role": Role.MINISTRY_ANALYST,
                "starts_on": datetime.date(2024, 5, 1),
                "ends_on": datetime.date(2024, 4, 30),
            },
            "A membership cannot end before it starts.",
        ),
    ],
)
def test_scope_rules_are_checked_by_full_clean_and_by_the_database(db, fields, message):
    user = UserFactory()
    membership = Membership(user=user, **fields)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert message in str(error.value)
    # Bypassing full_clean does not help: the check constraint refuses the row.
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, **fields)
    assert not Membership.objects.filter(user=user).exists()


def test_valid_scopes_pass_full_clean(cast):
    for membership in (
        Membership(user=cast.olzhas, role=Role.REGIONAL_ANALYST, region=cast.region_b),
        Membership(user=cast.olzhas, role=Role.SCHOOL_PRINCIPAL, school=cast.school_b1),
        Membership(user=cast.olzhas, role=Role.MINISTRY_ANALYST),
    ):
        membership.full_clean()


def test_membership_grant_by_system_admin_is_audited(cast):
    membership = membership_grant(
        actor=cast.aigerim, user=cast.olzhas, role=Role.REGIONAL_ANALYST, region_id=cast.region_b.pk
    )
    assert access_for(cast.olzhas).registry.region_ids == frozenset({cast.region_b.pk})
    entry = AuditEntry.objects.get(action="accounts.membership.granted")
    assert entry.actor == cast.aigerim
    assert entry.actor_label == "Айгерім Сапарова <aigerim@example.kz>"
    assert entry.target_id == str(membership.pk)
    assert entry.before is None
    assert entry.after["role"] == "regional_analyst"
    assert entry.after["region_id"] == cast.region_b.pk
    assert entry.after["user_id"] == cast.olzhas.pk


def test_membership_grant_by_operator_command_has_no_actor(cast):
    membership_grant(actor=None, user=cast.olzhas, role=Role.MINISTRY_ANALYST)
    entry = AuditEntry.objects.get(action="accounts.membership.granted")
    assert entry.actor is None
    assert entry.actor_label == "system"
    assert access_for(cast.olzhas).registry.national


@pytest.mark.parametrize("persona", ["dana", "kairat", "bolat", "saule", "olzhas"])
def test_only_a_system_admin_may_grant_memberships(cast, persona):
    with pytest.raises(PermissionDenied):
        membership_grant(actor=cast.user(persona), user=cast.olzhas, role=Role.SYSTEM_ADMIN)
    assert not access_for(cast.olzhas).is_system_admin
    assert not AuditEntry.objects.filter(action="accounts.membership.granted").exists()


def test_membership_grant_refuses_a_missing_scope_and_writes_nothing(cast):
    with pytest.raises(ValidationError):
        membership_grant(actor=cast.aigerim, user=cast.olzhas, role=Role.REGIONAL_ANALYST)
    with pytest.raises(ValidationError):
        membership_grant(actor=cast.aigerim, user=cast.olzhas, role=Role.SCHOOL_PRINCIPAL)
    assert not Membership.objects.filter(user=cast.olzhas, role__in=[Role.REGIONAL_ANALYST, Role.SCHOOL_PRINCIPAL])
    assert not AuditEntry.objects.exists()


def test_ended_membership_grants_nothing(cast):
    # olzhas held a ministry membership in 2019.
    assert Membership.objects.filter(user=cast.olzhas).count() == 1
    assert not access_for(cast.olzhas).registry.any
    assert not access_for(cast.olzhas).has_role(Role.MINISTRY_ANALYST)


def test_membership_is_active_from_its_first_to_its_last_day(cast):
    today = timezone.localdate()
    user = UserFactory()
    MembershipFactory(user=user, role=Role.REGIONAL_ANALYST, region=cast.region_a, starts_on=today, ends_on=today)
    MembershipFactory(
        user=user, role=Role.SCHOOL_PRINCIPAL, school=cast.school_b1, starts_on=today + datetime.timedelta(days=1)
    )
    scope = access_for(user).registry
    assert scope.region_ids == frozenset({cast.region_a.pk})
    assert scope.school_ids == frozenset()
    tomorrow = today + datetime.timedelta(days=1)
    assert set(Membership.objects.filter(user=user).active(on=tomorrow).values_list("role", flat=True)) == {
        Role.SCHOOL_PRINCIPAL
    }


def test_inactive_account_has_no_scope(cast):
    cast.dana.is_active = False
    cast.dana.save(update_fields=["is_active"])
    assert not access_for(cast.dana).registry.any


def test_anonymous_has_no_scope(db):
    from django.contrib.auth.models import AnonymousUser

    assert not access_for(AnonymousUser()).registry.any
    assert not access_for(None).registry.any


def test_membership_grant_records_the_new_membership(cast):
    membership = membership_grant(
        actor=cast.aigerim, user=cast.olzhas, role=Role.SCHOOL_PRINCIPAL, school_id=cast.school_b1.pk
    )
    entry = AuditEntry.objects.get(action="accounts.membership.granted")
    assert entry.before is None
    assert entry.after["id"] == membership.pk
    assert entry.after["school_id"] == cast.school_b1.pk
    assert entry.target_type.model == "membership"


def test_every_access_service_is_audited_here():
    """A new writing service in shamy.access fails this until it has its audit test above."""
    import inspect

    from shamy.access.services import memberships

    public = {
        name
        for name, function in inspect.getmembers(memberships, inspect.isfunction)
        if function.__module__ == memberships.__name__ and not name.startswith("_")
    }
    assert public == {"membership_grant"}
