"""Write the national demo data: regions, districts, schools, people, partners and the demo cast.

One transaction holds the whole load, so it either lands completely or not at all, and a
complete load is recognised by the presence of demo schools (a second run changes nothing).
Rows go in with ``bulk_create`` in batches; the load as a whole gets one audit entry.
"""

from __future__ import annotations

import datetime
import functools
import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from shamy.access.models import Membership
from shamy.access.roles import Role
from shamy.access.services.memberships import membership_grant
from shamy.accounts.models import User
from shamy.audit.services.entries import audit_record
from shamy.core.signals import bulk_data_changed
from shamy.core.text import SORT_SEPARATOR, kazakh_sort_name, search_key
from shamy.registry.demo.identifiers import BinGenerator, IinGenerator
from shamy.registry.demo.plan import (
    DemoPlan,
    SchoolPlan,
    build_plan,
    people_for_school,
    seeded_random,
)
from shamy.registry.models import (
    Country,
    District,
    Employment,
    Locality,
    Organisation,
    OrganisationKind,
    Person,
    Position,
    Region,
    School,
)

DEMO_PASSWORD = "shamy-demo-2026"  # noqa: S105 (the published password of the demo accounts)
BATCH_SIZE = 4000
# The people are written in chunks of about this many, so memory stays flat at national scale.
PEOPLE_CHUNK = 20_000
AUDIT_ACTION = "registry.demo.loaded"
PRINCIPAL_REGION_KATO = "19"  # Almaty Region
REGIONAL_ANALYST_REGION_KATO = "19"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    full_name: str
    sees: str


DEMO_LOGINS = (
    DemoLogin(Role.SYSTEM_ADMIN, "admin@demo.shamy.kz", "Айгерім Сапарова", "everything, the audit log, imports"),
    DemoLogin(Role.MINISTRY_ANALYST, "analyst@demo.shamy.kz", "Дана Жұмабаева", "the whole country; IINs masked"),
    DemoLogin(Role.REGIONAL_ANALYST, "region@demo.shamy.kz", "Қайрат Омаров", "Almaty Region only"),
    # The principal's name is taken from the generated principal of their school.
    DemoLogin(Role.SCHOOL_PRINCIPAL, "principal@demo.shamy.kz", "", "one rural school in Almaty Region, its staff"),
)


class DemoRefused(Exception):
    """The database must not receive demo data."""


@dataclass(frozen=True)
class DemoSummary:
    already_loaded: bool
    counts: dict[str, int]
    seconds: float


def demo_counts() -> dict[str, int]:
    return {
        "regions": Region.objects.count(),
        "districts": District.objects.filter(is_demo=True).count(),
        "schools": School.objects.filter(is_demo=True).count(),
        "urban_schools": School.objects.filter(is_demo=True, locality=Locality.URBAN).count(),
        "rural_schools": School.objects.filter(is_demo=True, locality=Locality.RURAL).count(),
        "small_class_schools": School.objects.filter(is_demo=True, is_small_class=True).count(),
        "people": Person.objects.filter(is_demo=True).count(),
        "teachers": Employment.objects.filter(person__is_demo=True, position=Position.TEACHER).count(),
        "principals": Employment.objects.filter(person__is_demo=True, position=Position.PRINCIPAL).count(),
        "organisations": Organisation.objects.filter(is_demo=True).count(),
        "demo_users": User.objects.filter(is_demo=True).count(),
    }


def _loaded_counts() -> dict[str, int]:
    """The two figures printed when the demo is already there; cheap even at national scale."""
    return {
        "schools": School.objects.filter(is_demo=True).count(),
        "people": Person.objects.filter(is_demo=True).count(),
    }


def demo_is_loaded() -> bool:
    return School.objects.filter(is_demo=True).exists()


def demo_check_allowed() -> None:
    """Raise :class:`DemoRefused` unless this database may receive demo data."""
    if not settings.SHAMY_DEMO_ALLOWED:
        raise DemoRefused(
            "Demo data is disabled on this deployment (SHAMY_DEMO_ALLOWED is off; it defaults to DEBUG). "
            "Set SHAMY_DEMO_ALLOWED=1 only for a database meant to hold nothing but the demo."
        )
    real_schools = School.objects.filter(is_demo=False).count()
    real_people = Person.objects.filter(is_demo=False).count()
    if real_schools or real_people:
        raise DemoRefused(
            f"This database holds real data ({real_schools} schools and {real_people} people not marked as "
            "demo). Demo data is only loaded into a database without real schools or people."
        )
    taken = list(User.objects.filter(email__in=[login.email for login in DEMO_LOGINS], is_demo=False))
    if taken:
        raise DemoRefused(f"A real account already uses the demo address {taken[0].email}.")


def demo_load(*, scale: float = 1.0, report: Callable[[str], None] | None = None) -> DemoSummary:
    """Load the national demo data at ``scale`` unless it is loaded already.

    Raises :class:`DemoRefused` when the deployment or database must not hold demo data, and
    ValueError for a scale outside (0, MAX_SCALE]. Records one audit entry, ``registry.demo.loaded``.
    A database that already holds the demo is left alone (and reported as such) before the real
    data check, so ``make demo`` still starts after someone added a school by hand.
    """
    started = time.monotonic()

    def say(message: str) -> None:
        if report is not None:
            report(f"{message} ({time.monotonic() - started:.1f} s)")

    if not settings.SHAMY_DEMO_ALLOWED:
        demo_check_allowed()
    if demo_is_loaded():
        return DemoSummary(already_loaded=True, counts=_loaded_counts(), seconds=time.monotonic() - started)
    plan = build_plan(scale, today=timezone.localdate())
    with transaction.atomic():
        # Checked again inside the transaction: on SQLite it holds the write lock from BEGIN.
        demo_check_allowed()
        if demo_is_loaded():
            return DemoSummary(already_loaded=True, counts=_loaded_counts(), seconds=time.monotonic() - started)
        regions = _regions_upsert(plan)
        say(f"regions: {len(regions)}")
        operator = _organisations_create(regions, plan)
        districts = _districts_create(plan, regions)
        say(f"districts: {len(districts)}")
        schools = _schools_create(plan, regions, districts, operator)
        say(f"schools: {len(schools)}")
        principals = _people_create(plan, schools, say)
        _demo_cast_create(plan, regions, schools, principals)
        counts = demo_counts()
        audit_record(
            actor=None,
            action=AUDIT_ACTION,
            target=None,
            target_label="national demo data",
            after={"scale": scale, "counts": counts},
        )
        transaction.on_commit(_after_bulk_load)
    return DemoSummary(already_loaded=False, counts=counts, seconds=time.monotonic() - started)


def _after_bulk_load() -> None:
    """The rows went in around the ORM: refresh planner statistics and tell caches."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    bulk_data_changed.send(sender="registry")


def _regions_upsert(plan: DemoPlan) -> dict[str, Region]:
    """The 20 regions are real reference data: updated in place by KATO code, never duplicated.
    Above scale 1 the synthetic copies' regions (marked names, unused codes) come after them."""
    regions = {}
    for facts in plan.regions:
        region, _ = Region.objects.update_or_create(
            country=Country.KAZAKHSTAN,
            kato=facts.kato,
            defaults={
                "kind": Region.Kind.CITY if facts.kind == "city" else Region.Kind.REGION,
                "name_kk": facts.name_kk,
                "name_ru": facts.name_ru,
                "name_en": facts.name_en,
            },
        )
        regions[facts.kato] = region
    return regions


def _russian_genitive_region(name_ru: str) -> str:
    if name_ru.endswith("ская область"):
        return name_ru.removesuffix("ская область") + "ской области"
    if name_ru.startswith("область "):
        return "области " + name_ru.removeprefix("область ")
    if name_ru.startswith("город "):
        return "города " + name_ru.removeprefix("город ")
    return name_ru


def _organisations_create(regions: dict[str, Region], plan: DemoPlan) -> Organisation:
    """The ministry, the 20 regional departments and a few partners. Returns the school operator."""
    taken: list[str | None] = [school.bin for school in plan.schools if school.bin]
    taken += list(Organisation.objects.exclude(bin=None).values_list("bin", flat=True))
    bins = BinGenerator(seeded_random("organisations"), first_year=1995, last_year=2018, taken=taken)
    kz = Country.KAZAKHSTAN
    rows: list[dict[str, Any]] = [
        {
            "kind": OrganisationKind.MINISTRY,
            "name_kk": "Қазақстан Республикасының Оқу-ағарту министрлігі",
            "name_ru": "Министерство просвещения Республики Казахстан",
            "name_en": "Ministry of Enlightenment of the Republic of Kazakhstan",
            "website": "https://www.gov.kz/memleket/entities/edu",
        },
    ]
    for kato, region in regions.items():
        rows.append(
            {
                "kind": OrganisationKind.REGIONAL_DEPARTMENT,
                "region": region,
                "name_kk": f"{region.name_kk}ның білім басқармасы",
                "name_ru": f"Управление образования {_russian_genitive_region(region.name_ru)}",
                "name_en": f"Education Department of {region.name_en}",
                "kato": kato,
            }
        )
    rows += [
        {
            "kind": OrganisationKind.INTERNATIONAL,
            "region": regions["75"],
            "name_kk": "ЮНЕСКО-ның Алматыдағы кластерлік бюросы",
            "name_ru": "Кластерное бюро ЮНЕСКО в Алматы",
            "name_en": "UNESCO Almaty Cluster Office",
            "website": "https://www.unesco.org/en/fieldoffice/almaty",
            "no_bin": True,
        },
        {
            "kind": OrganisationKind.NGO,
            "region": regions["71"],
            "name_kk": "«Teach for Qazaqstan» қоғамдық қоры",
            "name_ru": "Общественный фонд «Teach for Qazaqstan»",
            "name_en": "Teach for Qazaqstan Public Foundation",
        },
        {
            "kind": OrganisationKind.NGO,
            "country": Country.OTHER,
            "name_kk": "HertsCam мұғалімдер желісі",
            "name_ru": "Сеть учителей HertsCam",
            "name_en": "HertsCam Network",
            "no_bin": True,
        },
        {
            "kind": OrganisationKind.NGO,
            "region": regions["75"],
            "name_kk": "«Мұғалім көшбасшылығы» қоғамдық бірлестігі",
            "name_ru": "Общественное объединение «Учительское лидерство»",
            "name_en": "Teacher Leadership Public Association",
        },
        {
            "kind": OrganisationKind.UNIVERSITY,
            "region": regions["71"],
            "name_kk": "Назарбаев Университеті",
            "name_ru": "Назарбаев Университет",
            "name_en": "Nazarbayev University",
            "website": "https://nu.edu.kz",
        },
        {
            "kind": OrganisationKind.UNIVERSITY,
            "region": regions["75"],
            "name_kk": "Абай атындағы Қазақ ұлттық педагогикалық университеті",
            "name_ru": "Казахский национальный педагогический университет имени Абая",
            "name_en": "Abai Kazakh National Pedagogical University",
        },
        {
            "kind": OrganisationKind.SCHOOL_OPERATOR,
            "region": regions["71"],
            "name_kk": "BINOM мектептер желісі",
            "name_ru": "Сеть школ BINOM",
            "name_en": "BINOM Schools",
            "operator": True,
        },
        {
            "kind": OrganisationKind.UNIVERSITY,
            "country": Country.KYRGYZSTAN,
            "name_kk": "Қырғыз білім академиясы",
            "name_ru": "Кыргызская академия образования",
            "name_en": "Kyrgyz Academy of Education",
            "no_bin": True,
        },
        {
            "kind": OrganisationKind.UNIVERSITY,
            "country": Country.TAJIKISTAN,
            "name_kk": "С. Айни атындағы Тәжік мемлекеттік педагогикалық университеті",
            "name_ru": "Таджикский государственный педагогический университет имени С. Айни",
            "name_en": "Tajik State Pedagogical University named after S. Aini",
            "no_bin": True,
        },
        {
            "kind": OrganisationKind.UNIVERSITY,
            "country": Country.UZBEKISTAN,
            "name_kk": "Низами атындағы Ташкент мемлекеттік педагогикалық университеті",
            "name_ru": "Ташкентский государственный педагогический университет имени Низами",
            "name_en": "Tashkent State Pedagogical University named after Nizami",
            "no_bin": True,
        },
    ]
    organisations = []
    operator_index = 0
    for row in rows:
        foreign = row.get("country", kz) != kz
        organisations.append(
            Organisation(
                kind=row["kind"],
                country=row.get("country", kz),
                region=row.get("region"),
                name_kk=row["name_kk"],
                name_ru=row["name_ru"],
                name_en=row["name_en"],
                website=row.get("website", ""),
                bin=None if foreign or row.get("no_bin") else bins.make(),
                is_demo=True,
            )
        )
        if row.get("operator"):
            operator_index = len(organisations) - 1
    created = Organisation.objects.bulk_create(organisations, batch_size=BATCH_SIZE)
    return created[operator_index]


def _districts_create(plan: DemoPlan, regions: dict[str, Region]) -> list[District]:
    existing = {d.kato: d for d in District.objects.filter(kato__in=[d.kato for d in plan.districts])}
    new = [
        District(
            region=regions[d.region_kato],
            kato=d.kato,
            name_kk=d.name_kk,
            name_ru=d.name_ru,
            name_en=d.name_en,
            is_city=d.is_city and regions[d.region_kato].kind == Region.Kind.REGION,
            is_demo=True,
        )
        for d in plan.districts
        if d.kato not in existing
    ]
    created = {d.kato: d for d in District.objects.bulk_create(new, batch_size=BATCH_SIZE)}
    return [existing.get(d.kato) or created[d.kato] for d in plan.districts]


def _schools_create(
    plan: DemoPlan, regions: dict[str, Region], districts: list[District], operator: Organisation
) -> list[School]:
    rows = []
    for school in plan.schools:
        rows.append(
            School(
                external_id=school.external_id,
                name_kk=school.name_kk,
                name_ru=school.name_ru,
                bin=school.bin,
                kato=school.kato,
                region=regions[school.region_kato],
                district=districts[school.district_index],
                locality=school.locality,
                is_small_class=school.is_small_class,
                language=school.language,
                grade_from=school.grade_from,
                grade_to=school.grade_to,
                pupils=school.pupils,
                teachers=school.teachers,
                internet=school.internet,
                internet_connected_on=school.internet_connected_on,
                modernised_year=school.modernised_year,
                ownership=school.ownership,
                # Handed-over schools keep the operator that built and ran them, with the handover date.
                operator=operator if school.handover_on is not None else None,
                handover_on=school.handover_on,
                future_school=school.future_school,
                future_school_planned_year=school.future_school_planned_year,
                future_school_built_year=school.future_school_built_year,
                latitude=school.latitude,
                longitude=school.longitude,
                search_text=search_key(school.name_kk, school.name_ru),
                is_demo=True,
            )
        )
    return School.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def _people_create(plan: DemoPlan, schools: list[School], say: Callable[[str], None]) -> dict[int, Person]:
    """Every school's principal and teachers, with their employments. Returns principals by school id.

    Some 348,000 people and as many employments: ``bulk_create`` spends about 0.3 ms of Python
    per row here (and SQLite caps its batches at 999 parameters, ~60 rows), which alone would take
    minutes. So these two tables get a plain bulk INSERT (``executemany``; ``COPY`` on PostgreSQL)
    with ids assigned by the loader under the transaction's lock; see docs/benchmarks.md, "Seeding".
    """
    person_ids = _id_block(Person)
    employment_ids = _id_block(Employment)
    taken = Person.objects.exclude(iin=None).values_list("iin", flat=True)
    iins = IinGenerator(taken)
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    json_field = Person._meta.get_field("languages")
    json_values: dict[tuple[str, ...], Any] = {}

    # Names and dates repeat a lot: fold each name and adapt each date once.
    fold = functools.cache(search_key)
    sort_part = functools.cache(kazakh_sort_name)
    adapt_date = functools.cache(ops.adapt_datefield_value)

    def as_json(values: list[str]) -> Any:
        # Few distinct lists occur, so each is adapted for the database once.
        key = tuple(values)
        if key not in json_values:
            json_values[key] = json_field.get_db_prep_save(values, connection)
        return json_values[key]

    principals: dict[int, int] = {}
    people: list[tuple[Any, ...]] = []
    jobs: list[tuple[Any, ...]] = []

    written = 0

    def flush() -> None:
        nonlocal written
        _insert_many(Person, PERSON_COLUMNS, people)
        _insert_many(Employment, EMPLOYMENT_COLUMNS, jobs)
        written += len(people)
        say(f"people: {written}")
        people.clear()
        jobs.clear()

    for school_plan, school in zip(plan.schools, schools, strict=True):
        for person in people_for_school(school_plan, iins):
            fields = person.fields
            person_id = next(person_ids)
            people.append(
                (
                    person_id,
                    fields["surname"],
                    fields["given_name"],
                    fields["patronymic"],
                    fields["iin"],
                    fields["email"],
                    fields["phone"],
                    as_json(fields["languages"]),
                    as_json(fields["subjects"]),
                    fields["qualification"],
                    # Equal to search_key(surname, given name, patronymic): NFKC and casefold work
                    # part by part on these names, and none is empty.
                    f"{fold(fields['surname'])} {fold(fields['given_name'])} {fold(fields['patronymic'])}",
                    f"{sort_part(fields['surname'])}{SORT_SEPARATOR}{sort_part(fields['given_name'])}",
                    True,
                    now,
                    now,
                )
            )
            jobs.append(
                (
                    next(employment_ids),
                    person_id,
                    school.pk,
                    person.position,
                    adapt_date(person.starts_on),
                )
            )
            if person.position == Position.PRINCIPAL:
                principals[school.pk] = person_id
        if len(people) >= PEOPLE_CHUNK:
            flush()
    if people:
        flush()
    _sequences_reset(Person, Employment)
    by_id = Person.objects.in_bulk(list(principals.values()))
    return {school_id: by_id[person_id] for school_id, person_id in principals.items()}


PERSON_COLUMNS = (
    "id",
    "surname",
    "given_name",
    "patronymic",
    "iin",
    "email",
    "phone",
    "languages",
    "subjects",
    "qualification",
    "search_text",
    "sort_name",
    "is_demo",
    "created_at",
    "updated_at",
)
EMPLOYMENT_COLUMNS = ("id", "person_id", "school_id", "position", "starts_on")


def _id_block(model: type[models.Model]) -> Iterator[int]:
    """Ids after the table's highest, reserved by locking the table until the transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {connection.ops.quote_name(model._meta.db_table)} IN EXCLUSIVE MODE")
    # On SQLite the IMMEDIATE transaction already holds the database's write lock.
    highest = model._default_manager.aggregate(highest=Max("pk"))["highest"] or 0
    return itertools.count(highest + 1)


def _insert_many(model: type[models.Model], columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """INSERT ``rows`` (values already adapted for this database) in bulk.

    SQLite: ``executemany`` of one prepared statement. PostgreSQL: ``COPY ... FROM STDIN``, since
    psycopg would otherwise send one statement per row.
    """
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(columns))
        # Table and column names come from the model, never from input.
        sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608
        for start in range(0, len(rows), BATCH_SIZE):
            cursor.executemany(sql, rows[start : start + BATCH_SIZE])


def _sequences_reset(*models_: type[models.Model]) -> None:
    """After inserting explicit ids, move PostgreSQL's sequences past them (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _principal_school(plan: DemoPlan, schools: list[School]) -> School:
    """The demo principal's school: the first rural, not small-class school in Almaty Region."""
    candidates: list[tuple[SchoolPlan, School]] = [
        (p, s) for p, s in zip(plan.schools, schools, strict=True) if p.region_kato == PRINCIPAL_REGION_KATO
    ]
    for school_plan, school in candidates:
        if school_plan.locality == Locality.RURAL and not school_plan.is_small_class:
            return school
    for school_plan, school in candidates:
        if school_plan.locality == Locality.RURAL:
            return school
    return candidates[0][1]


def _demo_cast_create(
    plan: DemoPlan, regions: dict[str, Region], schools: list[School], principals: dict[int, Person]
) -> None:
    """One login per role. Each membership goes through ``membership_grant`` (audited)."""
    school = _principal_school(plan, schools)
    principal_person = principals[school.pk]
    starts_on = datetime.date(2024, 9, 1)
    # One hash for the shared, published password: argon2 is slow by design.
    password = make_password(DEMO_PASSWORD)
    for login in DEMO_LOGINS:
        full_name = login.full_name or f"{principal_person.given_name} {principal_person.surname}"
        user = User.objects.filter(email=login.email).first()
        if user is None:
            user = User(email=login.email, full_name=full_name, is_demo=True, language="kk", password=password)
            user.full_clean()
            user.save()
        region_id = regions[REGIONAL_ANALYST_REGION_KATO].pk if login.role == Role.REGIONAL_ANALYST else None
        school_id = school.pk if login.role == Role.SCHOOL_PRINCIPAL else None
        if login.role == Role.SCHOOL_PRINCIPAL:
            principal_person.user = user
            principal_person.email = login.email
            principal_person.save(update_fields=["user", "email", "updated_at"])
        if not Membership.objects.filter(user=user, role=login.role).exists():
            membership_grant(
                actor=None, user=user, role=login.role, region_id=region_id, school_id=school_id, starts_on=starts_on
            )
