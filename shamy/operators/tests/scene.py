"""The operator scene on top of the programme cast: programme P acts as an operator's programme.

- ``operator`` (a school operator) runs school A1 under ``agreement`` (from 1 September 2023, so
  the handover is planned for 1 September 2028), programme P;
- ``partner`` (international) has ``partner_trainer`` (generation 0, no account), who led the
  training-of-trainers ``course`` at A1 on 15 January 2028, which timur attended (present) and
  after which he was certified: ``trainer_timur`` (generation 1);
- a schedule of training days at A1 every second Saturday from 5 February to 29 April 2028;
  ``day`` is the first; ``session`` on it (room 101, 10:00–12:00, led by timur, capacity 3) has
  talgat signed up (``signup_talgat``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from shamy.attendance.models import Attendance, AttendanceStatus
from shamy.core.testing.factories import OrganisationFactory, PersonFactory
from shamy.operators.models import (
    Event,
    EventSession,
    OperatorAgreement,
    Registration,
    Topic,
    Trainer,
    TrainingDay,
    TrainingSchedule,
    TrainingSession,
)
from shamy.operators.recurrence import EVERY_SECOND_SATURDAY
from shamy.operators.services.agreements import agreement_create
from shamy.operators.services.events import registration_create
from shamy.operators.services.trainers import trainer_certify
from shamy.operators.services.training import (
    schedule_create,
    session_create,
    session_register,
    topic_create,
)
from shamy.programmes.testing import ProgrammeCast
from shamy.registry.models import Organisation, OrganisationKind


@dataclass
class OperatorScene:
    operator: Organisation
    partner: Organisation
    department: Organisation
    agreement: OperatorAgreement
    topic: Topic
    partner_trainer: Trainer
    course: TrainingSession
    trainer_timur: Trainer
    schedule: TrainingSchedule
    day: TrainingDay
    session: TrainingSession
    signup_talgat: Attendance
    event: Event
    registration: Registration
    event_session: EventSession


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


def build_operator_scene(c: ProgrammeCast) -> OperatorScene:
    operator = OrganisationFactory(
        kind=OrganisationKind.SCHOOL_OPERATOR, name_kk="BI Group", name_ru="BI Group", name_en="BI Group"
    )
    partner = OrganisationFactory(
        kind=OrganisationKind.INTERNATIONAL,
        name_kk="Parents International",
        name_ru="Parents International",
        name_en="Parents International",
    )
    department = OrganisationFactory(
        kind=OrganisationKind.REGIONAL_DEPARTMENT,
        name_kk="Алматы облысының білім басқармасы",
        name_ru="Управление образования Алматинской области",
        region=c.region_a,
    )
    agreement = agreement_create(
        actor=None, school=c.school_a1, operator=operator, programme=c.programme, starts_on=datetime.date(2023, 9, 1)
    )
    topic = topic_create(
        actor=None,
        programme=c.programme,
        code="assessment",
        name={"kk": "Бағалау", "ru": "Оценивание", "en": "Assessment for learning"},
    )
    trainer_person = PersonFactory(surname="Smith", given_name="Anna", patronymic="")
    partner_trainer = trainer_certify(
        actor=None,
        programme=c.programme,
        person=trainer_person,
        certified_on=datetime.date(2027, 6, 1),
        partner=partner,
    )
    course_day = datetime.date(2028, 1, 15)
    course = session_create(
        actor=None,
        programme=c.programme,
        topic=topic,
        trainer=partner_trainer,
        school=c.school_a1,
        kind="trainers",
        starts_at=at(course_day, 9),
        ends_at=at(course_day, 17),
        capacity=30,
    )
    attendance = session_register(actor=None, session=course, person=c.person_timur, school=c.school_a1)
    attendance.status = AttendanceStatus.PRESENT
    attendance.save()
    trainer_timur = trainer_certify(
        actor=None,
        programme=c.programme,
        person=c.person_timur,
        certified_on=course_day,
        certified_by=partner_trainer,
        course=course,
    )
    schedule = schedule_create(
        actor=None,
        programme=c.programme,
        school=c.school_a1,
        title="Сенбілік оқу",
        rule=EVERY_SECOND_SATURDAY,
        first_on=datetime.date(2028, 2, 5),
        until=datetime.date(2028, 4, 29),
        starts_at=datetime.time(9),
        ends_at=datetime.time(13),
    )
    day = schedule.days.get(planned_on=datetime.date(2028, 2, 5))
    session = session_create(
        actor=None,
        programme=c.programme,
        day=day,
        topic=topic,
        trainer=trainer_timur,
        room="101",
        capacity=3,
        starts_at=at(day.on, 10),
        ends_at=at(day.on, 12),
    )
    signup = session_register(actor=None, session=session, person=c.person_talgat, school=c.school_a1)
    event = Event.objects.create(
        programme=c.programme,
        slug="summit",
        title={"kk": "Мұғалімдер саммиті", "ru": "Саммит учителей", "en": "Teacher Summit"},
        region=c.region_b,
        place="Атырау",
        starts_at=at(datetime.date(2028, 3, 28), 9),
        ends_at=at(datetime.date(2028, 3, 28), 18),
        capacity=5,
        state_quota=2,
    )
    event.volunteers.add(c.madina)
    event_session = EventSession.objects.create(
        event=event,
        track="A",
        title={"kk": "Ашылу", "ru": "Открытие", "en": "Opening"},
        starts_at=at(datetime.date(2028, 3, 28), 9),
        ends_at=at(datetime.date(2028, 3, 28), 10),
    )
    registration = registration_create(
        event=event, full_name="Талғат Әбенов", email="talgat@example.kz", language="kk", school=c.school_a1, send=False
    )
    return OperatorScene(
        operator=operator,
        partner=partner,
        department=department,
        agreement=agreement,
        topic=topic,
        partner_trainer=partner_trainer,
        course=course,
        trainer_timur=trainer_timur,
        schedule=schedule,
        day=day,
        session=session,
        signup_talgat=signup,
        event=event,
        registration=registration,
        event_session=event_session,
    )
