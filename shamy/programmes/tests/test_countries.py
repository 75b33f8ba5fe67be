"""One country's programmes are separated from another's (issue 17), through the one access model.

The authorization matrix (the shared runner, ``shamy.core.testing.matrix``): a Kazakh programme's
coordinator (``aliya``, programme P of the programme cast), a Kazakh country administrator, a
Kyrgyz programme's coordinator and the Kyrgyz country administrator, with the system
administrator, the ministry analyst and an anonymous visitor, against a Kazakh and a Kyrgyz
programme, cohort, school, fellowship cohort and event form. Beside it: the enrolment service and
the forms refuse a school or region of another country with a translated message that names both
countries, and the pick-lists offer only the programme's country.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from shamy.access.context import access_for
from shamy.access.roles import Role
from shamy.access.services.memberships import membership_grant
from shamy.analytics.selectors import programmes_for
from shamy.audit.models import AuditEntry
from shamy.core.countries import Country
from shamy.core.testing.factories import (
    DistrictFactory,
    OrganisationFactory,
    RegionFactory,
    SchoolFactory,
    UserFactory,
)
from shamy.core.testing.fuzz import query_fuzz_test
from shamy.core.testing.matrix import FORBIDDEN, OK, REDIRECT, Expect, Row, Visit, matrix_test
from shamy.fellowship.models import AgreementStatus, FellowshipCohort
from shamy.fellowship.services.school_years import agreement_save
from shamy.operators.services.agreements import agreement_create
from shamy.operators.services.events import event_create
from shamy.programmes.models import Cohort, CohortSchool, Programme
from shamy.programmes.selectors import country_regions, school_search_for_cohort, school_to_enrol
from shamy.programmes.services.enrolment import cohort_school_add, programme_membership_grant
from shamy.programmes.testing import ProgrammeCast
from shamy.registry.models import Organisation, OrganisationKind, Region, School

KZ = Country.KAZAKHSTAN
KG = Country.KYRGYZSTAN
PERSONAS = ("aigerim", "dana", "aliya", "kz_admin", "kg_coordinator", "kg_admin", "anonymous")
# A word both countries' new schools share, so that a search finds both unless the country is kept.
SHARED_WORD = "Көкжиек"


@dataclass
class Countries:
    """The programme cast's Kazakh side and a Kyrgyz side, and who is who in this matrix."""

    cast: ProgrammeCast
    kz_programme: Programme
    kz_cohort: Cohort
    kz_school: School  # in no cohort: a Kazakh coordinator may enrol it
    kz_fellowship: FellowshipCohort
    kg_region: Region
    kg_programme: Programme
    kg_cohort: Cohort
    kg_school: School  # in no cohort: a Kyrgyz coordinator may enrol it
    kg_fellowship: FellowshipCohort
    people: dict[str, Any]

    def user(self, name: str) -> Any:
        return None if name == "anonymous" else self.people[name]


def _programme(country: str, name: str) -> Programme:
    return Programme.objects.create(
        name_kk=name,
        name_ru=name,
        name_en=name,
        country=country,
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2030, 6, 30),
    )


def _cohort(programme: Programme, name: str) -> Cohort:
    return Cohort.objects.create(
        programme=programme,
        name_kk=name,
        name_ru=name,
        name_en=name,
        starts_on=datetime.date(2024, 9, 1),
        ends_on=datetime.date(2030, 5, 31),
    )


@pytest.fixture
def countries(programme_cast: ProgrammeCast) -> Countries:
    cast = programme_cast
    kg_region = RegionFactory(country=KG, kato="03", name_kk="Ыстықкөл облысы", name_ru="Иссык-Кульская область")
    kg_district = DistrictFactory(region=kg_region, kato="KG0301", name_kk="Ысық-Көл ауданы", name_ru="Иссык-Кульский")
    kg_programme = _programme(KG, "Мугалим лидер")
    kg_cohort = _cohort(kg_programme, "Биринчи агым")
    kg_in_cohort = SchoolFactory(region=kg_region, district=kg_district, name_kk="Чолпон-Ата мектеби")
    CohortSchool.objects.create(cohort=kg_cohort, school=kg_in_cohort, joined_on=datetime.date(2024, 9, 1))
    kg_school = SchoolFactory(region=kg_region, district=kg_district, name_kk=f"{SHARED_WORD} мектеби")
    kz_school = SchoolFactory(region=cast.region_a, district=cast.school_a1.district, name_kk=f"{SHARED_WORD} мектебі")
    kz_fellowship_cohort = _cohort(cast.programme, "Стипендиаттар")
    people = {name: getattr(cast, name) for name in ("aigerim", "dana", "aliya")}
    people["kz_admin"] = UserFactory(email="kz-admin@example.kz")
    people["kg_admin"] = UserFactory(email="kg-admin@example.kg")
    people["kg_coordinator"] = UserFactory(email="kg-coordinator@example.kg")
    membership_grant(actor=cast.aigerim, user=people["kz_admin"], role=Role.COUNTRY_ADMIN, country=KZ)
    membership_grant(actor=cast.aigerim, user=people["kg_admin"], role=Role.COUNTRY_ADMIN, country=KG)
    programme_membership_grant(actor=None, user=people["kg_coordinator"], programme=kg_programme, role=Role.COORDINATOR)
    return Countries(
        cast=cast,
        kz_programme=cast.programme,
        kz_cohort=cast.cohort_a,
        kz_school=kz_school,
        kz_fellowship=FellowshipCohort.objects.create(cohort=kz_fellowship_cohort),
        kg_region=kg_region,
        kg_programme=kg_programme,
        kg_cohort=kg_cohort,
        kg_school=kg_school,
        kg_fellowship=FellowshipCohort.objects.create(cohort=_cohort(kg_programme, "Стипендиаттар")),
        people=people,
    )


def _regions_offered(form: Any) -> set[str]:
    return set(form.fields["region"].queryset.values_list("country", flat=True))


def _agreement_regions(country: str, managers: set[str]) -> Any:
    """The fellowship cohort's partnership-agreement form (its managers only) offers ``country``'s regions."""

    def check(visit: Visit) -> None:
        if visit.status == OK:
            form = visit.response.context["agreement_form"]
            assert (form is not None) == (visit.persona in managers)
            if form is not None:
                assert _regions_offered(form) == {country}

    return check


def _event_regions(country: str) -> Any:
    def check(visit: Visit) -> None:
        if visit.status == OK:
            assert _regions_offered(visit.response.context["form"]) == {country}

    return check


def _search_finds(country: str) -> Any:
    """The school search of a cohort lists the shared-word schools of ``country`` only."""

    def check(visit: Visit) -> None:
        if visit.status == OK:
            results = visit.response.context["results"]
            assert results, "the search finds the cohort's country's school"
            assert {school.region.country for school in results} == {country}

    return check


def _enrolment_refused(visit: Visit) -> None:
    """A cross-country school posted to the enrolment form never joins the cohort."""
    world: Countries = visit.cast
    assert not CohortSchool.objects.filter(cohort=world.kz_cohort, school=world.kg_school).exists()
    assert not CohortSchool.objects.filter(cohort=world.kg_cohort, school=world.kz_school).exists()
    if visit.status == REDIRECT and visit.persona != "anonymous":
        assert [message.level_tag for message in get_messages(visit.response.wsgi_request)] == ["error"]


expect = Expect(PERSONAS)
# Who reads a whole country's programmes, or takes part in them.
READS_KZ = {"aigerim", "dana", "aliya", "kz_admin"}
READS_KG = {"aigerim", "kg_coordinator", "kg_admin"}

MATRIX = [
    Row(
        "programmes:programme-detail",
        lambda w: reverse("programmes:programme-detail", args=[w.kz_programme.pk]),
        expect.only(READS_KZ),
        label="kz",
    ),
    Row(
        "programmes:programme-detail",
        lambda w: reverse("programmes:programme-detail", args=[w.kg_programme.pk]),
        expect.only(READS_KG),
        label="kg",
    ),
    Row(
        "programmes:cohort-detail",
        lambda w: reverse("programmes:cohort-detail", args=[w.kz_cohort.pk]),
        expect.only(READS_KZ),
        label="kz",
    ),
    Row(
        "programmes:cohort-detail",
        lambda w: reverse("programmes:cohort-detail", args=[w.kg_cohort.pk]),
        expect.only(READS_KG),
        label="kg",
    ),
    Row(
        "programmes:cohort-school-add",
        lambda w: reverse("programmes:cohort-school-add", args=[w.kz_cohort.pk]),
        expect.only({"aliya"}, visible=READS_KZ),
        data=lambda w: {"q": SHARED_WORD},
        label="kz-search",
        check=_search_finds(KZ),
    ),
    Row(
        "programmes:cohort-school-add",
        lambda w: reverse("programmes:cohort-school-add", args=[w.kg_cohort.pk]),
        expect.only({"kg_coordinator"}, visible=READS_KG),
        data=lambda w: {"q": SHARED_WORD},
        label="kg-search",
        check=_search_finds(KG),
    ),
    Row(
        "programmes:cohort-school-add",
        lambda w: reverse("programmes:cohort-school-add", args=[w.kz_cohort.pk]),
        expect.only({"aliya"}, visible=READS_KZ, ok=REDIRECT),
        method="post",
        data=lambda w: {"school": w.kg_school.pk},
        label="kz-cohort-kg-school",
        check=_enrolment_refused,
    ),
    Row(
        "programmes:cohort-school-add",
        lambda w: reverse("programmes:cohort-school-add", args=[w.kg_cohort.pk]),
        expect.only({"kg_coordinator"}, visible=READS_KG, ok=REDIRECT),
        method="post",
        data=lambda w: {"school": w.kz_school.pk},
        label="kg-cohort-kz-school",
        check=_enrolment_refused,
    ),
    Row(
        "registry:school-detail",
        lambda w: reverse("registry:school-detail", args=[w.kz_school.pk]),
        expect.only({"aigerim", "dana", "kz_admin"}),
        label="kz",
    ),
    Row(
        "registry:school-detail",
        lambda w: reverse("registry:school-detail", args=[w.kg_school.pk]),
        expect.only({"aigerim", "kg_admin"}),
        label="kg",
    ),
    Row(
        "fellowship:cohort-detail",
        lambda w: reverse("fellowship:cohort-detail", args=[w.kz_fellowship.pk]),
        expect.only({"aigerim", "dana", "aliya"}),
        label="kz",
        check=_agreement_regions(KZ, {"aigerim", "aliya"}),
    ),
    Row(
        "fellowship:cohort-detail",
        lambda w: reverse("fellowship:cohort-detail", args=[w.kg_fellowship.pk]),
        expect.only({"aigerim", "kg_coordinator"}),
        label="kg",
        check=_agreement_regions(KG, {"aigerim", "kg_coordinator"}),
    ),
    Row(
        "operators:event-create",
        lambda w: reverse("operators:event-create", args=[w.kz_programme.pk]),
        expect.only({"aliya"}, visible=READS_KZ),
        label="kz",
        check=_event_regions(KZ),
    ),
    Row(
        "operators:event-create",
        lambda w: reverse("operators:event-create", args=[w.kg_programme.pk]),
        expect.only({"kg_coordinator"}, visible=READS_KG),
        label="kg",
        check=_event_regions(KG),
    ),
    Row(
        "analytics:dashboard",
        lambda w: reverse("analytics:dashboard"),
        expect.each(FORBIDDEN, aigerim=OK, dana=OK, aliya=OK),
        label="countries",
    ),
]

test_permission_matrix = matrix_test(MATRIX, PERSONAS, cast="countries")
test_query_parameters = query_fuzz_test(MATRIX, PERSONAS, cast="countries")


# --- the services and forms -------------------------------------------------------------------------


def _messages(call: Any) -> dict[str, str]:
    """The refusal's text in each full interface language."""
    texts = {}
    for language in ("kk", "ru", "en"):
        with translation.override(language), pytest.raises(ValidationError) as refused:
            call()
        texts[language] = " ".join(refused.value.messages)
    return texts


def _assert_names_both_countries(texts: dict[str, str], place_country: str, programme_country: str) -> None:
    assert len(set(texts.values())) == 3, "kk, ru and en each say it in their own words"
    for language, text in texts.items():
        with translation.override(language):
            assert str(Country(place_country).label) in text
            assert str(Country(programme_country).label) in text


@pytest.mark.django_db
def test_enrolling_a_school_of_another_country_is_refused_with_a_translated_message(countries):
    world = countries
    kg_coordinator = world.user("kg_coordinator")
    texts = _messages(lambda: cohort_school_add(actor=kg_coordinator, cohort=world.kg_cohort, school=world.kz_school))
    _assert_names_both_countries(texts, KZ, KG)
    texts = _messages(lambda: cohort_school_add(actor=world.cast.aliya, cohort=world.kz_cohort, school=world.kg_school))
    _assert_names_both_countries(texts, KG, KZ)
    # A command (no actor) is refused the same way; nothing joined.
    with pytest.raises(ValidationError):
        cohort_school_add(actor=None, cohort=world.kz_cohort, school=world.kg_school)
    assert not CohortSchool.objects.filter(school__in=[world.kz_school, world.kg_school]).exists()


@pytest.mark.django_db
def test_enrolling_a_school_of_the_programmes_country_still_works_and_is_audited(countries):
    world = countries
    row = cohort_school_add(actor=world.user("kg_coordinator"), cohort=world.kg_cohort, school=world.kg_school)
    assert row.school == world.kg_school
    assert AuditEntry.objects.filter(action="programmes.cohort_school.added", target_id=str(row.pk)).exists()


@pytest.mark.django_db
def test_a_coordinator_of_both_countries_finds_only_the_cohorts_country(countries):
    world = countries
    aliya = world.cast.aliya
    assert access_for(aliya).programme_countries(Role.COORDINATOR) == {KZ}
    programme_membership_grant(actor=None, user=aliya, programme=world.kg_programme, role=Role.COORDINATOR)
    assert access_for(aliya).programme_countries(Role.COORDINATOR) == {KZ, KG}
    # Both countries' schools are hers to enrol somewhere ...
    assert school_to_enrol(actor=aliya, raw_id=str(world.kg_school.pk)) == world.kg_school
    assert school_to_enrol(actor=aliya, raw_id=str(world.kz_school.pk)) == world.kz_school
    # ... but each cohort's search lists its own country's only, and the service refuses the other.
    found = school_search_for_cohort(actor=aliya, cohort=world.kz_cohort, query=SHARED_WORD)
    assert found == [world.kz_school]
    found = school_search_for_cohort(actor=aliya, cohort=world.kg_cohort, query=SHARED_WORD)
    assert found == [world.kg_school]
    with pytest.raises(ValidationError):
        cohort_school_add(actor=aliya, cohort=world.kz_cohort, school=world.kg_school)


@pytest.mark.django_db
def test_the_enrol_rule_offers_the_coordinated_programmes_countries_only(countries):
    world = countries
    kg_rows = School.objects.restrict(world.user("kg_coordinator"), "enrol")
    assert world.kg_school in kg_rows and world.kz_school not in kg_rows
    kz_rows = School.objects.restrict(world.cast.aliya, "enrol")
    assert world.kz_school in kz_rows and world.kg_school not in kz_rows
    # Country administrators and analysts enrol nothing (deny by default).
    for persona in ("kg_admin", "kz_admin", "dana"):
        assert not School.objects.restrict(world.user(persona), "enrol").exists()


@pytest.mark.django_db
def test_region_pick_lists_hold_the_programmes_country(countries):
    world = countries
    assert set(country_regions(programme=world.kg_programme)) == {world.kg_region}
    kz_regions = set(country_regions(programme=world.kz_programme))
    assert world.cast.region_a in kz_regions and world.kg_region not in kz_regions


@pytest.mark.django_db
def test_a_fellowship_agreement_with_another_countrys_region_is_refused(countries):
    world = countries
    texts = _messages(
        lambda: agreement_save(
            actor=world.user("kg_coordinator"),
            cohort=world.kg_fellowship,
            region=world.cast.region_a,
            status=AgreementStatus.PROSPECTIVE,
            signed_on=None,
            target_fellows=3,
            target_schools=2,
        )
    )
    _assert_names_both_countries(texts, KZ, KG)
    saved = agreement_save(
        actor=world.user("kg_coordinator"),
        cohort=world.kg_fellowship,
        region=world.kg_region,
        status=AgreementStatus.PROSPECTIVE,
        signed_on=None,
        target_fellows=3,
        target_schools=2,
    )
    assert saved.region == world.kg_region


@pytest.mark.django_db
def test_an_event_in_another_countrys_region_is_refused(countries):
    world = countries
    start = datetime.datetime(2026, 10, 3, 9, tzinfo=datetime.UTC)
    texts = _messages(
        lambda: event_create(
            actor=world.user("kg_coordinator"),
            programme=world.kg_programme,
            slug="kg-summit",
            title={"ru": "Саммит"},
            region=world.cast.region_a,
            place="Бишкек",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=8),
            capacity=100,
        )
    )
    _assert_names_both_countries(texts, KZ, KG)


@pytest.mark.django_db
def test_an_operator_agreement_for_another_countrys_school_is_refused(countries):
    world = countries
    operator = OrganisationFactory(kind=OrganisationKind.SCHOOL_OPERATOR)
    texts = _messages(
        lambda: agreement_create(
            actor=world.cast.aigerim,
            school=world.kz_school,
            operator=operator,
            programme=world.kg_programme,
            starts_on=datetime.date(2026, 9, 1),
        )
    )
    _assert_names_both_countries(texts, KZ, KG)


@pytest.mark.django_db
def test_a_partner_countrys_programme_gives_its_coordinator_no_analytics(countries):
    world = countries
    assert not access_for(world.user("kg_coordinator")).analytics.any
    assert access_for(world.cast.aliya).analytics.programme_ids == frozenset({world.kz_programme.pk})
    # The system administrator's programme filter lists the home country's programmes only.
    assert world.kg_programme not in programmes_for(world.cast.aigerim)
    assert world.kz_programme in programmes_for(world.cast.aigerim)


@pytest.mark.django_db
def test_organisations_are_read_by_country(countries):
    world = countries
    kz_org = OrganisationFactory(country=KZ)
    kg_org = OrganisationFactory(country=KG)
    international = OrganisationFactory(country=Country.OTHER)

    def seen(persona: str) -> set[Organisation]:
        return set(
            Organisation.objects.restrict(world.user(persona), "view").filter(
                pk__in=[kz_org.pk, kg_org.pk, international.pk]
            )
        )

    assert seen("aigerim") == {kz_org, kg_org, international}
    assert seen("dana") == {kz_org, international}
    assert seen("kz_admin") == {kz_org, international}
    assert seen("kg_admin") == {kg_org, international}
    # A Kazakh regional analyst reads their region's country; a coordinator has no registry scope.
    assert set(Organisation.objects.restrict(world.cast.kairat, "view").filter(pk__in=[kz_org.pk, kg_org.pk])) == {
        kz_org
    }
    assert not Organisation.objects.restrict(world.user("kg_coordinator"), "view").exists()
