"""factory_boy factories: one valid-by-default factory per model."""

from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory

from shamy.access.models import Membership
from shamy.accounts.models import User
from shamy.core.text import search_key
from shamy.registry.models import District, Employment, Locality, Organisation, OrganisationKind, Person, Region, School
from shamy.registry.validators import check_digit


def valid_iin(sequence: int) -> str:
    """A valid IIN for someone born 1 January 1985 (digit 7 = 3: 20th century, male)."""
    for serial in range(sequence * 7, sequence * 7 + 1000):
        first = f"8501013{serial % 10000:04d}"
        digit = check_digit(first)
        if digit is not None:
            return first + str(digit)
    raise AssertionError("no IIN found")


def valid_bin(sequence: int) -> str:
    for serial in range(sequence * 7, sequence * 7 + 1000):
        first = f"0501400{serial % 10000:04d}"
        digit = check_digit(first)
        if digit is not None:
            return first + str(digit)
    raise AssertionError("no BIN found")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.kz")
    full_name = factory.Sequence(lambda n: f"Пайдаланушы {n}")
    password = factory.django.Password("correct horse battery staple")
    language = "kk"


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("kato",)

    kato = factory.Sequence(lambda n: f"{90 + n % 10}")
    name_kk = factory.Sequence(lambda n: f"Облыс {n}")
    name_ru = factory.Sequence(lambda n: f"Область {n}")
    name_en = factory.Sequence(lambda n: f"Region {n}")


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = District

    region = factory.SubFactory(RegionFactory)
    kato = factory.Sequence(lambda n: f"9{n:05d}")
    name_kk = factory.Sequence(lambda n: f"Аудан {n}")
    name_ru = factory.Sequence(lambda n: f"Район {n}")
    name_en = factory.Sequence(lambda n: f"District {n}")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.NGO
    name_kk = factory.Sequence(lambda n: f"Қоғамдық бірлестік {n}")
    name_ru = factory.Sequence(lambda n: f"Общественное объединение {n}")
    name_en = factory.Sequence(lambda n: f"NGO {n}")


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School

    name_kk = factory.Sequence(lambda n: f"№{n} жалпы білім беретін мектеп")
    name_ru = factory.Sequence(lambda n: f"Общеобразовательная школа №{n}")
    region = factory.SubFactory(RegionFactory)
    district = factory.SubFactory(DistrictFactory, region=factory.SelfAttribute("..region"))
    locality = Locality.RURAL
    pupils = 120
    teachers = 18
    search_text = factory.LazyAttribute(lambda school: search_key(school.name_kk, school.name_ru))


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    surname = factory.Sequence(lambda n: f"Сейітов{n}")
    given_name = "Асқар"
    patronymic = "Нұрланұлы"
    iin = factory.Sequence(valid_iin)
    email = factory.Sequence(lambda n: f"person{n}@example.kz")
    phone = "+7 701 000 00 00"
    languages = factory.LazyFunction(lambda: ["kk", "ru"])
    subjects = factory.LazyFunction(lambda: ["mathematics"])
    search_text = factory.LazyAttribute(lambda p: search_key(p.surname, p.given_name, p.patronymic))


class EmploymentFactory(DjangoModelFactory):
    class Meta:
        model = Employment

    person = factory.SubFactory(PersonFactory)
    school = factory.SubFactory(SchoolFactory)
    starts_on = datetime.date(2020, 9, 1)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    starts_on = datetime.date(2020, 1, 1)
