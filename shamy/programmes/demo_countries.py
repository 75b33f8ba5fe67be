"""A partner country's demo: a small Kyrgyz registry, a programme there and its country administrator.

Loaded by ``manage.py seed_demo_countries`` after the national demo (``make demo``). The regions are
real units of Kyrgyzstan under their official names, with their two-digit codes in the Kyrgyz
classifier (СОАТЕ, 417 + two digits); their districts are real districts, under synthetic codes
(``KG`` + the region's code + a number: marked as demo data, like every school and person here). The
schools and people are invented and marked as demo data; Kyrgyz schools have no BIN or IIN (those
are Kazakh numbers), so they are found by their external ID.

Idempotent: a second run changes nothing. Refused, like every demo loader, on a deployment that
does not allow demo data or a database holding real schools or people.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from shamy.access.roles import Role
from shamy.access.services.memberships import membership_grant
from shamy.accounts.models import User
from shamy.audit.services.entries import audit_record
from shamy.core.countries import Country
from shamy.core.text import search_key
from shamy.programmes.models import Cohort, CohortSchool, Programme, ProgrammeStatus
from shamy.registry.demo.loader import DEMO_PASSWORD, DemoLogin, demo_check_allowed
from shamy.registry.models import District, Employment, InstructionLanguage, Locality, Person, Position, Region, School

AUDIT_ACTION = "programmes.demo_countries.loaded"
KG_ADMIN_EMAIL = "kg-admin@demo.shamy.kz"
COUNTRY_DEMO_LOGINS = (
    DemoLogin(Role.COUNTRY_ADMIN, KG_ADMIN_EMAIL, "Айгүл Токтосунова", "Kyrgyzstan's registry and programmes only"),
)
PROGRAMME_NAME_EN = "Teacher leadership in Kyrgyzstan (demo)"


@dataclass(frozen=True)
class Place:
    code: str
    kind: str
    name_kk: str
    name_ru: str
    name_en: str
    districts: tuple[tuple[str, str, str], ...]  # (kk, ru, en) of real districts


# Real oblasts and the capital of Kyrgyzstan, with their СОАТЕ codes (41708…, 41702…, 41706…, 41711…).
KYRGYZ_REGIONS = (
    Place(
        "08",
        Region.Kind.REGION,
        "Шу облысы",
        "Чуйская область",
        "Chüy Region",
        (
            ("Сокулук ауданы", "Сокулукский район", "Sokuluk District"),
            ("Аламүдүн ауданы", "Аламудунский район", "Alamüdün District"),
        ),
    ),
    Place(
        "02",
        Region.Kind.REGION,
        "Ыстықкөл облысы",
        "Иссык-Кульская область",
        "Issyk-Kul Region",
        (("Түп ауданы", "Тюпский район", "Tüp District"),),
    ),
    Place(
        "06",
        Region.Kind.REGION,
        "Ош облысы",
        "Ошская область",
        "Osh Region",
        (("Қарасу ауданы", "Кара-Суйский район", "Kara-Suu District"),),
    ),
    Place("11", Region.Kind.CITY, "Бішкек қаласы", "город Бишкек", "Bishkek", ()),
)

# (surname, given name, patronymic): invented people with common Kyrgyz names.
KYRGYZ_PEOPLE = (
    ("Осмонов", "Бакыт", "Жумабекович"),
    ("Сыдыкова", "Айгуль", "Токтогуловна"),
    ("Абдыкадыров", "Эрмек", "Садырович"),
    ("Мамытова", "Жылдыз", "Асановна"),
    ("Турдубаев", "Алмаз", "Кубанычбекович"),
    ("Бекова", "Чолпон", "Маратовна"),
    ("Жээнбеков", "Нурлан", "Болотович"),
    ("Исакова", "Гулнара", "Эсенгуловна"),
    ("Кенешов", "Азамат", "Уланович"),
    ("Токтобаева", "Мээрим", "Рысбековна"),
    ("Садыков", "Улан", "Каныбекович"),
    ("Абдырахманова", "Бермет", "Жолдошбековна"),
)


@dataclass(frozen=True)
class CountryDemoSummary:
    already_loaded: bool
    counts: dict[str, int]


def country_demo_counts() -> dict[str, int]:
    regions = Region.objects.filter(country=Country.KYRGYZSTAN)
    return {
        "regions": regions.count(),
        "districts": District.objects.filter(region__in=regions).count(),
        "schools": School.objects.filter(region__in=regions).count(),
        "people": Person.objects.filter(employments__school__region__in=regions).distinct().count(),
        "programmes": Programme.objects.filter(country=Country.KYRGYZSTAN).count(),
    }


def country_demo_is_loaded() -> bool:
    return School.objects.filter(is_demo=True, region__country=Country.KYRGYZSTAN).exists()


def country_demo_load() -> CountryDemoSummary:
    """Load the Kyrgyz demo (4 regions, 4 districts, 10 schools, their principals and teachers, a
    programme with one cohort of 4 schools, the country administrator). Raises
    :class:`~shamy.registry.demo.loader.DemoRefused` where demo data is not allowed. Audited once."""
    if country_demo_is_loaded():
        return CountryDemoSummary(already_loaded=True, counts=country_demo_counts())
    with transaction.atomic():
        demo_check_allowed()
        if country_demo_is_loaded():
            return CountryDemoSummary(already_loaded=True, counts=country_demo_counts())
        schools = _registry()
        _people(schools)
        programme = _programme(schools)
        admin = User.objects.filter(email=KG_ADMIN_EMAIL).first()
        if admin is None:
            login = COUNTRY_DEMO_LOGINS[0]
            admin = User(email=login.email, full_name=login.full_name, is_demo=True, language="ru")
            admin.password = make_password(DEMO_PASSWORD)
            admin.full_clean()
            admin.save()
        membership_grant(actor=None, user=admin, role=Role.COUNTRY_ADMIN, country=Country.KYRGYZSTAN)
        counts = country_demo_counts()
        audit_record(actor=None, action=AUDIT_ACTION, target=programme, after=counts)
    return CountryDemoSummary(already_loaded=False, counts=counts)


def _registry() -> list[School]:
    schools: list[School] = []
    number = 0
    for place in KYRGYZ_REGIONS:
        region, _created = Region.objects.get_or_create(
            country=Country.KYRGYZSTAN,
            kato=place.code,
            defaults={"kind": place.kind, "name_kk": place.name_kk, "name_ru": place.name_ru, "name_en": place.name_en},
        )
        districts: list[District | None] = []
        for index, (name_kk, name_ru, name_en) in enumerate(place.districts, start=1):
            found, _created = District.objects.get_or_create(
                kato=f"KG{place.code}{index:02d}",
                defaults={
                    "region": region,
                    "name_kk": name_kk,
                    "name_ru": name_ru,
                    "name_en": name_en,
                    "is_demo": True,
                },
            )
            districts.append(found)
        for district in districts or [None]:
            for rural in (True, False) if district is not None else (False, False):
                number += 1
                school = School(
                    external_id=f"demo-kg-{number:03d}",
                    name_kk=f"№ {number} орта мектеп ({district.name_kk if district else place.name_kk})",
                    name_ru=f"Средняя школа № {number} ({district.name_ru if district else place.name_ru})",
                    region=region,
                    district=district,
                    locality=Locality.RURAL if rural else Locality.URBAN,
                    is_small_class=rural and number % 3 == 0,
                    language=InstructionLanguage.OTHER if rural else InstructionLanguage.RUSSIAN,
                    pupils=180 + 37 * number if rural else 620 + 53 * number,
                    teachers=16 + number if rural else 38 + number,
                    is_demo=True,
                )
                school.search_text = search_key(school.name_kk, school.name_ru)
                school.full_clean()
                school.save()
                schools.append(school)
    return schools


def _people(schools: list[School]) -> None:
    """A principal and a teacher at each school (names from :data:`KYRGYZ_PEOPLE`, in turn)."""
    start = datetime.date(timezone.localdate().year - 3, 9, 1)
    for index, school in enumerate(schools):
        for offset, position in ((0, Position.PRINCIPAL), (1, Position.TEACHER)):
            surname, given_name, patronymic = KYRGYZ_PEOPLE[(2 * index + offset) % len(KYRGYZ_PEOPLE)]
            person = Person(
                external_id=f"demo-kg-person-{2 * index + offset + 1:03d}",
                surname=surname,
                given_name=given_name,
                patronymic=patronymic,
                is_demo=True,
            )
            person.full_clean()
            person.save()
            Employment.objects.create(person=person, school=school, position=position, starts_on=start)


def _programme(schools: list[School]) -> Programme:
    year = timezone.localdate().year
    programme = Programme(
        name_kk="Қырғызстандағы мұғалімдер көшбасшылығы (демо)",
        name_ru="Лидерство учителей в Кыргызстане (демо)",
        name_en=PROGRAMME_NAME_EN,
        description_kk="Лауазымсыз мұғалім көшбасшылығы әдістемесі серіктес елде (демо).",
        description_ru="Методология непозиционного лидерства учителей в стране-партнёре (демо).",
        description_en="The non-positional teacher-leadership approach in a partner country (demo data).",
        country=Country.KYRGYZSTAN,
        starts_on=datetime.date(year, 8, 1),
        ends_on=datetime.date(year + 1, 6, 30),
        status=ProgrammeStatus.ACTIVE,
        is_demo=True,
    )
    programme.full_clean()
    programme.save()
    cohort = Cohort.objects.create(
        programme=programme,
        name_kk=f"Бірінші топ {year}–{year + 1}",
        name_ru=f"Первый поток {year}–{year + 1}",
        name_en=f"First cohort {year}–{year + 1}",
        starts_on=datetime.date(year, 9, 1),
        ends_on=datetime.date(year + 1, 5, 31),
    )
    for school in schools[:4]:
        CohortSchool.objects.create(cohort=cohort, school=school)
    return programme
