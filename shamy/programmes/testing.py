"""The programme cast: the foundation cast (``shamy.core.testing.cast``) plus programme people.

| name    | role in programme P ("Auyldyk Mektep Shamy"-like pilot)   | scope                         |
|---------|-----------------------------------------------------------|-------------------------------|
| aliya   | coordinator                                               | all of P                      |
| bolat   | principal (foundation principal of A1, now also in P)     | school A1, cohort A           |
| saule   | principal (foundation principal of B1, now also in P)     | school B1, cohort B           |
| timur   | school facilitator                                        | school A1, cohort A           |
| madina  | link facilitator                                          | assigned school A1 (cohort A) |
| serik   | certifier                                                 | all of P (submitted only)     |
| talgat  | teacher (``person_talgat`` linked)                         | school A1, cohort A           |
| tomiris | teacher (``person_tomiris`` linked)                        | school B1, cohort B           |
| nurlan  | observer / donor                                          | aggregates of P               |
| erbol   | coordinator of ANOTHER programme Q                        | all of Q (school A2)          |

Foundation personas keep their roles: aigerim (system admin) and dana (ministry analyst)
read every programme; kairat (regional analyst) and olzhas (outsider) have no programme role.
Programme P has cohort A (school A1) and cohort B (school B1); Q has one cohort with A2.
P has the seven methodology stages of the teacher-leadership method.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, fields
from typing import Any
from typing import cast as typed

from shamy.access.models import Membership
from shamy.access.roles import Role
from shamy.accounts.models import User
from shamy.core.testing.cast import PERSONAS, Cast
from shamy.core.testing.factories import EmploymentFactory, MembershipFactory, OrganisationFactory, PersonFactory
from shamy.core.text import search_key
from shamy.programmes.models import (
    Cohort,
    CohortSchool,
    LinkAssignment,
    MethodologyStage,
    PartnerPart,
    Programme,
    ProgrammePartner,
)
from shamy.registry.models import Organisation, OrganisationKind, Person, Position

PROGRAMME_PERSONAS = ("aliya", "timur", "madina", "serik", "talgat", "tomiris", "nurlan", "erbol")
ALL_PERSONAS = (*PERSONAS[:-1], *PROGRAMME_PERSONAS, "anonymous")

# The methodology stages of non-positional teacher leadership, as codes and English titles.
# Demo data and tests create them; coordinators may edit the titles and guidance.
STAGES: tuple[tuple[str, str, str, str], ...] = (
    ("concern", "Анықтау: мәселені таңдау", "Выявление проблемы", "Identifying a concern"),
    ("values", "Құндылықтар мен күтілетін әсер", "Ценности и ожидаемое влияние", "Clarifying values and impact"),
    ("consult", "Әріптестермен кеңесу", "Консультации с коллегами", "Consulting and negotiating"),
    ("plan", "Жоспарлау", "Планирование", "Planning"),
    ("lead", "Өзгерісті басқару және дәлел жинау", "Проведение изменений и сбор материалов", "Leading the change"),
    ("reflect", "Әсер туралы рефлексия", "Осмысление влияния проекта", "Reflecting on the impact"),
    ("write", "Жобаны жазу", "Описание проекта", "Writing it up"),
)


@dataclass
class ProgrammeCast(Cast):
    aliya: User
    timur: User
    madina: User
    serik: User
    talgat: User
    tomiris: User
    nurlan: User
    erbol: User
    programme: Programme
    other_programme: Programme
    cohort_a: Cohort
    cohort_b: Cohort
    other_cohort: Cohort
    cohort_school_a1: CohortSchool
    cohort_school_b1: CohortSchool
    other_cohort_school_a2: CohortSchool
    person_timur: Person
    person_madina: Person
    person_talgat: Person
    person_tomiris: Person


def create_stages(programme: Programme) -> list[MethodologyStage]:
    return [
        MethodologyStage.objects.create(
            programme=programme,
            order=index,
            code=code,
            title_kk=kk,
            title_ru=ru,
            title_en=en,
        )
        for index, (code, kk, ru, en) in enumerate(STAGES, start=1)
    ]


def build_programme_cast(cast: Cast) -> ProgrammeCast:
    """Add programme P (cohorts A and B), programme Q and the programme personas to ``cast``."""
    start = datetime.date(2020, 1, 1)
    programme = Programme.objects.create(
        name_kk="Ауылдық мектеп шамы",
        name_ru="Ауылдық мектеп шамы (сельские школы)",
        name_en="Auyldyk Mektep Shamy (rural schools)",
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2030, 6, 30),
    )
    other_programme = Programme.objects.create(
        name_kk="Басқа бағдарлама",
        name_ru="Другая программа",
        name_en="Another programme",
        starts_on=datetime.date(2024, 9, 1),
        ends_on=datetime.date(2030, 5, 31),
    )
    create_stages(programme)
    create_stages(other_programme)
    ProgrammePartner.objects.create(
        programme=programme,
        organisation=typed(
            Organisation,
            OrganisationFactory(
                kind=OrganisationKind.INTERNATIONAL, name_kk="ЮНЕСКО", name_ru="ЮНЕСКО", name_en="UNESCO"
            ),
        ),
        part=PartnerPart.ORGANISER,
    )
    cohort_a = Cohort.objects.create(
        programme=programme,
        name_kk="Пилот 2024/25",
        name_ru="Пилот 2024/25",
        name_en="Pilot 2024/25",
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2030, 5, 31),
    )
    cohort_b = Cohort.objects.create(
        programme=programme,
        name_kk="Екінші кезең",
        name_ru="Второй этап",
        name_en="Second phase",
        starts_on=datetime.date(2025, 9, 1),
        ends_on=datetime.date(2030, 5, 31),
    )
    other_cohort = Cohort.objects.create(
        programme=other_programme,
        name_kk="Бірінші топ",
        name_ru="Первая группа",
        name_en="First group",
        starts_on=datetime.date(2024, 9, 1),
        ends_on=datetime.date(2030, 5, 31),
    )
    cohort_school_a1 = CohortSchool.objects.create(cohort=cohort_a, school=cast.school_a1, joined_on=start)
    cohort_school_b1 = CohortSchool.objects.create(cohort=cohort_b, school=cast.school_b1, joined_on=start)
    other_cohort_school_a2 = CohortSchool.objects.create(cohort=other_cohort, school=cast.school_a2, joined_on=start)

    def user(name: str, full_name: str) -> User:
        from shamy.core.testing.factories import UserFactory

        return typed(User, UserFactory(email=f"{name}@example.kz", full_name=full_name))

    def person(account: User, surname: str, given_name: str) -> Person:
        created = PersonFactory(
            surname=surname,
            given_name=given_name,
            patronymic="",
            email=account.email,
            user=account,
            search_text=search_key(surname, given_name),
        )
        return typed(Person, created)

    aliya = user("aliya", "Әлия Қасымова")
    timur = user("timur", "Тимур Сәрсенов")
    madina = user("madina", "Мадина Оспанова")
    serik = user("serik", "Серік Жақсылықов")
    talgat = user("talgat", "Талғат Әбенов")
    tomiris = user("tomiris", "Томирис Нұрғалиева")
    nurlan = user("nurlan", "Нұрлан Байжанов")
    erbol = user("erbol", "Ербол Төлеуов")

    person_timur = person(timur, "Сәрсенов", "Тимур")
    EmploymentFactory(person=person_timur, school=cast.school_a1, position=Position.TEACHER)
    person_madina = person(madina, "Оспанова", "Мадина")
    person_talgat = person(talgat, "Әбенов", "Талғат")
    EmploymentFactory(person=person_talgat, school=cast.school_a1, position=Position.TEACHER)
    person_tomiris = person(tomiris, "Нұрғалиева", "Томирис")
    EmploymentFactory(person=person_tomiris, school=cast.school_b1, position=Position.TEACHER)

    def grant(account: User, role: str, **scope: object) -> None:
        MembershipFactory(user=account, role=role, starts_on=start, **scope)

    grant(aliya, Role.COORDINATOR, programme=programme)
    grant(cast.bolat, Role.SCHOOL_PRINCIPAL, programme=programme, cohort=cohort_a, school=cast.school_a1)
    grant(cast.saule, Role.SCHOOL_PRINCIPAL, programme=programme, cohort=cohort_b, school=cast.school_b1)
    grant(timur, Role.SCHOOL_FACILITATOR, programme=programme, cohort=cohort_a, school=cast.school_a1)
    grant(serik, Role.CERTIFIER, programme=programme)
    grant(talgat, Role.TEACHER, programme=programme, cohort=cohort_a, school=cast.school_a1)
    grant(tomiris, Role.TEACHER, programme=programme, cohort=cohort_b, school=cast.school_b1)
    grant(nurlan, Role.OBSERVER, programme=programme)
    grant(erbol, Role.COORDINATOR, programme=other_programme)
    link = typed(
        Membership,
        MembershipFactory(user=madina, role=Role.LINK_FACILITATOR, programme=programme, starts_on=start),
    )
    LinkAssignment.objects.create(membership=link, cohort_school=cohort_school_a1)

    base = {field.name: getattr(cast, field.name) for field in fields(Cast)}
    return ProgrammeCast(
        **base,
        aliya=aliya,
        timur=timur,
        madina=madina,
        serik=serik,
        talgat=talgat,
        tomiris=tomiris,
        nurlan=nurlan,
        erbol=erbol,
        programme=programme,
        other_programme=other_programme,
        cohort_a=cohort_a,
        cohort_b=cohort_b,
        other_cohort=other_cohort,
        cohort_school_a1=cohort_school_a1,
        cohort_school_b1=cohort_school_b1,
        other_cohort_school_a2=other_cohort_school_a2,
        person_timur=person_timur,
        person_madina=person_madina,
        person_talgat=person_talgat,
        person_tomiris=person_tomiris,
    )


@dataclass
class Scene:
    """Gatherings and records on top of the programme cast, for view and permission tests.

    - ``session_a1``: in-school session at A1 (cohort A) that started half an hour ago, led by
      timur; expects talgat, timur;
    - ``network_a``: network event in region A (cohort A), led by madina; expects talgat, timur;
      ``presentation``: talgat's progress presentation there;
    - ``session_b1``: in-school session at B1 (cohort B), led by aliya; expects tomiris;
    - ``material``: a small PDF on ``session_a1``; ``attendance_talgat``: talgat's row there;
    - ``invitation``: a pending invitation to P (clear token in ``invitation_token``);
    - ``stage``: P's first methodology stage.
    """

    session_a1: Any
    network_a: Any
    session_b1: Any
    presentation: Any
    material: Any
    attendance_talgat: Any
    invitation: Any
    invitation_token: str
    stage: MethodologyStage


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def build_scene(c: ProgrammeCast) -> Scene:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from shamy.attendance.models import GatheringKind
    from shamy.attendance.services.gatherings import gathering_create, material_add
    from shamy.attendance.services.marking import presentation_create
    from shamy.programmes.services.enrolment import invitation_create

    soon = timezone.now() + datetime.timedelta(days=3)
    # The in-school sessions started half an hour ago: attendance can be marked (it opens
    # shortly before a gathering starts, never days ahead).
    # Half an hour ago, but never before local midnight: the session stays "today" when the
    # suite runs just after midnight in Almaty.
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    today = max(timezone.now() - datetime.timedelta(minutes=30), midnight + datetime.timedelta(minutes=1))
    session_a1 = gathering_create(
        actor=c.timur,
        programme=c.programme,
        cohort=c.cohort_a,
        kind=GatheringKind.IN_SCHOOL,
        title="Мектептегі сессия",
        school=c.school_a1,
        starts_at=today,
        ends_at=today + datetime.timedelta(hours=2),
        leads=[c.timur],
    )
    network_a = gathering_create(
        actor=c.madina,
        programme=c.programme,
        cohort=c.cohort_a,
        kind=GatheringKind.NETWORK,
        title="Желілік кездесу",
        region=c.region_a,
        starts_at=soon + datetime.timedelta(days=7),
        ends_at=soon + datetime.timedelta(days=7, hours=4),
        leads=[c.madina],
    )
    session_b1 = gathering_create(
        actor=c.aliya,
        programme=c.programme,
        cohort=c.cohort_b,
        kind=GatheringKind.IN_SCHOOL,
        title="Жетібай сессиясы",
        school=c.school_b1,
        starts_at=today,
        ends_at=today + datetime.timedelta(hours=2),
        leads=[c.aliya],
    )
    presentation = presentation_create(actor=c.talgat, gathering=network_a, title="Функционалдық сауаттылық")
    material = material_add(
        actor=c.timur,
        gathering=session_a1,
        upload=SimpleUploadedFile("agenda.pdf", PDF_BYTES, content_type="application/pdf"),
        title="Күн тәртібі",
    )
    invitation = invitation_create(
        actor=c.aliya,
        programme=c.programme,
        email="newteacher@example.kz",
        role=Role.TEACHER,
        cohort=c.cohort_a,
        school=c.school_a1,
    )
    return Scene(
        session_a1=session_a1,
        network_a=network_a,
        session_b1=session_b1,
        presentation=presentation,
        material=material,
        attendance_talgat=session_a1.attendances.get(person=c.person_talgat),
        invitation=invitation,
        invitation_token=invitation.token,  # type: ignore[attr-defined]
        stage=MethodologyStage.objects.filter(programme=c.programme).order_by("order").first(),  # type: ignore[arg-type]
    )
