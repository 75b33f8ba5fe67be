"""Programme demo data on top of the registry demo (``manage.py seed_demo``).

Builds a teacher-leadership programme like UNESCO's "Auyldyk Mektep Shamy" rural-schools
pilot: 11 rural demo schools in Almaty Region (KATO 19), Atyrau (23) and Mangystau (47), each
with its principal, two school facilitators and twelve teachers taken from the school's
registry staff (132 teachers with the facilitators), three link facilitators (one per region),
a coordinator, a certifier and an observer; a year of fortnightly in-school sessions, an
induction workshop, network events each term, a webinar and a final conference, with
attendance for everything in the past. A second, earlier programme is finished.

Deterministic (fixed random seed, dates relative to the current school year) and idempotent.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from shamy.access.models import Membership
from shamy.access.roles import Role
from shamy.accounts.models import User
from shamy.attendance.models import Attendance, AttendanceStatus, Gathering, GatheringKind
from shamy.attendance.services.gatherings import gathering_create, series_create
from shamy.audit.services.entries import audit_record
from shamy.core.signals import bulk_data_changed
from shamy.programmes.models import (
    Cohort,
    MethodologyStage,
    PartnerPart,
    Programme,
    ProgrammePartner,
    ProgrammeStatus,
)
from shamy.programmes.services.enrolment import cohort_school_add, link_assignment_add, programme_membership_grant
from shamy.registry.models import Country, Locality, Organisation, OrganisationKind, Person, Position, School

PILOT_NAME_EN = "Auyldyk Mektep Shamy: rural schools teacher leadership (demo)"
EARLIER_NAME_EN = "Teacher Leadership in Kazakhstan, first phase (demo)"
SCHOOLS_PER_REGION = {"19": 4, "23": 4, "47": 3}
TEACHERS_PER_SCHOOL = 12
FACILITATORS_PER_SCHOOL = 2
DEMO_DOMAIN = "demo.shamy.kz"
AUDIT_ACTION = "programmes.demo.loaded"


@dataclass(frozen=True)
class ProgrammeDemoLogin:
    key: str
    role: str
    email: str
    sees: str


PROGRAMME_DEMO_LOGINS = (
    ProgrammeDemoLogin("coordinator", Role.COORDINATOR, f"coordinator@{DEMO_DOMAIN}", "the whole pilot programme"),
    ProgrammeDemoLogin(
        "facilitator", Role.SCHOOL_FACILITATOR, f"facilitator@{DEMO_DOMAIN}", "one school's sessions; takes attendance"
    ),
    ProgrammeDemoLogin("link", Role.LINK_FACILITATOR, f"link@{DEMO_DOMAIN}", "the Almaty Region schools of the pilot"),
    ProgrammeDemoLogin("teacher", Role.TEACHER, f"teacher@{DEMO_DOMAIN}", "own sessions, hours and calendar"),
    ProgrammeDemoLogin("certifier", Role.CERTIFIER, f"certifier@{DEMO_DOMAIN}", "submitted portfolios only"),
    ProgrammeDemoLogin("observer", Role.OBSERVER, f"observer@{DEMO_DOMAIN}", "attendance rates only"),
)

STAGES = (
    (
        "concern",
        "Мәселені анықтау",
        "Выявление проблемы",
        "Identifying a concern",
        "Сабақта сізді не алаңдатады? Оқушылардың оқуына қатысты бір нақты мәселені таңдаңыз.",
        "Что вас беспокоит на уроках? Выберите одну конкретную проблему, связанную с учением детей.",
        "What worries you in your lessons? Choose one concrete concern about pupils' learning.",
    ),
    (
        "values",
        "Құндылықтар мен күтілетін әсер",
        "Ценности и ожидаемое влияние",
        "Clarifying values and intended impact",
        "Бұл мәселе неге маңызды? Оқушыларға, әріптестерге және мектепке қандай әсер күтесіз?",
        "Почему это важно? Какого влияния вы ждёте на учеников, коллег и школу?",
        "Why does it matter? What impact do you hope for on pupils, colleagues and the school?",
    ),
    (
        "consult",
        "Әріптестермен және директормен кеңесу",
        "Консультации с коллегами и директором",
        "Consulting and negotiating",
        "Жоспарыңызды әріптестеріңізбен және директормен талқылап, келісіңіз.",
        "Обсудите замысел с коллегами и директором, договоритесь о поддержке.",
        "Discuss the idea with colleagues and the principal and agree on support.",
    ),
    (
        "plan",
        "Жоспарлау",
        "Планирование",
        "Planning",
        "Қадамдар мен мерзімдерді жазыңыз: не, қашан, кіммен.",
        "Запишите шаги и сроки: что, когда и с кем.",
        "Write down the steps with dates: what, when and with whom.",
    ),
    (
        "lead",
        "Өзгерісті басқару және дәлел жинау",
        "Проведение изменений и сбор материалов",
        "Leading the change and gathering evidence",
        "Жоспарды жүзеге асырыңыз, фото, оқушы жұмыстары мен пікірлерді жинаңыз.",
        "Реализуйте план, собирайте фото, работы учеников и отзывы.",
        "Carry out the plan and collect photos, pupils' work and feedback.",
    ),
    (
        "reflect",
        "Әсер туралы рефлексия",
        "Осмысление влияния проекта",
        "Reflecting on the impact",
        "Не өзгерді? Дәлелдер нені көрсетеді? Келесі жолы не істер едіңіз?",
        "Что изменилось? Что показывают собранные материалы? Что бы вы сделали иначе?",
        "What changed? What does the evidence show? What would you do differently?",
    ),
    (
        "write",
        "Жобаны жазу",
        "Описание проекта",
        "Writing it up",
        "Жобаңызды портфолиоға жинап, қысқаша сипаттама жазыңыз.",
        "Соберите проект в портфолио и напишите краткое описание.",
        "Gather the project into a portfolio and write a short account.",
    ),
)


class ProgrammeDemoRefused(Exception):
    """The database must not, or cannot yet, receive programme demo data."""


@dataclass(frozen=True)
class ProgrammeDemoSummary:
    already_loaded: bool
    counts: dict[str, int]
    seconds: float


def programme_demo_counts() -> dict[str, int]:
    pilot = Programme.objects.filter(is_demo=True, name_en=PILOT_NAME_EN).first()
    memberships = Membership.objects.filter(programme=pilot) if pilot else Membership.objects.none()
    return {
        "programmes": Programme.objects.filter(is_demo=True).count(),
        "schools": pilot.cohorts.aggregate(n=Count("schools"))["n"] if pilot else 0,
        "principals": memberships.filter(role=Role.SCHOOL_PRINCIPAL).count(),
        "facilitators": memberships.filter(role=Role.SCHOOL_FACILITATOR).count(),
        "teachers": memberships.filter(role=Role.TEACHER).count(),
        "link_facilitators": memberships.filter(role=Role.LINK_FACILITATOR).count(),
        "gatherings": Gathering.objects.filter(is_demo=True).count(),
        "attendance": Attendance.objects.filter(gathering__is_demo=True).exclude(status="").count(),
    }


def programme_demo_check() -> None:
    """Raise :class:`ProgrammeDemoRefused` unless this database may receive programme demo data."""
    if not getattr(settings, "SHAMY_DEMO_ALLOWED", settings.DEBUG):
        raise ProgrammeDemoRefused(
            "Demo data is disabled on this deployment (SHAMY_DEMO_ALLOWED is off). "
            "Set SHAMY_DEMO_ALLOWED=1 only for a database meant to hold nothing but the demo."
        )
    real_schools = School.objects.filter(is_demo=False).count()
    real_people = Person.objects.filter(is_demo=False).count()
    if real_schools or real_people:
        raise ProgrammeDemoRefused(
            f"This database holds real data ({real_schools} schools and {real_people} people not marked as demo). "
            "Programme demo data is only loaded into a demo database."
        )
    if Programme.objects.filter(is_demo=False).exists():
        raise ProgrammeDemoRefused(
            "This database holds real programmes; programme demo data is not loaded beside them."
        )
    if not School.objects.filter(is_demo=True).exists():
        raise ProgrammeDemoRefused("No demo schools yet: run `python manage.py seed_demo` first.")
    taken = User.objects.filter(email__in=[login.email for login in PROGRAMME_DEMO_LOGINS], is_demo=False).first()
    if taken is not None:
        raise ProgrammeDemoRefused(f"A real account already uses the demo address {taken.email}.")


def _school_year_start(today: datetime.date) -> int:
    return today.year if today.month >= 9 else today.year - 1


def _pick_schools(kato: str, count: int, exclude: set[int], need: int) -> list[School]:
    today = timezone.localdate()
    current = Q(employments__ends_on__isnull=True) | Q(employments__ends_on__gte=today)
    schools = (
        School.objects.filter(is_demo=True, region__kato=kato, locality=Locality.RURAL)
        .exclude(pk__in=sorted(exclude))
        .annotate(
            staff=Count("employments", filter=current & Q(employments__position=Position.TEACHER)),
            heads=Count("employments", filter=current & Q(employments__position=Position.PRINCIPAL)),
        )
        .filter(staff__gte=need, heads__gte=1)
        .order_by("id")
    )
    picked: list[School] = list(schools[:count])
    if len(picked) < count:
        raise ProgrammeDemoRefused(
            f"Not enough rural demo schools with {need}+ teachers in the region with KATO {kato} "
            f"({len(picked)} of {count}). Run `python manage.py seed_demo` with a larger --scale."
        )
    return picked


def _staff(school: School, position: str, count: int) -> list[Person]:
    today = timezone.localdate()
    return list(
        Person.objects.filter(employments__school=school, employments__position=position)
        .filter(Q(employments__ends_on__isnull=True) | Q(employments__ends_on__gte=today))
        .distinct()
        .order_by("id")[:count]
    )


class _Accounts:
    """Creates demo accounts for registry people, with one shared password hash."""

    def __init__(self) -> None:
        from shamy.registry.demo.loader import DEMO_PASSWORD

        self.password = make_password(DEMO_PASSWORD)

    def for_person(self, person: Person, email: str | None = None) -> User:
        if person.user_id is not None:
            return person.user  # type: ignore[return-value]
        address = (email or f"person{person.pk}@{DEMO_DOMAIN}").lower()
        user = User.objects.filter(email=address).first()
        if user is None:
            user = User(
                email=address,
                full_name=f"{person.given_name} {person.surname}",
                is_demo=True,
                language="kk",
                password=self.password,
            )
            user.full_clean()
            user.save()
        person.user = user
        person.save(update_fields=["user", "updated_at"])
        return user

    def standalone(self, email: str, full_name: str) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, full_name=full_name, is_demo=True, language="kk", password=self.password)
            user.full_clean()
            user.save()
        return user


def _organisation(
    name_en: str, kind: str, name_kk: str, name_ru: str, country: str = Country.KAZAKHSTAN
) -> Organisation:
    found = Organisation.objects.filter(name_en=name_en).first()
    if found is not None:
        return found
    organisation = Organisation(
        kind=kind, name_kk=name_kk, name_ru=name_ru, name_en=name_en, country=country, is_demo=True
    )
    organisation.full_clean()
    organisation.save()
    return organisation


def _stages(programme: Programme) -> None:
    for order, (code, title_kk, title_ru, title_en, guide_kk, guide_ru, guide_en) in enumerate(STAGES, start=1):
        MethodologyStage.objects.create(
            programme=programme,
            order=order,
            code=code,
            title_kk=title_kk,
            title_ru=title_ru,
            title_en=title_en,
            guidance_kk=guide_kk,
            guidance_ru=guide_ru,
            guidance_en=guide_en,
        )


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


def _first_weekday(day: datetime.date, weekday: int) -> datetime.date:
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def _mark_past(rng: random.Random, now: datetime.datetime) -> int:
    """Mark attendance of every past demo gathering: mostly present, some late, excused, absent."""
    rows = list(
        Attendance.objects.filter(gathering__is_demo=True, gathering__ends_at__lt=now, status="").select_related(
            "gathering"
        )
    )
    leads: dict[int, int | None] = {}
    for gathering_id, user_id in Gathering.leads.through.objects.filter(
        gathering_id__in={row.gathering_id for row in rows}
    ).values_list("gathering_id", "user_id"):
        leads.setdefault(gathering_id, user_id)
    # Some people come less: each person gets a reliability between 70 % and 98 %.
    reliability: dict[int, float] = {}
    for row in rows:
        chance = reliability.setdefault(row.person_id, rng.uniform(0.7, 0.98))
        draw = rng.random()
        if draw < chance:
            row.status = AttendanceStatus.PRESENT if rng.random() > 0.1 else AttendanceStatus.LATE
        else:
            row.status = AttendanceStatus.EXCUSED if rng.random() < 0.5 else AttendanceStatus.ABSENT
        row.marked_by_id = leads.get(row.gathering_id)
        row.marked_at = row.gathering.ends_at
    Attendance.objects.bulk_update(rows, ["status", "marked_by", "marked_at"], batch_size=1000)
    return len(rows)


def _load_pilot(accounts: _Accounts, rng: random.Random, report: Callable[[str], None]) -> Programme:
    today = timezone.localdate()
    year = _school_year_start(today) - 1  # the pilot year started a year before the current school year
    organiser = _organisation(
        "UNESCO Almaty Cluster Office",
        OrganisationKind.INTERNATIONAL,
        "ЮНЕСКО-ның Алматыдағы кластерлік бюросы",
        "Кластерное бюро ЮНЕСКО в Алматы",
    )
    methodology = _organisation(
        "HertsCam Network", OrganisationKind.NGO, "HertsCam мұғалімдер желісі", "Сеть учителей HertsCam", Country.OTHER
    )
    facilitation = _organisation(
        "Teacher Leadership Public Association",
        OrganisationKind.NGO,
        "«Мұғалім көшбасшылығы» қоғамдық бірлестігі",
        "Общественное объединение «Учительское лидерство»",
    )
    university = _organisation(
        "Abai Kazakh National Pedagogical University",
        OrganisationKind.UNIVERSITY,
        "Абай атындағы Қазақ ұлттық педагогикалық университеті",
        "Казахский национальный педагогический университет имени Абая",
    )
    programme = Programme(
        name_kk="Ауылдық мектеп шамы",
        name_ru="Ауылдық мектеп шамы: лидерство учителей сельских школ",
        name_en=PILOT_NAME_EN,
        description_kk="Ауыл мектептеріндегі мұғалімдердің лауазымсыз көшбасшылығын дамыту жобасы (демо).",
        description_ru="Проект развития непозиционного лидерства учителей в сельских школах (демо).",
        description_en="Non-positional teacher leadership in rural schools (demo data).",
        country=Country.KAZAKHSTAN,
        starts_on=datetime.date(year, 8, 1),
        ends_on=datetime.date(year + 2, 6, 30),
        status=ProgrammeStatus.ACTIVE,
        is_demo=True,
    )
    programme.full_clean()
    programme.save()
    _stages(programme)
    for organisation, part in (
        (organiser, PartnerPart.ORGANISER),
        (methodology, PartnerPart.METHODOLOGY),
        (facilitation, PartnerPart.FACILITATION),
        (university, PartnerPart.CERTIFICATION),
    ):
        ProgrammePartner.objects.create(programme=programme, organisation=organisation, part=part)
    cohort = Cohort.objects.create(
        programme=programme,
        name_kk=f"Пилот {year}–{year + 2}",
        name_ru=f"Пилот {year}–{year + 2}",
        name_en=f"Pilot {year}–{year + 2}",
        starts_on=datetime.date(year, 9, 1),
        ends_on=datetime.date(year + 2, 5, 31),
        facilitators_per_school=FACILITATORS_PER_SCHOOL,
    )
    logins = {login.key: login for login in PROGRAMME_DEMO_LOGINS}
    coordinator = accounts.standalone(logins["coordinator"].email, "Әлия Қасымова")
    programme_membership_grant(
        actor=None, user=coordinator, programme=programme, role=Role.COORDINATOR, starts_on=programme.starts_on
    )
    certifier = accounts.standalone(logins["certifier"].email, "Серік Жақсылықов")
    programme_membership_grant(
        actor=None, user=certifier, programme=programme, role=Role.CERTIFIER, starts_on=programme.starts_on
    )
    observer = accounts.standalone(logins["observer"].email, "Нұрлан Байжанов")
    programme_membership_grant(
        actor=None, user=observer, programme=programme, role=Role.OBSERVER, starts_on=programme.starts_on
    )

    need = TEACHERS_PER_SCHOOL + FACILITATORS_PER_SCHOOL
    picked: dict[str, list[School]] = {}
    taken: set[int] = set()
    for kato, count in SCHOOLS_PER_REGION.items():
        picked[kato] = _pick_schools(kato, count, taken, need)
        taken |= {school.pk for school in picked[kato]}
    starts = datetime.date(year, 9, 1)
    facilitators_by_school: dict[int, list[User]] = {}
    first_school = True
    for kato, schools in picked.items():
        link_user = accounts.standalone(
            logins["link"].email if kato == "19" else f"link{kato}@{DEMO_DOMAIN}",
            {"19": "Мадина Оспанова", "23": "Айбек Нұрмағамбетов", "47": "Гүлжан Тәжібаева"}[kato],
        )
        link_membership = programme_membership_grant(
            actor=None, user=link_user, programme=programme, role=Role.LINK_FACILITATOR, starts_on=starts
        )
        for school in schools:
            cohort_school = cohort_school_add(actor=None, cohort=cohort, school=school, joined_on=starts)
            link_assignment_add(actor=None, membership=link_membership, cohort_school=cohort_school)
            principal = _staff(school, Position.PRINCIPAL, 1)[0]
            programme_membership_grant(
                actor=None,
                user=accounts.for_person(principal),
                programme=programme,
                role=Role.SCHOOL_PRINCIPAL,
                cohort=cohort,
                school=school,
                starts_on=starts,
            )
            staff = _staff(school, Position.TEACHER, need)
            facilitators = []
            for index, person in enumerate(staff):
                email = None
                if first_school and index == 0:
                    email = logins["facilitator"].email
                elif first_school and index == FACILITATORS_PER_SCHOOL:
                    email = logins["teacher"].email
                user = accounts.for_person(person, email)
                role = Role.SCHOOL_FACILITATOR if index < FACILITATORS_PER_SCHOOL else Role.TEACHER
                programme_membership_grant(
                    actor=None,
                    user=user,
                    programme=programme,
                    role=role,
                    cohort=cohort,
                    school=school,
                    starts_on=starts,
                )
                if role == Role.SCHOOL_FACILITATOR:
                    facilitators.append(user)
            facilitators_by_school[school.pk] = facilitators
            first_school = False
        report(f"region {kato}: {len(schools)} schools enrolled")

    # The induction workshop trains facilitators and principals in January of the pilot year.
    induction_day = _first_weekday(datetime.date(year + 1, 1, 15), 1)
    induction_people = [
        (membership.user.person, membership.school_id)  # type: ignore[union-attr]
        for membership in Membership.objects.filter(
            programme=programme, role__in=[Role.SCHOOL_FACILITATOR, Role.SCHOOL_PRINCIPAL]
        ).select_related("user__person")
    ]
    gathering_create(
        actor=None,
        programme=programme,
        cohort=cohort,
        kind=GatheringKind.INDUCTION,
        title="Кіріспе семинар: лауазымсыз көшбасшылық",
        starts_at=_at(induction_day, 10),
        ends_at=_at(induction_day, 17),
        place="Алматы, Қыздар университеті",
        agenda="1. Лауазымсыз көшбасшылық идеясы\n2. Даму жобасының құралдары\n3. Мектептегі сессияларды жоспарлау",
        leads=[coordinator],
        expected=induction_people,
        is_demo=True,
    )
    # Fortnightly in-school sessions on Wednesdays, the pilot year and the current one so far.
    for kato, schools in picked.items():
        for school in schools:
            for school_year in (year, year + 1):
                first = _first_weekday(datetime.date(school_year, 9, 3), 2)
                until = datetime.date(school_year + 1, 5, 20)
                if school_year == year + 1:
                    until = min(until, today + datetime.timedelta(weeks=8))
                if until < first:
                    continue
                series_create(
                    actor=None,
                    programme=programme,
                    cohort=cohort,
                    school=school,
                    title="Мектептегі сессия",
                    first_on=first,
                    until=until,
                    interval_weeks=2,
                    start_time=datetime.time(15, 0),
                    end_time=datetime.time(16, 30),
                    place="Мұғалімдер бөлмесі",
                    agenda="Жобалар бойынша жаңалықтар, бір-біріне кеңес, келесі қадамдар.",
                    leads=facilitators_by_school[school.pk],
                    skip=[datetime.date(school_year, 12, 31), datetime.date(school_year + 1, 3, 25)],
                    is_demo=True,
                )
        report(f"region {kato}: in-school sessions scheduled")
    # A regional network event each term in every region, led by the region's link facilitator.
    link_by_kato = {
        kato: User.objects.get(email=logins["link"].email if kato == "19" else f"link{kato}@{DEMO_DOMAIN}")
        for kato in picked
    }
    for kato, schools in picked.items():
        region = schools[0].region
        for month, day in ((11, 14), (2, 20), (4, 17)):
            event_year = year if month >= 9 else year + 1
            date = _first_weekday(datetime.date(event_year, month, day), 5)
            gathering_create(
                actor=None,
                programme=programme,
                cohort=cohort,
                kind=GatheringKind.NETWORK,
                title=f"Желілік кездесу: {region.name_kk}",
                region=region,
                starts_at=_at(date, 10),
                ends_at=_at(date, 14),
                place=schools[0].name_kk,
                agenda="Мұғалімдер жобаларының барысын ұсынады, әріптестер кері байланыс береді.",
                leads=[link_by_kato[kato]],
                is_demo=True,
            )
    webinar_day = _first_weekday(datetime.date(year + 1, 2, 5), 3)
    gathering_create(
        actor=None,
        programme=programme,
        cohort=cohort,
        kind=GatheringKind.WEBINAR,
        title="Вебинар: Орталық Азиядағы мұғалім көшбасшылығы",
        starts_at=_at(webinar_day, 16),
        ends_at=_at(webinar_day, 17, 30),
        online_url="https://meet.example.org/teacher-leadership",
        recording_url="https://video.example.org/teacher-leadership-recording",
        leads=[coordinator],
        is_demo=True,
    )
    conference_day = datetime.date(year + 1, 3, 28)
    gathering_create(
        actor=None,
        programme=programme,
        cohort=cohort,
        kind=GatheringKind.CONFERENCE,
        title="Қорытынды конференция: ауыл мектептерінің трансформациясы",
        starts_at=_at(conference_day, 10),
        ends_at=_at(conference_day, 17),
        place="Алматы, Қазақ ұлттық қыздар педагогикалық университеті",
        agenda="Жобалар көрмесі, постерлер, мұғалімдердің баяндамалары.",
        leads=[coordinator],
        is_demo=True,
    )
    return programme


def _load_earlier(accounts: _Accounts, rng: random.Random, pilot: Programme) -> Programme:
    today = timezone.localdate()
    year = _school_year_start(today) - 4
    programme = Programme(
        name_kk="Қазақстандағы мұғалім көшбасшылығы: бірінші кезең",
        name_ru="Лидерство учителей в Казахстане: первый этап",
        name_en=EARLIER_NAME_EN,
        country=Country.KAZAKHSTAN,
        starts_on=datetime.date(year, 9, 1),
        ends_on=datetime.date(year + 1, 6, 30),
        status=ProgrammeStatus.FINISHED,
        is_demo=True,
    )
    programme.full_clean()
    programme.save()
    _stages(programme)
    cohort = Cohort.objects.create(
        programme=programme,
        name_kk=f"{year}/{year + 1} оқу жылы",
        name_ru=f"{year}/{year + 1} учебный год",
        name_en=f"School year {year}/{year + 1}",
        starts_on=datetime.date(year, 9, 1),
        ends_on=datetime.date(year + 1, 5, 31),
    )
    coordinator = User.objects.get(email=f"coordinator@{DEMO_DOMAIN}")
    ended = datetime.date(year + 1, 6, 30)
    Membership.objects.create(
        user=coordinator, role=Role.COORDINATOR, programme=programme, starts_on=programme.starts_on, ends_on=ended
    )
    used = set(
        pilot.cohorts.values_list("schools__school_id", flat=True)  # type: ignore[arg-type]
    )
    schools = _pick_schools("19", 2, used, 6) + _pick_schools("47", 1, used, 6)
    for school in schools:
        cohort_school_add(actor=None, cohort=cohort, school=school, joined_on=cohort.starts_on)
        teachers = _staff(school, Position.TEACHER, 6)
        for index, person in enumerate(teachers):
            Membership.objects.create(
                user=accounts.for_person(person),
                role=Role.SCHOOL_FACILITATOR if index == 0 else Role.TEACHER,
                programme=programme,
                cohort=cohort,
                school=school,
                starts_on=cohort.starts_on,
                ends_on=ended,
            )
        expected = [(person, school.pk) for person in teachers]
        for month in (10, 12, 2, 4):
            event_year = year if month >= 9 else year + 1
            day = _first_weekday(datetime.date(event_year, month, 8), 3)
            gathering_create(
                actor=None,
                programme=programme,
                cohort=cohort,
                kind=GatheringKind.IN_SCHOOL,
                title="Мектептегі сессия",
                school=school,
                starts_at=_at(day, 15),
                ends_at=_at(day, 16, 30),
                leads=[teachers[0].user] if teachers[0].user else [],  # type: ignore[list-item]
                expected=expected,
                is_demo=True,
            )
    return programme


def programme_demo_load(*, report: Callable[[str], None] | None = None) -> ProgrammeDemoSummary:
    """Load the programme demo data unless it is loaded already.

    Raises :class:`ProgrammeDemoRefused` when the database must not (real data) or cannot yet
    (no registry demo) receive it.
    """
    say = report or (lambda _message: None)
    started = time.monotonic()
    if Programme.objects.filter(is_demo=True, name_en=PILOT_NAME_EN).exists():
        return ProgrammeDemoSummary(True, programme_demo_counts(), 0.0)
    programme_demo_check()
    rng = random.Random(2024)  # noqa: S311 (demo data, not security)
    accounts = _Accounts()
    with transaction.atomic():
        pilot = _load_pilot(accounts, rng, say)
        _load_earlier(accounts, rng, pilot)
        marked = _mark_past(rng, timezone.now())
        say(f"attendance marked: {marked}")
        counts = programme_demo_counts()
        audit_record(actor=None, action=AUDIT_ACTION, target=pilot, after=counts)
        transaction.on_commit(lambda: bulk_data_changed.send(sender="programmes"))
    return ProgrammeDemoSummary(False, counts, time.monotonic() - started)
