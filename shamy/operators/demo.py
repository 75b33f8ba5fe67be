"""Operator demo data on top of the registry and programme demos (``seed_demo_operators``).

An operator like seed 001's: the registry demo's BINOM schools (built by a developer, BI Group)
in Astana, Almaty and Shymkent, plus three of its urban schools in Atyrau, each under a five-year
agreement; every school past its planned handover is handed over (checklist ticked, received by
its city's or region's education department), the others run on, some approaching handover.

The operator's programme trains teachers every second Saturday: a schedule per Astana and Atyrau
school for last school year and this one (public holidays and the demo's school breaks moved
around), two parallel sessions each training day, teachers signed up, attendance marked for past
days. An international partner's three trainers (generation 0) ran training-of-trainers courses:
their graduates (generation 1) trained the next trainers (generation 2), and both trained teachers
in the operator's schools and in state schools of Astana and Atyrau, urban and rural; participants
rated the sessions.

Deterministic (fixed random seed, dates relative to the current school year), idempotent (a
second run changes nothing) and refused on a database holding real schools or people.
"""

from __future__ import annotations

import datetime
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from shamy.access.roles import Role
from shamy.accounts.models import User
from shamy.attendance.models import Attendance, AttendanceStatus
from shamy.audit.services.entries import audit_record
from shamy.operators.models import (
    ChecklistItem,
    Event,
    EventFeedback,
    EventSession,
    OperatorAgreement,
    Registration,
    RegistrationStatus,
    Scan,
    ScanOutcome,
    SchoolBreak,
    SchoolSide,
    SessionKind,
    SessionRating,
    Topic,
    Trainer,
    TrainingDay,
    TrainingSession,
)
from shamy.operators.recurrence import EVERY_SECOND_SATURDAY
from shamy.operators.services.agreements import agreement_create, handover_check, handover_record
from shamy.operators.services.trainers import trainer_certify
from shamy.operators.services.training import schedule_create, school_break_create, session_create, topic_create
from shamy.programmes.demo import DEMO_DOMAIN, ProgrammeDemoRefused, programme_demo_check
from shamy.programmes.models import Cohort, Programme, ProgrammeStatus
from shamy.programmes.services.enrolment import cohort_school_add, programme_membership_grant
from shamy.registry.models import Country, Locality, Organisation, OrganisationKind, Person, Position, Region, School

PROGRAMME_NAME_EN = "BINOM schools: Saturday training and training of trainers (demo)"
AUDIT_ACTION = "operators.demo.loaded"
SEED = 16
# Urban state schools of Atyrau (KATO 23) the operator runs in the demo, with the school year
# (relative to the current one) their agreement started: 5 years ago is handed over now.
ATYRAU_STARTS = (-4, -3, -5)
# At small scales (``seed_demo --scale 0.05``) the registry demo may give the operator no school in
# Astana that it still runs; then it takes on this many urban state schools of Astana, starting
# last school year (run by the operator for four more years: the demo logins work there).
ASTANA_STARTS = (-1,)
TRAINING_REGIONS = ("71", "23")  # Astana and Atyrau: training days with sessions
SIGN_UPS_PER_SESSION = 12


@dataclass(frozen=True)
class OperatorDemoLogin:
    key: str
    email: str
    role: str
    sees: str


OPERATOR_DEMO_LOGINS = (
    OperatorDemoLogin(
        "coordinator",
        f"operator@{DEMO_DOMAIN}",
        "Operator programme coordinator",
        "the operator's schools, handovers, training days, hours and the cascade",
    ),
    OperatorDemoLogin(
        "trainer",
        f"trainer@{DEMO_DOMAIN}",
        "Trainer (generation 1)",
        "leads Saturday sessions and takes their attendance",
    ),
    OperatorDemoLogin(
        "teacher", f"binom-teacher@{DEMO_DOMAIN}", "Teacher at an operator school", "signs up for Saturday sessions"
    ),
    OperatorDemoLogin(
        "volunteer", f"volunteer@{DEMO_DOMAIN}", "Summit check-in volunteer", "checks tickets in at the summit's doors"
    ),
)

TOPICS = (
    ("assessment", "Оқу үшін бағалау", "Оценивание для обучения", "Assessment for learning"),
    ("literacy", "Функционалдық сауаттылық", "Функциональная грамотность", "Functional literacy"),
    ("parents", "Ата-аналармен жұмыс", "Работа с родителями", "Working with parents"),
    ("inclusion", "Инклюзивті білім беру", "Инклюзивное образование", "Inclusive education"),
    ("digital", "Цифрлық сауаттылық", "Цифровая грамотность", "Digital literacy"),
)

BREAKS = (
    # (month, day) to (month, day) of the school year's breaks, relative to its first calendar year.
    ("Күзгі демалыс", "Осенние каникулы", "Autumn break", (0, 10, 27), (0, 11, 2)),
    ("Қысқы демалыс", "Зимние каникулы", "Winter break", (0, 12, 30), (1, 1, 7)),
    ("Көктемгі демалыс", "Весенние каникулы", "Spring break", (1, 3, 19), (1, 3, 29)),
)


@dataclass
class OperatorDemoSummary:
    counts: dict[str, int]
    seconds: float
    already_loaded: bool


def operator_demo_counts() -> dict[str, int]:
    programme = Programme.objects.filter(is_demo=True, name_en=PROGRAMME_NAME_EN).first()
    sessions = TrainingSession.objects.filter(is_demo=True)
    return {
        "agreements": OperatorAgreement.objects.filter(programme=programme).count() if programme else 0,
        "handed_over": OperatorAgreement.objects.filter(programme=programme, handed_over_on__isnull=False).count()
        if programme
        else 0,
        "training_days": TrainingDay.objects.filter(schedule__is_demo=True).count(),
        "sessions": sessions.count(),
        "trainers": Trainer.objects.filter(is_demo=True).count(),
        "attendance": Attendance.objects.filter(gathering__training_session__is_demo=True).exclude(status="").count(),
        "registrations": Registration.objects.filter(is_demo=True).count(),
        "checked_in": Registration.objects.filter(is_demo=True, checked_in_at__isnull=False).count(),
    }


def _school_year(today: datetime.date) -> int:
    return today.year if today.month >= 9 else today.year - 1


def _organisation(
    name_en: str, kind: str, name_kk: str, name_ru: str, country: str = Country.KAZAKHSTAN
) -> Organisation:
    found = Organisation.objects.filter(name_en=name_en, kind=kind).first()
    if found is not None:
        return found
    organisation = Organisation(
        kind=kind, name_kk=name_kk, name_ru=name_ru, name_en=name_en, country=country, is_demo=True
    )
    organisation.full_clean()
    organisation.save()
    return organisation


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


def _first_saturday(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=(5 - day.weekday()) % 7)


def _teachers(school: School) -> list[Person]:
    return list(
        Person.objects.filter(
            employments__school=school, employments__ends_on__isnull=True, employments__position=Position.TEACHER
        )
        .distinct()
        .order_by("pk")
    )


def _course_staff(staff: dict[int, list[Person]], school_id: int) -> dict[int, list[Person]]:
    """The staff of the first three schools, with ``school_id``'s in place of the third when it is
    not among them (at small scales the registry's own operator schools may all be elsewhere)."""
    chosen = list(staff)[:3]
    if school_id not in chosen:
        chosen = [*chosen[:2], school_id]
    return {pk: staff[pk] for pk in chosen}


class _Loader:
    def __init__(self, report: Callable[[str], None]) -> None:
        from shamy.registry.demo.loader import DEMO_PASSWORD

        self.report = report
        self.rng = random.Random(SEED)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.year = _school_year(self.today)
        self.password = make_password(DEMO_PASSWORD)
        # (trainer, date, starting hour or None for the whole day) already booked.
        self.busy: set[tuple[int, datetime.date, int | None]] = set()

    def account(self, email: str, full_name: str, person: Person | None = None) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, full_name=full_name, is_demo=True, language="kk", password=self.password)
            user.full_clean()
            user.save()
        if person is not None and person.user_id is None:
            person.user = user
            person.save(update_fields=["user", "updated_at"])
        return user

    # --- schools and handovers ---------------------------------------------------------------------

    def agreements(self, operator: Organisation, programme: Programme, cohort: Cohort) -> list[OperatorAgreement]:
        schools = list(
            School.objects.filter(is_demo=True, ownership="operator", operator=operator)
            .select_related("region")
            .order_by("pk")
        )
        planned = {school.pk: school.handover_on for school in schools}
        atyrau = list(
            School.objects.filter(is_demo=True, region__kato="23", locality=Locality.URBAN, ownership="state")
            .filter(employments__ends_on__isnull=True)
            .distinct()
            .order_by("-teachers", "pk")[: len(ATYRAU_STARTS)]
        )
        result = []
        for school in schools:
            handover = planned[school.pk] or datetime.date(self.year + 2, 9, 1)
            starts_on = handover.replace(year=handover.year - 5)
            result.append(
                agreement_create(
                    actor=None, school=school, operator=operator, programme=programme, starts_on=starts_on, is_demo=True
                )
            )
        extra = list(zip(atyrau, ATYRAU_STARTS, strict=False))
        if not any(a.school.region.kato == "71" and a.planned_handover_on > self.today for a in result):
            astana = (
                School.objects.filter(is_demo=True, region__kato="71", locality=Locality.URBAN, ownership="state")
                .filter(employments__ends_on__isnull=True)
                .distinct()
                .order_by("-teachers", "pk")[: len(ASTANA_STARTS)]
            )
            extra += list(zip(astana, ASTANA_STARTS, strict=False))
        for school, offset in extra:
            result.append(
                agreement_create(
                    actor=None,
                    school=school,
                    operator=operator,
                    programme=programme,
                    starts_on=datetime.date(self.year + offset, 9, 1),
                    is_demo=True,
                )
            )
        for agreement in result:
            cohort_school_add(actor=None, cohort=cohort, school=agreement.school, joined_on=agreement.starts_on)
        return result

    def handovers(self, agreements: list[OperatorAgreement]) -> None:
        """Every school past its planned handover is handed over, to its region's education department."""
        departments = {
            org.region_id: org
            for org in Organisation.objects.filter(kind=OrganisationKind.REGIONAL_DEPARTMENT, region__isnull=False)
        }
        ministry = Organisation.objects.filter(kind=OrganisationKind.MINISTRY).first()
        for agreement in agreements:
            if agreement.planned_handover_on > self.today:
                # Approaching ones have part of the checklist done.
                if (agreement.planned_handover_on - self.today).days < 365:
                    handover_check(
                        actor=None,
                        agreement=agreement,
                        item=ChecklistItem.STAFF,
                        done_on=self.today - datetime.timedelta(days=20),
                        note="Штат кестесі келісілді.",
                    )
                continue
            for offset, item in enumerate(ChecklistItem.values):
                handover_check(
                    actor=None,
                    agreement=agreement,
                    item=item,
                    done_on=agreement.planned_handover_on - datetime.timedelta(days=30 - offset * 7),
                )
            receiver = departments.get(agreement.school.region_id) or ministry
            if receiver is None:
                continue
            handover_record(
                actor=None,
                agreement=agreement,
                handed_over_on=agreement.planned_handover_on,
                received_by=receiver,
                note="Мектеп мемлекеттік меншікке өтті; мұғалімдер құрамы сақталды.",
            )

    # --- training ----------------------------------------------------------------------------------

    def breaks(self) -> None:
        for school_year in (self.year - 1, self.year):
            for kk, ru, en, (y1, m1, d1), (y2, m2, d2) in BREAKS:
                starts = datetime.date(school_year + y1, m1, d1)
                if SchoolBreak.objects.filter(starts_on=starts).exists():
                    continue
                school_break_create(
                    actor=None,
                    school_year=school_year,
                    name={"kk": kk, "ru": ru, "en": en},
                    starts_on=starts,
                    ends_on=datetime.date(school_year + y2, m2, d2),
                    is_demo=True,
                )

    def sessions_for(
        self,
        programme: Programme,
        agreement: OperatorAgreement,
        school_year: int,
        topics: list[Topic],
        trainers: list[Trainer],
    ) -> list[TrainingSession]:
        first_on = _first_saturday(max(datetime.date(school_year, 9, 1), agreement.starts_on))
        until = datetime.date(school_year + 1, 5, 24)
        if agreement.handed_over_on is not None and until > agreement.handed_over_on:
            return []
        schedule = schedule_create(
            actor=None,
            programme=programme,
            school=agreement.school,
            title="Сенбілік оқу күні",
            rule=EVERY_SECOND_SATURDAY,
            first_on=first_on,
            until=until,
            starts_at=datetime.time(9),
            ends_at=datetime.time(13),
            is_demo=True,
        )
        sessions = []
        for index, day in enumerate(schedule.days.filter(status__in=["planned", "moved"]).order_by("on")):
            for room, (start, end) in (("201", (9, 11)), ("202", (11, 13))):
                trainer = self.free_trainer(trainers, day.on, start, index + int(room))
                if trainer is None:
                    continue
                sessions.append(
                    session_create(
                        actor=None,
                        programme=programme,
                        day=day,
                        topic=topics[(index + int(room)) % len(topics)],
                        trainer=trainer,
                        room=room,
                        capacity=20,
                        starts_at=_at(day.on, start),
                        ends_at=_at(day.on, end),
                        is_demo=True,
                    )
                )
        return sessions

    def free_trainer(self, trainers: list[Trainer], day: datetime.date, slot: int, offset: int) -> Trainer | None:
        """The first trainer, from a rotating offset, not yet leading anything at that time."""
        for step in range(len(trainers)):
            trainer = trainers[(offset + step) % len(trainers)]
            if (trainer.pk, day, slot) not in self.busy and (trainer.pk, day, None) not in self.busy:
                self.busy.add((trainer.pk, day, slot))
                return trainer
        return None

    def sign_up(self, session: TrainingSession, people: list[Person], school_id: int | None) -> None:
        existing = set(Attendance.objects.filter(gathering=session.gathering).values_list("person_id", flat=True))
        Attendance.objects.bulk_create(
            [
                Attendance(gathering=session.gathering, person=person, school_id=school_id)
                for person in people[: session.capacity]
                if person.pk not in existing
            ]
        )

    def mark_past(self) -> None:
        rows = list(
            Attendance.objects.filter(
                gathering__training_session__is_demo=True, gathering__ends_at__lt=self.now, status=""
            ).select_related("gathering")
        )
        for row in rows:
            draw = self.rng.random()
            row.status = (
                AttendanceStatus.PRESENT
                if draw < 0.82
                else AttendanceStatus.LATE
                if draw < 0.9
                else AttendanceStatus.EXCUSED
                if draw < 0.95
                else AttendanceStatus.ABSENT
            )
            row.marked_at = row.gathering.ends_at
        Attendance.objects.bulk_update(rows, ["status", "marked_at"], batch_size=1000)

    def ratings(self) -> None:
        """About a third of those who attended rate the session; quality dips a little down the cascade."""
        attended = Attendance.objects.filter(
            gathering__training_session__is_demo=True, status__in=["present", "late"]
        ).values_list("gathering__training_session", "gathering__training_session__trainer__generation", "person_id")
        ratings = []
        for session_id, generation, person_id in attended.order_by("pk"):
            if self.rng.random() > 0.35:
                continue
            base = 4.6 - 0.25 * generation
            score = max(1, min(5, round(self.rng.gauss(base, 0.6))))
            ratings.append(SessionRating(session_id=session_id, person_id=person_id, score=score))
        SessionRating.objects.bulk_create(ratings, ignore_conflicts=True)

    def load(self) -> None:
        operator = (
            Organisation.objects.filter(kind=OrganisationKind.SCHOOL_OPERATOR, is_demo=True).order_by("pk").first()
        )
        if operator is None:
            operator = _organisation(
                "BINOM Schools", OrganisationKind.SCHOOL_OPERATOR, "BINOM мектептер желісі", "Сеть школ BINOM"
            )
        partner = _organisation(
            "Parents International",
            OrganisationKind.INTERNATIONAL,
            "Parents International",
            "Parents International",
            Country.OTHER,
        )
        programme = Programme(
            name_kk="BINOM мектептері: сенбілік оқу және тренерлерді даярлау",
            name_ru="Школы BINOM: субботнее обучение и подготовка тренеров",
            name_en=PROGRAMME_NAME_EN,
            description_kk="Оператор мектептерінің мұғалімдерін әр екінші сенбі сайын оқыту (демо).",
            description_ru="Обучение учителей школ оператора каждую вторую субботу (демо).",
            description_en="Every second Saturday the operator trains its teachers (demo data).",
            starts_on=datetime.date(self.year - 6, 8, 1),
            ends_on=datetime.date(self.year + 5, 6, 30),
            status=ProgrammeStatus.ACTIVE,
            is_demo=True,
        )
        programme.full_clean()
        programme.save()
        cohort = Cohort.objects.create(
            programme=programme,
            name_kk="BINOM мектептері",
            name_ru="Школы BINOM",
            name_en="BINOM schools",
            starts_on=programme.starts_on,
            ends_on=programme.ends_on,
        )
        logins = {login.key: login for login in OPERATOR_DEMO_LOGINS}
        coordinator = self.account(logins["coordinator"].email, "Дәурен Мұратов")
        programme_membership_grant(
            actor=None, user=coordinator, programme=programme, role=Role.COORDINATOR, starts_on=programme.starts_on
        )
        agreements = self.agreements(operator, programme, cohort)
        self.report(f"{len(agreements)} operator agreements")
        self.handovers(agreements)
        agreements = list(
            OperatorAgreement.objects.filter(pk__in=[a.pk for a in agreements])
            .select_related("school__region")
            .order_by("pk")
        )
        self.breaks()
        topics = [
            topic_create(actor=None, programme=programme, code=code, name={"kk": kk, "ru": ru, "en": en})
            for code, kk, ru, en in TOPICS
        ]

        training = [a for a in agreements if a.school.region.kato in TRAINING_REGIONS]
        staff = {a.school_id: _teachers(a.school) for a in training}
        # Generation 0: the partner's trainers.
        partner_trainers = []
        for surname, given in (("Brown", "Eszter"), ("Novak", "Petra"), ("Rossi", "Marco")):
            person = Person.objects.create(surname=surname, given_name=given, is_demo=True, languages=["en"])
            partner_trainers.append(
                trainer_certify(
                    actor=None,
                    programme=programme,
                    person=person,
                    certified_on=datetime.date(self.year - 2, 6, 1),
                    partner=partner,
                    is_demo=True,
                )
            )
        # The demo logins: a generation-1 trainer and a teacher of an Astana school still run by the
        # operator (``agreements`` makes sure there is one at every scale).
        astana_open = next(a for a in training if a.school.region.kato == "71" and a.handed_over_on is None)
        # Two training-of-trainers courses last school year: generation 1 in October (two teachers
        # from each of three schools, that Astana school among them), generation 2 in February.
        generation_1 = self.course(
            programme,
            training[0],
            topics[0],
            partner_trainers[0],
            datetime.date(self.year - 1, 10, 11),
            _course_staff(staff, astana_open.school_id),
            0,
        )
        generation_2 = self.course(
            programme, training[-1], topics[1], generation_1[0], datetime.date(self.year, 2, 7), staff, 3
        )
        trainer_person = next(
            t.person for t in generation_1 if t.person.employments.filter(school=astana_open.school).exists()
        )
        trainer_user = self.account(
            logins["trainer"].email, f"{trainer_person.given_name} {trainer_person.surname}", trainer_person
        )
        # Certified before the account existed: the trainer role as certification grants it.
        programme_membership_grant(
            actor=None,
            user=trainer_user,
            programme=programme,
            role=Role.TRAINER,
            starts_on=programme.starts_on,
        )
        programme_membership_grant(
            actor=None,
            user=trainer_user,
            programme=programme,
            role=Role.TEACHER,
            cohort=cohort,
            school=trainer_person.employments.filter(ends_on__isnull=True).first().school,  # type: ignore[union-attr]
            starts_on=programme.starts_on,
        )
        teacher_person = staff[astana_open.school_id][-1]
        teacher_user = self.account(
            logins["teacher"].email, f"{teacher_person.given_name} {teacher_person.surname}", teacher_person
        )
        programme_membership_grant(
            actor=None,
            user=teacher_user,
            programme=programme,
            role=Role.TEACHER,
            cohort=cohort,
            school=astana_open.school,
            starts_on=programme.starts_on,
        )
        trainers = [*generation_1, *generation_2]
        # Training days: last school year and this one, two parallel sessions each day.
        count = 0
        for agreement in training:
            people = [p for p in staff[agreement.school_id] if p.pk not in {t.person_id for t in trainers}]
            for school_year in (self.year - 1, self.year):
                for session in self.sessions_for(programme, agreement, school_year, topics, trainers):
                    offset = self.rng.randrange(max(len(people) - SIGN_UPS_PER_SESSION, 1))
                    chosen = people[offset : offset + SIGN_UPS_PER_SESSION]
                    if session.gathering.starts_at > self.now:
                        # The demo teacher signs up for coming sessions herself (the browser journey).
                        chosen = [p for p in chosen if p != teacher_person]
                    self.sign_up(session, chosen, agreement.school_id)
                    count += 1
        self.report(f"{count} training sessions")
        self.outreach(programme, topics, trainers, agreements)
        self.mark_past()
        self.ratings()
        volunteer = self.account(logins["volunteer"].email, "Ерасыл Жаңабаев")
        self.summits(programme, agreements, volunteer, coordinator)

    def summits(
        self, programme: Programme, agreements: list[OperatorAgreement], volunteer: User, coordinator: User
    ) -> None:
        """Last March's Teacher Summit in Atyrau (about 600 places, half kept for state schools, held:
        check-ins at three doors, the survey) and next March's, open for registration."""
        atyrau = Region.objects.get(kato="23")
        own = [a.school for a in agreements]
        state = list(
            School.objects.filter(is_demo=True, region=atyrau, ownership="state")
            .exclude(pk__in=[x.pk for x in own])
            .order_by("pk")[:80]
        )
        for year, held in ((self.year, True), (self.year + 1, False)):
            day = datetime.date(year, 3, 28)
            event = Event.objects.create(
                programme=programme,
                slug=f"teacher-summit-{year}",
                title={
                    "kk": f"Мұғалімдер саммиті {year}",
                    "ru": f"Саммит учителей {year}",
                    "en": f"Teacher Summit {year}",
                },
                description={
                    "kk": "Оператор мектептері мен мемлекеттік мектептердің мұғалімдері мен басшыларына арналған "
                    "саммит.",
                    "ru": "Саммит для учителей и руководителей школ оператора и государственных школ.",
                    "en": "A summit for teachers and leaders of the operator's schools and of state schools.",
                },
                region=atyrau,
                place="Атырау, «Атырау Арена»",
                starts_at=_at(day, 9),
                ends_at=_at(day, 17),
                capacity=600,
                state_quota=300,
                registration_open=not held,
                is_demo=True,
            )
            event.volunteers.add(volunteer)
            for track, start, end, kk, ru, en, speakers in SUMMIT_SESSIONS:
                EventSession.objects.create(
                    event=event,
                    track=track,
                    title={"kk": kk, "ru": ru, "en": en},
                    speakers=speakers,
                    starts_at=_at(day, *start),
                    ends_at=_at(day, *end),
                )
            if held:
                self.held_summit(event, own, state)

    def held_summit(self, event: Event, own: list[School], state: list[School]) -> None:
        """About 620 registrations over six weeks (300 places filled from each side, the rest waiting or
        cancelled), 9 in 10 checked in at three doors, a third answering the survey."""
        registrations = []
        opened = event.starts_at - datetime.timedelta(days=42)
        people = list(
            Person.objects.filter(
                employments__school__in=own, employments__ends_on__isnull=True, employments__position=Position.TEACHER
            ).values_list("pk", "surname", "given_name", "employments__school_id")[:330]
        ) + list(
            Person.objects.filter(
                employments__school__in=state, employments__ends_on__isnull=True, employments__position=Position.TEACHER
            ).values_list("pk", "surname", "given_name", "employments__school_id")[:320]
        )
        sides = {school.pk: SchoolSide.OPERATOR for school in own}
        counts = {SchoolSide.OPERATOR: 0, SchoolSide.STATE: 0}
        seen: set[int] = set()
        for index, (pk, surname, given, school_id) in enumerate(people):
            if pk in seen:
                continue
            seen.add(pk)
            side = sides.get(school_id, SchoolSide.STATE)
            counts[side] += 1
            status = RegistrationStatus.CONFIRMED if counts[side] <= 300 else RegistrationStatus.WAITING
            if status == RegistrationStatus.CONFIRMED and self.rng.random() < 0.02:
                status = RegistrationStatus.CANCELLED
            registrations.append(
                Registration(
                    event=event,
                    full_name=f"{surname} {given}",
                    email=f"summit{pk}@{DEMO_DOMAIN}",
                    language=self.rng.choice(["kk", "kk", "ru"]),
                    school_id=school_id,
                    side=side,
                    status=status,
                    code=f"demo{event.pk}x{pk}",
                    created_at=opened + datetime.timedelta(minutes=97 * index),
                    cancelled_at=opened + datetime.timedelta(days=20)
                    if status == RegistrationStatus.CANCELLED
                    else None,
                    is_demo=True,
                )
            )
        Registration.objects.bulk_create(registrations)
        scans, feedback = [], []
        doors = ("north", "south", "east")
        for index, registration in enumerate(
            Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).order_by("pk")
        ):
            if self.rng.random() > 0.9:
                continue
            moment = event.starts_at - datetime.timedelta(minutes=50) + datetime.timedelta(seconds=5 * index)
            door = doors[index % 3]
            registration.checked_in_at = moment
            registration.checked_in_door = door
            registration.save(update_fields=["checked_in_at", "checked_in_door"])
            scans.append(
                Scan(
                    event=event,
                    client_id=uuid.UUID(int=event.pk * 10**9 + registration.pk),
                    code=registration.code,
                    registration=registration,
                    door=door,
                    scanned_at=moment,
                    outcome=ScanOutcome.CHECKED_IN,
                )
            )
            if self.rng.random() < 0.35:
                feedback.append(
                    EventFeedback(registration=registration, score=max(1, min(5, round(self.rng.gauss(4.4, 0.7)))))
                )
        Scan.objects.bulk_create(scans)
        EventFeedback.objects.bulk_create(feedback)

    def course(
        self,
        programme: Programme,
        agreement: OperatorAgreement,
        topic: Topic,
        lead: Trainer,
        day: datetime.date,
        staff: dict[int, list[Person]],
        skip: int,
    ) -> list[Trainer]:
        """A training-of-trainers course: six teachers of the operator's schools (two per school)
        attend, all present, and are certified one generation below ``lead``."""
        self.busy.add((lead.pk, day, None))
        course = session_create(
            actor=None,
            programme=programme,
            topic=topic,
            trainer=lead,
            school=agreement.school,
            kind=SessionKind.TRAINERS,
            room="Акт залы",
            capacity=30,
            starts_at=_at(day, 9),
            ends_at=_at(day, 17),
            is_demo=True,
        )
        attendees = []
        for school_id, people in list(staff.items())[:3]:
            attendees += [(person, school_id) for person in people[skip : skip + 2] if not hasattr(person, "trainer")]
        Attendance.objects.bulk_create(
            [
                Attendance(
                    gathering=course.gathering,
                    person=person,
                    school_id=school_id,
                    status=AttendanceStatus.PRESENT,
                    marked_at=course.gathering.ends_at,
                )
                for person, school_id in attendees
            ]
        )
        return [
            trainer_certify(
                actor=None,
                programme=programme,
                person=person,
                certified_on=day + datetime.timedelta(days=14),
                certified_by=lead,
                course=course,
                is_demo=True,
            )
            for person, _school_id in attendees
        ]

    def outreach(
        self, programme: Programme, topics: list[Topic], trainers: list[Trainer], agreements: list[OperatorAgreement]
    ) -> None:
        """Trainers' sessions in state schools of Astana and Atyrau (urban and rural) and in handed-over
        schools after their handover; some teachers come to trainers of both generations."""
        own = {a.school_id for a in agreements}
        state = [
            school
            for kato in TRAINING_REGIONS
            for locality in (Locality.URBAN, Locality.RURAL)
            for school in School.objects.filter(is_demo=True, region__kato=kato, locality=locality, ownership="state")
            .exclude(pk__in=own)
            .filter(employments__ends_on__isnull=True)
            .distinct()
            .order_by("pk")[:3]
        ]
        handed_over = {a.school_id: a.handed_over_on for a in agreements if a.handed_over_on is not None}
        venues = state + [a.school for a in agreements if a.handed_over_on is not None][:2]
        for index, school in enumerate(venues):
            people = [p for p in _teachers(school) if not hasattr(p, "trainer")][:24]
            if not people:
                continue
            # Handed-over schools: the trainers go on training there as state schools, after the handover.
            after = handed_over.get(school.pk)
            start = after + datetime.timedelta(days=20) if after else datetime.date(self.year - 1, 11, 4)
            for round_index in range(2):
                day = start + datetime.timedelta(days=index * 9 + round_index * (30 if after else 119))
                if day.weekday() == 6:
                    day += datetime.timedelta(days=1)
                generation = 1 + round_index  # generation 1 first, then generation 2 returns to the same school
                candidates = [t for t in trainers if t.generation == generation]
                trainer = candidates[index % len(candidates)]
                session = session_create(
                    actor=None,
                    programme=programme,
                    topic=topics[(index + round_index) % len(topics)],
                    trainer=trainer,
                    school=school,
                    room="",
                    capacity=30,
                    starts_at=_at(day, 15),
                    ends_at=_at(day, 17),
                    title=topics[(index + round_index) % len(topics)].label,
                    is_demo=True,
                )
                self.sign_up(session, people[round_index * 8 : round_index * 8 + 16], school.pk)


SUMMIT_SESSIONS = (
    ("", (9, 0), (10, 0), "Ашылу: мектептің табысы", "Открытие: успехи школ", "Opening: school successes", "BI Group"),
    (
        "A",
        (10, 30),
        (12, 0),
        "Ата-аналардың қатысуы",
        "Вовлечение родителей",
        "Parental engagement",
        "Parents International",
    ),
    (
        "B",
        (10, 30),
        (12, 0),
        "Кибербуллингтің алдын алу",
        "Профилактика кибербуллинга",
        "Preventing cyberbullying",
        "Parents International",
    ),
    ("A", (14, 0), (15, 30), "Биоэкономика сабақта", "Биоэкономика на уроке", "Bioeconomy in the classroom", "BINOM"),
    ("B", (14, 0), (15, 30), "Цифрлық сауаттылық", "Цифровая грамотность", "Digital literacy", "BINOM"),
)


def operator_demo_load(report: Callable[[str], None] | None = None) -> OperatorDemoSummary:
    """Load the operator demo (see the module docstring). Raises ProgrammeDemoRefused on real data."""
    started = time.monotonic()
    programme_demo_check()
    if Programme.objects.filter(is_demo=True, name_en=PROGRAMME_NAME_EN).exists():
        return OperatorDemoSummary(operator_demo_counts(), time.monotonic() - started, already_loaded=True)
    with transaction.atomic():
        _Loader(report or (lambda _text: None)).load()
        # The programme itself as the target: the audit log names it as every other entry does (in
        # the language the entry was written in, Kazakh by default), not by its English key.
        programme = Programme.objects.get(is_demo=True, name_en=PROGRAMME_NAME_EN)
        audit_record(actor=None, action=AUDIT_ACTION, target=programme)
    return OperatorDemoSummary(operator_demo_counts(), time.monotonic() - started, already_loaded=False)


__all__ = ["OPERATOR_DEMO_LOGINS", "ProgrammeDemoRefused", "operator_demo_counts", "operator_demo_load"]
