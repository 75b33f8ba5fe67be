"""The move of Membership from accounts to access keeps every row (django-test-migrations).

Memberships of every role are written on the old schema (accounts.Membership, before access
existed), with a link assignment pointing to one of them; the move is applied; every row is found
in access.Membership with the same fields, and the link assignment still points to it.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection
from django_test_migrations import sql

from shamy.core.db import KAZAKH_COLLATION

OLD = [
    ("accounts", "0003_membership_programme_roles"),
    ("programmes", "0001_initial"),
    ("registry", "0002_school_name_kk_kazakh_index"),
]
NEW = [("access", "0002_membership_table"), ("accounts", "0004_delete_membership")]
FIELDS = ("user_id", "role", "region_id", "school_id", "programme_id", "cohort_id", "starts_on", "ends_on")


def _drop_everything() -> None:
    """Start from a database that never had Shamy. The migrator drops the tables itself, but not
    the Kazakh ICU collation that registry 0001 creates on PostgreSQL, which it then creates again."""
    sql.drop_models_tables(DEFAULT_DB_ALIAS, no_style())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'DROP COLLATION IF EXISTS "{KAZAKH_COLLATION}"')


@pytest.mark.django_db(transaction=True)
def test_every_membership_survives_the_move_to_access(migrator):
    _drop_everything()
    old = migrator.apply_initial_migration(OLD)
    User = old.apps.get_model("accounts", "User")
    Membership = old.apps.get_model("accounts", "Membership")
    Region = old.apps.get_model("registry", "Region")
    District = old.apps.get_model("registry", "District")
    School = old.apps.get_model("registry", "School")
    Programme = old.apps.get_model("programmes", "Programme")
    Cohort = old.apps.get_model("programmes", "Cohort")
    CohortSchool = old.apps.get_model("programmes", "CohortSchool")
    LinkAssignment = old.apps.get_model("programmes", "LinkAssignment")

    region = Region.objects.create(
        kato="19", name_kk="Алматы облысы", name_ru="Алматинская область", name_en="Almaty Region"
    )
    district = District.objects.create(region=region, kato="195200", name_kk="Ұйғыр ауданы", name_ru="Уйгурский")
    school = School.objects.create(
        region=region, district=district, name_kk="Ақсу мектебі", name_ru="Школа Аксу", locality="rural"
    )
    programme = Programme.objects.create(
        name_kk="Бағдарлама",
        name_ru="Программа",
        name_en="Programme",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
    )
    cohort = Cohort.objects.create(
        programme=programme,
        name_kk="2026",
        name_ru="2026",
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2027, 6, 30),
    )
    cohort_school = CohortSchool.objects.create(cohort=cohort, school=school)

    grants = [
        {"role": "system_admin"},
        {"role": "ministry_analyst", "ends_on": datetime.date(2030, 1, 1)},
        {"role": "regional_analyst", "region": region},
        {"role": "school_principal", "school": school},
        {"role": "school_principal", "school": school, "programme": programme},
        {"role": "coordinator", "programme": programme},
        {"role": "school_facilitator", "school": school, "programme": programme, "cohort": cohort},
        {"role": "link_facilitator", "programme": programme},
        {"role": "teacher", "school": school, "programme": programme, "cohort": cohort},
        {"role": "certifier", "programme": programme},
        {"role": "observer", "programme": programme},
    ]
    before = {}
    for number, grant in enumerate(grants):
        user = User.objects.create(email=f"person{number}@example.kz", full_name=f"Person {number}")
        membership = Membership.objects.create(user=user, starts_on=datetime.date(2026, 1, 1), **grant)
        before[membership.pk] = tuple(getattr(membership, name) for name in FIELDS)
    link = Membership.objects.get(role="link_facilitator")
    assignment = LinkAssignment.objects.create(membership=link, cohort_school=cohort_school)
    assert {row[1] for row in before.values()} == {
        "system_admin",
        "ministry_analyst",
        "regional_analyst",
        "school_principal",
        "coordinator",
        "school_facilitator",
        "link_facilitator",
        "teacher",
        "certifier",
        "observer",
    }

    new = migrator.apply_tested_migration(NEW)
    Moved = new.apps.get_model("access", "Membership")
    after = {m.pk: tuple(getattr(m, name) for name in FIELDS) for m in Moved.objects.all()}
    assert after == before
    assert Moved._meta.db_table == "access_membership"
    with pytest.raises(LookupError):
        new.apps.get_model("accounts", "Membership")
    moved_assignment = new.apps.get_model("programmes", "LinkAssignment").objects.get(pk=assignment.pk)
    assert moved_assignment.membership_id == link.pk
    assert moved_assignment.membership.role == "link_facilitator"
    # New grants continue the same key sequence (no clash with the rows kept).
    extra = Moved.objects.create(user_id=link.user_id, role="system_admin", starts_on=datetime.date(2026, 2, 1))
    assert extra.pk not in before
    migrator.reset()
