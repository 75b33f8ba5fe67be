"""The fixed test cast. Permission tests use only these people and places.

Foundation personas (programme personas join them in the programme apps):

| name    | role                          | scope                       |
|---------|-------------------------------|-----------------------------|
| aigerim | system administrator          | whole country               |
| dana    | ministry analyst              | whole country               |
| kairat  | regional department analyst   | region A (Almaty Region)    |
| bolat   | school principal              | school A1 (rural, region A) |
| saule   | school principal              | school B1 (rural, region B) |
| olzhas  | outsider: an account, no role | nothing                     |
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from shamy.access.roles import Role
from shamy.accounts.models import User
from shamy.core.testing.factories import (
    DistrictFactory,
    EmploymentFactory,
    MembershipFactory,
    PersonFactory,
    RegionFactory,
    SchoolFactory,
    UserFactory,
)
from shamy.registry.models import Employment, Locality, Person, Position, Region, School

PASSWORD = "correct horse battery staple"  # noqa: S105


@dataclass
class Cast:
    aigerim: User
    dana: User
    kairat: User
    bolat: User
    saule: User
    olzhas: User
    region_a: Region
    region_b: Region
    school_a1: School
    school_a2: School
    school_b1: School
    teacher_a1: Person
    teacher_b1: Person
    employment_a1: Employment

    def user(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


PERSONAS = ("aigerim", "dana", "kairat", "bolat", "saule", "olzhas", "anonymous")


def build_cast() -> Cast:
    region_a = RegionFactory(kato="19", name_kk="Алматы облысы", name_ru="Алматинская область", name_en="Almaty Region")
    region_b = RegionFactory(
        kato="47", name_kk="Маңғыстау облысы", name_ru="Мангистауская область", name_en="Mangystau Region"
    )
    district_a = DistrictFactory(region=region_a, kato="195200", name_kk="Ұйғыр ауданы", name_ru="Уйгурский район")
    district_b = DistrictFactory(region=region_b, kato="475200", name_kk="Қарақия ауданы", name_ru="Каракиянский район")
    school_a1 = SchoolFactory(
        region=region_a,
        district=district_a,
        name_kk="Ақсу ауылының мектебі",
        name_ru="Школа села Аксу",
        locality=Locality.RURAL,
        is_small_class=True,
        pupils=46,
        teachers=11,
    )
    school_a2 = SchoolFactory(
        region=region_a,
        district=district_a,
        name_kk="Қонаев қаласының №3 мектебі",
        name_ru="Школа №3 города Конаев",
        locality=Locality.URBAN,
        pupils=1250,
        teachers=84,
    )
    school_b1 = SchoolFactory(
        region=region_b,
        district=district_b,
        name_kk="Жетібай ауылының мектебі",
        name_ru="Школа села Жетыбай",
        locality=Locality.RURAL,
        pupils=380,
        teachers=40,
    )

    def user(name: str, full_name: str) -> User:
        return UserFactory(email=f"{name}@example.kz", full_name=full_name)

    aigerim = user("aigerim", "Айгерім Сапарова")
    dana = user("dana", "Дана Жұмабаева")
    kairat = user("kairat", "Қайрат Омаров")
    bolat = user("bolat", "Болат Исаев")
    saule = user("saule", "Сәуле Ахметова")
    olzhas = user("olzhas", "Олжас Бекұлы")
    MembershipFactory(user=aigerim, role=Role.SYSTEM_ADMIN)
    MembershipFactory(user=dana, role=Role.MINISTRY_ANALYST)
    MembershipFactory(user=kairat, role=Role.REGIONAL_ANALYST, region=region_a)
    MembershipFactory(user=bolat, role=Role.SCHOOL_PRINCIPAL, school=school_a1)
    MembershipFactory(user=saule, role=Role.SCHOOL_PRINCIPAL, school=school_b1)
    # An ended membership grants nothing.
    MembershipFactory(
        user=olzhas,
        role=Role.MINISTRY_ANALYST,
        starts_on=datetime.date(2019, 1, 1),
        ends_on=datetime.date(2019, 12, 31),
    )

    teacher_a1 = PersonFactory(surname="Әлімова", given_name="Гүлнар", patronymic="Серікқызы")
    employment_a1 = EmploymentFactory(person=teacher_a1, school=school_a1, position=Position.TEACHER)
    teacher_b1 = PersonFactory(surname="Нұрланов", given_name="Ерлан", patronymic="Маратұлы")
    EmploymentFactory(person=teacher_b1, school=school_b1, position=Position.TEACHER)
    return Cast(
        aigerim,
        dana,
        kairat,
        bolat,
        saule,
        olzhas,
        region_a,
        region_b,
        school_a1,
        school_a2,
        school_b1,
        teacher_a1,
        teacher_b1,
        employment_a1,
    )
