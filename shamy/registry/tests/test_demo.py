"""The national demo data: real per-region counts, valid identifiers, idempotence, refusal, logins."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from django.db.models import Count
from hypothesis import given
from hypothesis import strategies as st

from shamy.access.context import access_for
from shamy.access.models import Membership
from shamy.access.roles import Role
from shamy.accounts.models import User
from shamy.audit.models import AuditEntry
from shamy.core.testing.factories import PersonFactory, SchoolFactory
from shamy.core.text import search_key
from shamy.registry.demo import loader
from shamy.registry.demo.identifiers import BinGenerator, IinGenerator, iin_build
from shamy.registry.demo.loader import DEMO_LOGINS, DEMO_PASSWORD, DemoRefused, demo_load
from shamy.registry.demo.plan import (
    allocate_school_counts,
    build_plan,
    people_for_school,
    region_facts,
    scaled_count,
)
from shamy.registry.models import (
    Country,
    District,
    Employment,
    FutureSchool,
    Locality,
    Organisation,
    OrganisationKind,
    Ownership,
    Person,
    Position,
    Region,
    School,
)
from shamy.registry.validators import iin_birth_date, validate_bin, validate_iin

SCALE = 0.01


@pytest.fixture
def loaded(db):
    return demo_load(scale=SCALE)


# --- Pure planning: no database -----------------------------------------------------------------


def test_regions_are_the_twenty_current_units():
    regions = region_facts()
    assert len(regions) == 20
    assert len({region.kato for region in regions}) == 20
    assert sorted(region.kato for region in regions if region.kind == "city") == ["71", "75", "79"]
    assert {region.name_kk for region in regions} >= {"Абай облысы", "Жетісу облысы", "Ұлытау облысы"}


def test_allocation_at_full_scale_is_exactly_the_official_2022_counts():
    counts = allocate_school_counts(region_facts(), 1.0)
    for region in region_facts():
        assert counts[region.kato] == (region.urban_schools, region.rural_schools)
    assert sum(urban for urban, _ in counts.values()) == 2_427
    assert sum(rural for _, rural in counts.values()) == 5_260
    assert sum(urban + rural for urban, rural in counts.values()) == 7_687
    # Almaty Region (KATO 19) in 2022/23: 51 urban and 413 rural schools.
    assert counts["19"] == (51, 413)
    assert all(counts[kato][1] == 0 for kato in ("71", "75", "79"))


@pytest.mark.parametrize("scale", [0.001, 0.02, 0.5])
def test_allocation_at_small_scale_keeps_every_region_and_locality(scale):
    counts = allocate_school_counts(region_facts(), scale)
    for region in region_facts():
        urban, rural = counts[region.kato]
        assert urban >= 1
        assert (rural >= 1) == (region.rural_schools > 0)
        assert abs(urban - region.urban_schools * scale) <= 1
        assert abs(rural - region.rural_schools * scale) <= 1


def test_scaled_count_rounds_half_up_with_a_floor_of_one():
    assert scaled_count(0, 0.5) == 0
    assert scaled_count(3, 0.5) == 2
    assert scaled_count(5, 0.1) == 1
    assert scaled_count(100, 0.004) == 1
    assert scaled_count(464, 1.0) == 464


def test_full_plan_has_the_national_shape():
    plan = build_plan(1.0)
    schools = plan.schools
    assert len(schools) == 7_687
    small = [s for s in schools if s.is_small_class]
    assert 0.30 < len(small) / len(schools) < 0.37  # about a third
    assert sum(s.locality == Locality.RURAL for s in small) / len(small) > 0.97  # nearly all rural
    assert abs(plan.teachers - 340_000) / 340_000 < 0.02
    statuses = Counter(s.future_school for s in schools)
    assert statuses[FutureSchool.BUILT] == 128
    assert sum(count for status, count in statuses.items() if status != FutureSchool.NONE) == 217
    assert all(s.future_school_built_year for s in schools if s.future_school == FutureSchool.BUILT)
    assert all(5 <= s.pupils <= 150 for s in small)
    urban = [s for s in schools if s.locality == Locality.URBAN and s.grade_to == 11 and s.grade_from == 1]
    assert 800 <= sorted(s.pupils for s in urban)[len(urban) // 2] <= 1_600
    assert max(s.pupils for s in urban) <= 3_200
    operated = [s for s in schools if s.ownership == Ownership.OPERATOR]
    assert 1 <= len(operated) <= 10
    assert all(s.handover_on is not None and s.handover_on.month == 9 for s in operated)
    assert all(s.grade_from <= s.grade_to for s in schools)
    bins = [s.bin for s in schools if s.bin]
    assert len(bins) > 0.85 * len(schools) and len(set(bins)) == len(bins)
    for number in bins[:500]:
        validate_bin(number)


def test_scale_above_one_adds_synthetic_copies_of_the_country():
    national, doubled = build_plan(1.0), build_plan(2.0)
    # The country itself is planned exactly as at scale 1: same schools, same order, same values.
    assert [vars(s) for s in doubled.schools[:7_687]] == [vars(s) for s in national.schools]
    assert [d.kato for d in doubled.districts[: len(national.districts)]] == [d.kato for d in national.districts]
    copies = doubled.schools[7_687:]
    assert len(copies) == 7_687 and len(doubled.regions) == 40
    real_kato = {region.kato for region in national.regions}
    assert {s.region_kato for s in copies}.isdisjoint(real_kato)
    assert all(s.name_kk.endswith("(синтетикалық көшірме 2)") for s in copies)
    assert all(s.name_ru.endswith("(синтетическая копия 2)") for s in copies)
    assert all(r.name_en.endswith("(synthetic copy 2)") for r in doubled.regions[20:])
    # Identifiers stay unique and valid across the copies.
    assert len({s.external_id for s in doubled.schools}) == len(doubled.schools)
    assert len({d.kato for d in doubled.districts}) == len(doubled.districts)
    bins = [s.bin for s in doubled.schools if s.bin]
    assert len(set(bins)) == len(bins)
    for number in bins[-300:]:
        validate_bin(number)
    assert all(s.kato.startswith(s.region_kato) for s in copies)
    assert abs(sum(s.teachers for s in copies) - 340_000) / 340_000 < 0.02
    # A copy's people are its own, with IINs unique across both.
    iins = IinGenerator()
    people = [p.fields["iin"] for school in (doubled.schools[5], copies[5]) for p in people_for_school(school, iins)]
    numbers = [iin for iin in people if iin]
    assert len(set(numbers)) == len(numbers)
    for number in numbers:
        validate_iin(number)


def test_plan_is_deterministic():
    first, second = build_plan(0.05), build_plan(0.05)
    assert [(s.name_kk, s.pupils, s.teachers, s.bin) for s in first.schools] == [
        (s.name_kk, s.pupils, s.teachers, s.bin) for s in second.schools
    ]
    school = first.schools[3]
    assert [p.fields for p in people_for_school(school, IinGenerator())] == [
        p.fields for p in people_for_school(school, IinGenerator())
    ]


def test_people_have_gender_consistent_names():
    plan = build_plan(0.05)
    people = [p.fields for school in plan.schools[:40] for p in people_for_school(school, IinGenerator())]
    for person in people:
        if person["iin"] is None:
            continue
        female = int(person["iin"][6]) % 2 == 0
        patronymic = person["patronymic"]
        if female:
            assert patronymic.endswith(("қызы", "овна", "евна", "ична"))
        else:
            assert patronymic.endswith(("ұлы", "ович", "евич", "ьич", "ич"))


@given(
    birth=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2099, 12, 31)),
    female=st.booleans(),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_iin_generator_gives_valid_iins_with_the_birth_date(birth, female, seed):
    iin = IinGenerator().make(random.Random(seed), birth, female=female)
    validate_iin(iin)
    assert iin_birth_date(iin) == birth
    assert int(iin[6]) % 2 == (0 if female else 1)


@given(
    birth=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2099, 12, 31)),
    female=st.booleans(),
    serial=st.integers(min_value=0, max_value=9999),
)
def test_iin_build_is_valid_or_none(birth, female, serial):
    iin = iin_build(birth, female=female, serial=serial)
    if iin is not None:
        validate_iin(iin)
        assert iin_birth_date(iin) == birth


def test_iin_generator_never_repeats_a_number():
    generator = IinGenerator(taken=[iin_build(datetime.date(1980, 5, 5), female=True, serial=1)])
    rng = random.Random(7)
    numbers = [generator.make(rng, datetime.date(1980, 5, 5), female=True) for _ in range(3_000)]
    assert len(set(numbers)) == len(numbers)


@given(seed=st.integers(min_value=0, max_value=2**32))
def test_bin_generator_gives_valid_bins(seed):
    generator = BinGenerator(random.Random(seed), first_year=1995, last_year=2019)
    for _ in range(5):
        validate_bin(generator.make())


# --- Loading into the database ------------------------------------------------------------------


def test_load_creates_per_region_counts_proportional_to_the_official_ones(loaded):
    expected = allocate_school_counts(region_facts(), SCALE)
    rows = School.objects.values("region__kato", "locality").annotate(n=Count("id"))
    actual: dict[str, list[int]] = {kato: [0, 0] for kato in expected}
    for row in rows:
        actual[row["region__kato"]][0 if row["locality"] == Locality.URBAN else 1] = row["n"]
    assert {kato: tuple(counts) for kato, counts in actual.items()} == expected
    assert School.objects.filter(is_demo=False).count() == 0
    assert Region.objects.count() == 20
    assert Region.objects.get(kato="75").kind == Region.Kind.CITY
    assert Region.objects.get(kato="19").name_kk == "Алматы облысы"
    assert loaded.counts["schools"] == sum(u + r for u, r in expected.values())


def test_every_district_belongs_to_its_region_and_is_marked_demo(loaded):
    assert District.objects.filter(is_demo=False).count() == 0
    assert District.objects.count() >= 200
    for district in District.objects.select_related("region"):
        assert district.kato.startswith(district.region.kato) and len(district.kato) == 6
    for school in School.objects.select_related("district"):
        assert school.district.region_id == school.region_id
        assert school.kato.startswith(school.district.kato)


def test_people_have_valid_unique_iins_and_search_text(loaded):
    people = list(Person.objects.all())
    assert all(person.is_demo for person in people)
    iins = [person.iin for person in people if person.iin]
    assert len(iins) > 0.9 * len(people)
    assert len(set(iins)) == len(iins)
    for iin in iins:
        validate_iin(iin)
    for person in people:
        assert person.search_text == search_key(person.surname, person.given_name, person.patronymic)
        assert person.subjects and person.languages
    for school in School.objects.all():
        assert school.search_text == search_key(school.name_kk, school.name_ru)
        assert school.is_demo


def test_each_school_has_one_principal_and_its_teachers(loaded):
    principals = Counter(Employment.objects.filter(position=Position.PRINCIPAL).values_list("school_id", flat=True))
    teachers = Counter(Employment.objects.filter(position=Position.TEACHER).values_list("school_id", flat=True))
    for school in School.objects.all():
        assert principals[school.pk] == 1
        assert teachers[school.pk] == school.teachers
    assert Person.objects.count() == Employment.objects.count()
    # The explicit ids left the tables' id sequences usable.
    extra = PersonFactory(is_demo=True)
    assert extra.pk > max(Person.objects.exclude(pk=extra.pk).values_list("pk", flat=True))


def test_partners_include_the_ministry_regions_and_neighbours(loaded):
    organisations = Organisation.objects.all()
    kinds = Counter(organisations.values_list("kind", flat=True))
    assert kinds[OrganisationKind.MINISTRY] == 1
    assert kinds[OrganisationKind.REGIONAL_DEPARTMENT] == 20
    assert kinds[OrganisationKind.SCHOOL_OPERATOR] >= 1
    countries = set(organisations.values_list("country", flat=True))
    assert Country.KAZAKHSTAN in countries and countries & {Country.KYRGYZSTAN, Country.TAJIKISTAN, Country.UZBEKISTAN}
    assert all(organisation.is_demo for organisation in organisations)
    for number in organisations.exclude(bin=None).values_list("bin", flat=True):
        validate_bin(number)
    operated = School.objects.filter(ownership=Ownership.OPERATOR)
    assert operated.exists()
    assert all(school.operator.kind == OrganisationKind.SCHOOL_OPERATOR for school in operated)


def test_load_is_audited_once_as_a_whole(loaded):
    entries = AuditEntry.objects.filter(action="registry.demo.loaded")
    assert entries.count() == 1
    assert entries.get().after["counts"]["schools"] == loaded.counts["schools"]
    # One entry for the load plus one per membership granted, never one per row.
    assert AuditEntry.objects.count() == 1 + len(DEMO_LOGINS)


def test_second_run_changes_nothing(loaded):
    before = loader.demo_counts()
    entries = AuditEntry.objects.count()
    again = demo_load(scale=SCALE)
    assert again.already_loaded
    out = StringIO()
    call_command("seed_demo", "--scale", "0.5", stdout=out)
    assert "already loaded" in out.getvalue()
    assert loader.demo_counts() == before
    assert AuditEntry.objects.count() == entries


@pytest.mark.django_db
def test_refused_when_a_real_school_exists():
    SchoolFactory()
    with pytest.raises(CommandError, match="real data"):
        call_command("seed_demo", "--scale", str(SCALE), stdout=StringIO())
    assert not School.objects.filter(is_demo=True).exists()
    assert not Person.objects.filter(is_demo=True).exists()


@pytest.mark.django_db
def test_refused_when_a_real_person_exists():
    PersonFactory()
    with pytest.raises(DemoRefused):
        demo_load(scale=SCALE)
    assert not School.objects.exists()


@pytest.mark.django_db
def test_refused_when_the_deployment_forbids_demo_data(settings):
    settings.SHAMY_DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="SHAMY_DEMO_ALLOWED"):
        call_command("seed_demo", "--scale", str(SCALE), stdout=StringIO())
    assert not School.objects.exists()


@pytest.mark.django_db
def test_scale_outside_range_is_rejected():
    with pytest.raises(CommandError):
        call_command("seed_demo", "--scale", "0", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("seed_demo", "--scale", "5.5", stdout=StringIO())
    assert not School.objects.exists()


@pytest.mark.django_db
def test_a_failure_mid_load_leaves_nothing_behind(monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("interrupted")

    monkeypatch.setattr(loader, "_demo_cast_create", fail)
    with pytest.raises(RuntimeError):
        demo_load(scale=SCALE)
    assert not School.objects.exists()
    assert not Person.objects.exists()
    assert not District.objects.exists()
    assert not AuditEntry.objects.exists()


def test_demo_logins_have_their_roles_and_scopes(loaded):
    users = {user.email: user for user in User.objects.filter(is_demo=True)}
    assert set(users) == {login.email for login in DEMO_LOGINS}
    for user in users.values():
        assert check_password(DEMO_PASSWORD, user.password)
    roles = {m.user.email: m for m in Membership.objects.active().select_related("user", "region", "school")}
    assert roles["admin@demo.shamy.kz"].role == Role.SYSTEM_ADMIN
    assert roles["analyst@demo.shamy.kz"].role == Role.MINISTRY_ANALYST
    assert roles["region@demo.shamy.kz"].role == Role.REGIONAL_ANALYST
    assert roles["region@demo.shamy.kz"].region.kato == "19"
    principal = roles["principal@demo.shamy.kz"]
    assert principal.role == Role.SCHOOL_PRINCIPAL
    assert principal.school.region.kato == "19" and principal.school.locality == Locality.RURAL
    assert access_for(users["analyst@demo.shamy.kz"]).registry.national
    assert access_for(users["principal@demo.shamy.kz"]).registry.school_ids == {principal.school_id}
    person = Person.objects.get(user=users["principal@demo.shamy.kz"])
    assert person.employments.get().school_id == principal.school_id
    assert person.employments.get().position == Position.PRINCIPAL
    assert users["principal@demo.shamy.kz"].full_name == f"{person.given_name} {person.surname}"


def test_demo_logins_command_prints_every_login(loaded):
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    for login in DEMO_LOGINS:
        assert login.email in text
    assert DEMO_PASSWORD in text
    assert "System administrator" in text
    assert "Almaty Region" in text


@pytest.mark.django_db
def test_demo_logins_command_without_demo_data_says_what_to_do():
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "seed_demo" in out.getvalue()
