"""Creating a partner country's registry (issue 17): regions, districts and schools through the
import path, each with a country; the country administrator's grant; the Kyrgyz demo."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from shamy.access.context import access_for
from shamy.access.models import Membership
from shamy.access.roles import Role
from shamy.accounts.models import User
from shamy.audit.models import AuditEntry
from shamy.core.countries import Country
from shamy.core.testing.factories import RegionFactory
from shamy.imports.kinds import importer_for
from shamy.imports.models import ImportJob
from shamy.imports.services.jobs import job_commit, job_create
from shamy.imports.tests.helpers import csv_bytes, upload
from shamy.programmes.demo_countries import KG_ADMIN_EMAIL, country_demo_load
from shamy.programmes.models import Programme
from shamy.registry.models import District, Region, School

KG = Country.KYRGYZSTAN

REGIONS = [
    ["country", "kato", "name_kk", "name_ru", "name_en", "kind"],
    ["KG", "08", "Шу облысы", "Чуйская область", "Chüy Region", "region"],
    ["Кыргызстан", "11", "Бішкек қаласы", "город Бишкек", "Bishkek", "city"],
]


def _import(actor, kind: str, rows) -> ImportJob:
    job = job_create(actor=actor, kind=kind, upload=upload(csv_bytes(rows), name=f"{kind}.csv"))
    assert job.status == ImportJob.Status.VALIDATED, job.preview
    job_commit(actor=actor, job=job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    return job


def test_a_system_administrator_imports_a_countrys_regions_districts_and_schools(cast):
    RegionFactory(country=Country.KAZAKHSTAN, kato="08", name_ru="Казахстанская область 08")  # the same code
    _import(cast.aigerim, "regions", REGIONS)
    chuy = Region.objects.get(country=KG, kato="08")
    assert (chuy.name_ru, chuy.kind) == ("Чуйская область", Region.Kind.REGION)
    assert Region.objects.get(country=KG, kato="11").kind == Region.Kind.CITY
    assert AuditEntry.objects.filter(action="registry.region.created").count() == 2
    again = job_create(actor=cast.aigerim, kind="regions", upload=upload(csv_bytes(REGIONS), name="regions.csv"))
    assert [row["action"] for row in again.preview["rows"]] == ["unchanged", "unchanged"]

    _import(
        cast.aigerim,
        "districts",
        [
            ["country", "region", "kato", "name_kk", "name_ru", "name_en"],
            ["KG", "Чуйская область", "KG0801", "Сокулук ауданы", "Сокулукский район", "Sokuluk District"],
        ],
    )
    district = District.objects.get(kato="KG0801")
    assert district.region == chuy

    _import(
        cast.aigerim,
        "schools",
        [
            ["external_id", "name_kk", "name_ru", "country", "region", "district", "locality"],
            ["KG-1", "№1 мектеп", "Школа №1", "KG", "08", "Сокулукский район", "rural"],
            ["KZ-1", "№2 мектеп", "Школа №2", "", "08", "", "urban"],
        ],
    )
    assert School.objects.get(external_id="KG-1").region == chuy  # code 08 of Kyrgyzstan
    assert School.objects.get(external_id="KG-1").district == district
    assert School.objects.get(external_id="KZ-1").region.country == Country.KAZAKHSTAN  # no country: Kazakhstan


def test_a_region_of_another_country_is_not_found_by_name(cast):
    _import(cast.aigerim, "regions", REGIONS)
    job = job_create(
        actor=cast.aigerim,
        kind="schools",
        upload=upload(
            csv_bytes(
                [
                    ["external_id", "name_kk", "name_ru", "region", "locality"],
                    ["X", "а", "б", "Чуйская область", "rural"],
                ]
            )
        ),
    )
    assert job.status != ImportJob.Status.VALIDATED
    assert job.preview["rows"][0]["action"] == "error"  # no Kazakh region has that name


@pytest.mark.parametrize("persona", ["dana", "kairat", "bolat", "olzhas", "anonymous"])
def test_only_system_administrators_import_regions_and_districts(cast, persona):
    for kind in ("regions", "districts"):
        importer = importer_for(kind)
        assert importer is not None and not importer.allowed(cast.user(persona))
    assert importer_for("regions").allowed(cast.aigerim)  # type: ignore[union-attr]


def test_country_admin_grant_command_creates_the_account_and_audits_the_grant(cast):
    out = StringIO()
    call_command("country_admin_grant", email="Admin@Partner.kg", country="KG", by=cast.aigerim.email, stdout=out)
    user = User.objects.get(email="admin@partner.kg")
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.country) == (Role.COUNTRY_ADMIN, KG)
    entry = AuditEntry.objects.get(action="accounts.membership.granted", target_id=str(membership.pk))
    assert entry.actor == cast.aigerim
    assert access_for(user).countries == {KG}


def test_country_admin_grant_refuses_an_actor_who_is_not_a_system_administrator(cast):
    with pytest.raises(CommandError):
        call_command(
            "country_admin_grant", email=cast.olzhas.email, country="KG", by=cast.dana.email, stdout=StringIO()
        )
    assert not Membership.objects.filter(user=cast.olzhas, role=Role.COUNTRY_ADMIN).exists()


def test_the_kyrgyz_demo_loads_once_and_its_administrator_sees_only_kyrgyzstan(db, settings):
    settings.SHAMY_DEMO_ALLOWED = True
    first = country_demo_load()
    assert not first.already_loaded
    assert first.counts == {"regions": 4, "districts": 4, "schools": 10, "people": 20, "programmes": 1}
    assert country_demo_load().already_loaded
    assert School.objects.filter(region__country=KG, is_demo=False).count() == 0
    admin = User.objects.get(email=KG_ADMIN_EMAIL)
    assert set(School.objects.restrict(admin, "view")) == set(School.objects.filter(region__country=KG))
    assert list(Programme.objects.restrict(admin, "view")) == list(Programme.objects.filter(country=KG))
    assert AuditEntry.objects.filter(action="programmes.demo_countries.loaded").count() == 1
