"""Country registries (issue 17): one country's data is separated from another's by the access model.

The authorization matrix: a Kazakh reader (the ministry analyst ``dana``, and a country
administrator of Kazakhstan), a Kyrgyz country administrator, the system administrator and an
anonymous visitor, each against a Kazakh and a Kyrgyz region, school, person and programme, on the
list pages, the detail pages, the API and the exports. Deny by default: a country administrator
never sees another country's rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from shamy.access.context import access_for
from shamy.access.roles import Role
from shamy.access.services.memberships import membership_grant
from shamy.accounts.services.users import api_token_create
from shamy.analytics.permissions import regions_for_analytics
from shamy.core.countries import Country
from shamy.core.rules import rule_for
from shamy.core.testing.factories import (
    DistrictFactory,
    EmploymentFactory,
    PersonFactory,
    RegionFactory,
    SchoolFactory,
    UserFactory,
)
from shamy.programmes.models import Cohort, CohortSchool, Programme
from shamy.registry.models import Person, Region, School

KZ = Country.KAZAKHSTAN
KG = Country.KYRGYZSTAN


@dataclass
class World:
    kz_region: Region
    kg_region: Region
    kz_school: School
    kg_school: School
    kz_person: Person
    kg_person: Person
    kz_programme: Programme
    kg_programme: Programme
    users: dict[str, Any]


def _programme(country: str, name: str, school: School) -> Programme:
    programme = Programme.objects.create(
        name_kk=name,
        name_ru=name,
        name_en=name,
        country=country,
        starts_on=datetime.date(2026, 8, 1),
        ends_on=datetime.date(2027, 6, 30),
    )
    cohort = Cohort.objects.create(
        programme=programme,
        name_kk="Топ",
        name_ru="Поток",
        name_en="Cohort",
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2027, 5, 31),
    )
    CohortSchool.objects.create(cohort=cohort, school=school)
    return programme


@pytest.fixture
def world(cast) -> World:
    kg_region = RegionFactory(country=KG, kato="08", name_kk="Шу облысы", name_ru="Чуйская область", name_en="Chüy")
    kg_school = SchoolFactory(
        region=kg_region,
        district=DistrictFactory(region=kg_region, kato="KG0801"),
        name_kk="Сокулук мектебі",
        name_ru="Сокулукская школа",
        bin=None,
    )
    kg_person = PersonFactory(surname="Осмонов", given_name="Бакыт", iin=None)
    EmploymentFactory(person=kg_person, school=kg_school)
    kz_admin, kg_admin = UserFactory(), UserFactory()
    membership_grant(actor=cast.aigerim, user=kz_admin, role=Role.COUNTRY_ADMIN, country=KZ)
    membership_grant(actor=cast.aigerim, user=kg_admin, role=Role.COUNTRY_ADMIN, country=KG)
    return World(
        kz_region=cast.region_a,
        kg_region=kg_region,
        kz_school=cast.school_a1,
        kg_school=kg_school,
        kz_person=cast.teacher_a1,
        kg_person=kg_person,
        kz_programme=_programme(KZ, "Қазақстан бағдарламасы", cast.school_a1),
        kg_programme=_programme(KG, "Кыргызстан программасы", kg_school),
        users={
            "aigerim": cast.aigerim,
            "dana": cast.dana,
            "kz_admin": kz_admin,
            "kg_admin": kg_admin,
            "anonymous": None,
        },
    )


# Which country's rows each persona sees: the system administrator both, a Kazakh reader (the
# ministry analyst, Kazakhstan's country administrator) Kazakhstan's, the Kyrgyz administrator
# Kyrgyzstan's, an anonymous visitor nothing.
SEES = {
    "aigerim": {KZ, KG},
    "dana": {KZ},
    "kz_admin": {KZ},
    "kg_admin": {KG},
    "anonymous": set(),
}
PERSONAS = sorted(SEES)


def _client(client, world: World, persona: str):
    user = world.users[persona]
    if user is not None:
        client.force_login(user)
    return client


def _objects(world: World, country: str) -> tuple[Region, School, Person, Programme]:
    if country == KZ:
        return world.kz_region, world.kz_school, world.kz_person, world.kz_programme
    return world.kg_region, world.kg_school, world.kg_person, world.kg_programme


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("country", [KZ, KG])
def test_detail_pages_open_only_in_the_personas_countries(client, world, persona, country):
    region, school, person, programme = _objects(world, country)
    client = _client(client, world, persona)
    urls = [
        reverse("registry:region-detail", args=[region.pk]),
        reverse("registry:school-detail", args=[school.pk]),
        reverse("registry:person-detail", args=[person.pk]),
        reverse("programmes:programme-detail", args=[programme.pk]),
    ]
    for url in urls:
        response = client.get(url)
        if persona == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
        elif country in SEES[persona]:
            assert response.status_code == 200, url
        else:
            assert response.status_code == 404, url


@pytest.mark.parametrize("persona", PERSONAS)
def test_list_pages_and_exports_hold_only_the_personas_countries(client, world, persona):
    client = _client(client, world, persona)
    pages = {
        "regions": (reverse("registry:region-list"), lambda c: _objects(world, c)[0].name_kk),
        "schools": (reverse("registry:school-list"), lambda c: _objects(world, c)[1].name_kk),
        "csv": (reverse("registry:school-list") + "?export=csv", lambda c: _objects(world, c)[1].name_kk),
        "programmes": (reverse("programmes:programme-list"), lambda c: _objects(world, c)[3].name_kk),
    }
    for name, (url, marker) in pages.items():
        response = client.get(url)
        if persona == "anonymous":
            assert response.status_code == 302, name
            continue
        assert response.status_code == 200, name
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8-sig")
        for country in (KZ, KG):
            assert (marker(country) in text) == (country in SEES[persona]), (name, country)


def test_xlsx_export_of_a_country_administrator_holds_only_their_schools(client, world):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(world.users["kg_admin"])
    response = client.get(reverse("registry:school-list") + "?export=xlsx")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(BytesIO(body)).active
    cells = {str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None}
    assert world.kg_school.name_kk in cells
    assert world.kz_school.name_kk not in cells and cells.isdisjoint(
        {s.name_kk for s in School.objects.filter(region__country=KZ)}
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_answers_only_for_the_personas_countries(client, world, persona):
    user = world.users[persona]
    headers = {}
    if user is not None:
        _token, raw = api_token_create(actor=user, name="test")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    schools = client.get(reverse("api:school-list") + "?limit=200", **headers)
    regions = client.get(reverse("api:region-list"), **headers)
    if persona == "anonymous":
        assert schools.status_code == regions.status_code == 401
    else:
        school_ids = {item["id"] for item in schools.json()["items"]}
        region_ids = {item["id"] for item in regions.json()}
        for country in (KZ, KG):
            region, school, _person, _programme = _objects(world, country)
            seen = country in SEES[persona]
            assert (school.pk in school_ids) == seen
            assert (region.pk in region_ids) == seen
    for country in (KZ, KG):
        region, school, _person, _programme = _objects(world, country)
        detail = client.get(reverse("api:school-detail", args=[school.pk]), **headers)
        by_code = client.get(reverse("api:region-detail", args=[region.kato]) + f"?country={country}", **headers)
        expected = 401 if persona == "anonymous" else 200 if country in SEES[persona] else 404
        assert detail.status_code == by_code.status_code == expected


def test_a_country_administrator_reads_no_other_apps_programme_rows_and_no_analytics(world):
    kg_admin = access_for(world.users["kg_admin"])
    assert not kg_admin.is_national and not kg_admin.analytics.any
    assert regions_for_analytics(kg_admin) is False
    assert kg_admin.can_read_programme(world.kg_programme)
    assert not kg_admin.can_read_programme(world.kz_programme.pk)
    assert not kg_admin.is_coordinator(world.kg_programme)


def test_national_analytics_are_the_home_countrys(world):
    regions = set(Region.objects.restrict(world.users["dana"], "analytics"))
    assert world.kz_region in regions and world.kg_region not in regions


def test_the_ministry_analyst_keeps_the_whole_home_country(world, cast):
    """What a national reader saw before partner countries existed, they see now: every Kazakh row."""
    dana = cast.dana
    assert set(School.objects.restrict(dana, "view")) == set(School.objects.filter(region__country=KZ))
    assert set(Region.objects.restrict(dana, "view")) == set(Region.objects.filter(country=KZ))
    assert set(Programme.objects.restrict(dana, "view")) == {world.kz_programme}


def test_country_administrator_needs_a_country_and_only_they_have_one(cast):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        membership_grant(actor=cast.aigerim, user=cast.olzhas, role=Role.COUNTRY_ADMIN)
    with pytest.raises(ValidationError):
        membership_grant(actor=cast.aigerim, user=cast.olzhas, role=Role.MINISTRY_ANALYST, country=KG)
    with pytest.raises(ValidationError):
        membership_grant(actor=cast.aigerim, user=cast.olzhas, role=Role.COUNTRY_ADMIN, country=Country.OTHER)


def test_only_a_system_administrator_grants_the_country_role(cast):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        membership_grant(actor=cast.dana, user=cast.olzhas, role=Role.COUNTRY_ADMIN, country=KG)


def test_school_list_query_count_is_constant_for_a_country_administrator(
    client, world, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from shamy.registry import school_counts

    school_counts.refresh()  # the regions' school numbers, as after any committed write
    client.force_login(world.users["kg_admin"])
    url = reverse("registry:school-list")
    client.get(url)  # warm the session, content types and the table cache
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):  # a committed write: the cached table is stale
        SchoolFactory.create_batch(20, region=world.kg_region)
    # + the page's rows (the total: the regions' stored school numbers, read with the filter's).
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.count(b"registry/schools/") >= 21
    with django_assert_num_queries(4):
        client.get(url)


def test_programme_list_query_count_is_constant_for_a_country_administrator(client, world, django_assert_num_queries):
    client.force_login(world.users["kg_admin"])
    url = reverse("programmes:programme-list")
    client.get(url)
    with django_assert_num_queries(4) as first:
        client.get(url)
    for number in range(5):
        _programme(KG, f"Программа {number}", world.kg_school)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(url)
    assert response.content.count("Программа ".encode()) >= 5


def test_people_employed_nowhere_stay_with_the_home_countrys_readers(world):
    """A partner's staff member or a trainer works at no school: the ministry analyst saw them
    before countries existed and still does; a Kyrgyz administrator does not."""
    unattached = PersonFactory(surname="Серіков")
    assert unattached in Person.objects.restrict(world.users["dana"], "view")
    assert unattached in Person.objects.restrict(world.users["kz_admin"], "view")
    assert unattached not in Person.objects.restrict(world.users["kg_admin"], "view")
    assert world.kg_person not in Person.objects.restrict(world.users["dana"], "view")


@pytest.mark.parametrize(
    "label",
    [
        "attendance.Gathering",
        "operators.OperatorAgreement",
        "operators.TrainingDay",
        "operators.Event",
        "fellowship.FellowshipCohort",
        "fellowship.Fellow",
        "results.ResultsIndicator",
        "results.DonorReport",
        "surveys.Survey",
    ],
)
def test_the_programme_apps_give_national_readers_their_countrys_programmes_only(world, label):
    """The apps above the programmes read a programme's rows for national readers through the
    programme's country: the ministry analyst reaches no Kyrgyz programme's rows by id, the system
    administrator every country's, a country administrator none (deny by default)."""
    from django.apps import apps

    model = apps.get_model(label)
    for persona in ("aigerim", "dana", "kz_admin", "kg_admin"):
        rows = model.objects.restrict(world.users[persona], "view")
        assert rows.count() == 0  # no rows in this world: the rule's query is valid for each persona
    rule = rule_for(model, "view")
    national = rule(access_for(world.users["dana"]))
    assert national is not True and "'KZ'" in str(national) and "'KG'" not in str(national)
    assert rule(access_for(world.users["aigerim"])) is True
    assert rule(access_for(world.users["kg_admin"])) is not True
