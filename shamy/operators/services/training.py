"""Training days: school breaks, recurring schedules, single-date edits, sessions in parallel
rooms, sign-ups. Sessions are the attendance app's gatherings, created and changed through its
services; a sign-up is an expected person (an ``Attendance`` row) of the session's gathering."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from shamy.access.context import access_for
from shamy.accounts.models import User
from shamy.attendance.models import Attendance, Gathering, GatheringKind
from shamy.attendance.services.gatherings import gathering_cancel, gathering_create, gathering_update
from shamy.audit.services.entries import audit_record, audit_record_many, snapshot
from shamy.operators import recurrence
from shamy.operators.models import (
    DayStatus,
    OperatorAgreement,
    SchoolBreak,
    SessionKind,
    Topic,
    Trainer,
    TrainingDay,
    TrainingSchedule,
    TrainingSession,
)
from shamy.operators.permissions import (
    can_manage_breaks,
    can_manage_day,
    can_manage_session,
    can_register_participants,
    can_schedule_training,
    can_sign_up,
)
from shamy.programmes.models import Programme
from shamy.registry.models import Person, School

# --- School breaks ---------------------------------------------------------------------------------


@transaction.atomic
def school_break_create(
    *,
    actor: User | None,
    school_year: int,
    name: Mapping[str, str],
    starts_on: datetime.date,
    ends_on: datetime.date,
    is_demo: bool = False,
) -> SchoolBreak:
    """Enter one of the school breaks the ministry set for ``school_year``.

    Needs ``can_manage_breaks`` (a system administrator). Records ``operators.school_break.created``.
    Raises PermissionDenied or ValidationError (end before start, outside the school year).
    """
    if actor is not None and not can_manage_breaks(actor):
        raise PermissionDenied
    first, last = datetime.date(school_year, 8, 1), datetime.date(school_year + 1, 8, 31)
    if not (first <= starts_on <= last and first <= ends_on <= last):
        raise ValidationError(
            _("A break of the %(year)s school year falls between August and the next August.")
            % {"year": f"{school_year}/{(school_year + 1) % 100:02d}"}
        )
    school_break = SchoolBreak(
        school_year=school_year,
        name={key: value.strip() for key, value in name.items() if value and value.strip()},
        starts_on=starts_on,
        ends_on=ends_on,
        is_demo=is_demo,
    )
    school_break.full_clean()
    school_break.save()
    audit_record(actor=actor, action="operators.school_break.created", target=school_break)
    return school_break


def closures_between(first: datetime.date, last: datetime.date, language: str = "kk") -> dict[datetime.date, str]:
    """Every closed date between ``first`` and ``last``: public holidays and the stored breaks."""
    breaks = [
        recurrence.Break(item.starts_on, item.ends_on, item.label or _("School break"))
        for item in SchoolBreak.objects.filter(starts_on__lte=last, ends_on__gte=first)
    ]
    return recurrence.closed_days(recurrence.kazakhstan_holidays(first, last, language), breaks, first, last)


# --- Schedules and days -----------------------------------------------------------------------------


def _operator_school(programme: Programme, school: School, until: datetime.date) -> OperatorAgreement:
    agreement = OperatorAgreement.objects.filter(programme=programme, school=school).first()
    if agreement is None:
        raise ValidationError({"school": _("This school is not run under this programme's operator agreement.")})
    if agreement.handed_over_on is not None and until > agreement.handed_over_on:
        raise ValidationError({"until": _("The school was handed over to the state; training days end there.")})
    return agreement


@transaction.atomic
def schedule_create(
    *,
    actor: User | None,
    programme: Programme,
    school: School,
    title: str,
    rule: str,
    first_on: datetime.date,
    until: datetime.date,
    starts_at: datetime.time,
    ends_at: datetime.time,
    on_closure: str = recurrence.MOVE,
    is_demo: bool = False,
) -> TrainingSchedule:
    """Schedule recurring training days at an operator school: the rule's dates from
    ``first_on`` to ``until``, public holidays and school breaks skipped or moved
    (:func:`recurrence.plan_days`). Every date is stored as a :class:`TrainingDay`, the skipped
    ones with their reason.

    Needs ``can_schedule_training`` (the programme's coordinator). Records
    ``operators.schedule.created`` and ``operators.training_day.created`` per day. Raises
    PermissionDenied or ValidationError (bad rule, no dates, not an operator school).
    """
    if actor is not None and not can_schedule_training(actor, programme):
        raise PermissionDenied
    _operator_school(programme, school, until)
    schedule = TrainingSchedule(
        programme=programme,
        school=school,
        title=title.strip(),
        rule=rule.strip().removeprefix("RRULE:"),
        first_on=first_on,
        until=until,
        starts_at=starts_at,
        ends_at=ends_at,
        on_closure=on_closure,
        created_by=actor,
        is_demo=is_demo,
    )
    schedule.full_clean()
    try:
        dates = recurrence.occurrences(schedule.rule, first_on, until)
    except recurrence.RuleError as error:
        raise ValidationError({"rule": str(error)}) from error
    if not dates:
        raise ValidationError(_("The rule gives no date between the first day and the end."))
    # Moves look ahead of the last date: the closures reach to ``until``.
    closed = closures_between(first_on, until, get_language() or "kk")
    planned = recurrence.plan_days(dates, closed=closed, policy=on_closure, until=until)
    schedule.save()
    days = TrainingDay.objects.bulk_create(
        [
            TrainingDay(
                schedule=schedule, planned_on=item.planned_on, on=item.on, status=item.status, reason=item.reason[:200]
            )
            for item in planned
        ]
    )
    audit_record(actor=actor, action="operators.schedule.created", target=schedule)
    audit_record_many(actor=actor, action="operators.training_day.created", targets=days)
    return schedule


def _locked_day(day: TrainingDay) -> TrainingDay:
    return TrainingDay.objects.select_for_update(of=("self",)).select_related("schedule__programme").get(pk=day.pk)


_DAY_FIELDS = ["on", "status", "reason"]


@transaction.atomic
def training_day_move(*, actor: User, day: TrainingDay, on: datetime.date, reason: str = "") -> TrainingDay:
    """Move one training day to another date by hand; its sessions move with it (through the
    attendance app's ``gathering_update``, which refuses once attendance is marked).

    Needs ``can_manage_day``. The new date may not be a public holiday, in a school break, or
    another day of the schedule. Records ``operators.training_day.moved``. Raises
    PermissionDenied or ValidationError.
    """
    day = _locked_day(day)
    if not can_manage_day(actor, day):
        raise PermissionDenied
    if day.status in (DayStatus.CANCELLED, DayStatus.SKIPPED):
        raise ValidationError(_("This training day does not take place; it cannot be moved."))
    if on == day.on:
        return day
    closed = closures_between(on, on, get_language() or "kk")
    if on in closed:
        raise ValidationError({"on": _("%(date)s is closed: %(reason)s.") % {"date": on, "reason": closed[on]}})
    clash = TrainingDay.objects.filter(
        schedule=day.schedule, on=on, status__in=[DayStatus.PLANNED, DayStatus.MOVED, DayStatus.EDITED]
    )
    if clash.exclude(pk=day.pk).exists():
        raise ValidationError({"on": _("The schedule already has a training day on this date.")})
    shift = on - day.on
    for session in TrainingSession.objects.filter(day=day).select_related("gathering"):
        gathering = session.gathering
        if gathering.cancelled_at is not None:
            continue
        gathering_update(
            actor=actor,
            gathering=gathering,
            changes={"starts_at": gathering.starts_at + shift, "ends_at": gathering.ends_at + shift},
        )
    before = snapshot(day, _DAY_FIELDS)
    day.on = on
    day.status = DayStatus.EDITED
    day.reason = reason.strip()[:200]
    day.full_clean()
    day.save(update_fields=_DAY_FIELDS)
    audit_record(
        actor=actor, action="operators.training_day.moved", target=day, before=before, after=snapshot(day, _DAY_FIELDS)
    )
    return day


@transaction.atomic
def training_day_cancel(*, actor: User, day: TrainingDay, reason: str) -> TrainingDay:
    """Cancel one training day and its sessions (their gatherings are cancelled with the reason).

    Needs ``can_manage_day``. Records ``operators.training_day.cancelled``. Raises
    PermissionDenied or ValidationError (no reason, not taking place, attendance already marked).
    """
    day = _locked_day(day)
    if not can_manage_day(actor, day):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the training day is cancelled.")})
    if not day.is_held:
        raise ValidationError(_("This training day does not take place; it cannot be cancelled."))
    for session in TrainingSession.objects.filter(day=day).select_related("gathering"):
        if session.gathering.cancelled_at is None:
            gathering_cancel(actor=actor, gathering=session.gathering, reason=reason)
    before = snapshot(day, _DAY_FIELDS)
    day.status = DayStatus.CANCELLED
    day.reason = reason[:200]
    day.full_clean()
    day.save(update_fields=_DAY_FIELDS)
    audit_record(
        actor=actor,
        action="operators.training_day.cancelled",
        target=day,
        before=before,
        after=snapshot(day, _DAY_FIELDS),
    )
    return day


# --- Topics and sessions ----------------------------------------------------------------------------


@transaction.atomic
def topic_create(*, actor: User | None, programme: Programme, code: str, name: Mapping[str, str]) -> Topic:
    """Add a training topic. Needs ``can_schedule_training``. Records ``operators.topic.created``."""
    if actor is not None and not can_schedule_training(actor, programme):
        raise PermissionDenied
    topic = Topic(programme=programme, code=code.strip(), name={k: v.strip() for k, v in name.items() if v})
    topic.full_clean()
    topic.save()
    audit_record(actor=actor, action="operators.topic.created", target=topic)
    return topic


def _overlapping(starts_at: datetime.datetime, ends_at: datetime.datetime) -> Q:
    return Q(gathering__starts_at__lt=ends_at, gathering__ends_at__gt=starts_at, gathering__cancelled_at__isnull=True)


@transaction.atomic
def session_create(
    *,
    actor: User | None,
    programme: Programme,
    topic: Topic,
    trainer: Trainer,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    day: TrainingDay | None = None,
    school: School | None = None,
    kind: str = SessionKind.TEACHERS,
    room: str = "",
    capacity: int = 25,
    title: str = "",
    is_demo: bool = False,
) -> TrainingSession:
    """Add a training session: in a room on a training day (at the day's school, within its
    date), or on its own at ``school`` (a training-of-trainers course, a trainer's session in a
    state school). Its gathering is created by the attendance app's ``gathering_create`` with the
    trainer's account leading it and nobody expected yet (people sign up).

    Parallel rooms: no two sessions of a day share a room at overlapping times, and a trainer
    leads at most one session at a time anywhere. The day and the trainer are locked, so two
    coordinators cannot book the same room or trainer at once.

    Needs ``can_schedule_training``. Records ``operators.session.created``. Raises
    PermissionDenied or ValidationError.
    """
    if actor is not None and not can_schedule_training(actor, programme):
        raise PermissionDenied
    if topic.programme_id != programme.pk or trainer.programme_id != programme.pk:
        raise ValidationError(_("The topic and the trainer must belong to this programme."))
    if kind not in SessionKind.values:
        raise ValidationError({"kind": _("Unknown kind of session.")})
    if day is not None:
        day = _locked_day(day)
        if day.schedule.programme_id != programme.pk:
            raise ValidationError(_("This training day belongs to another programme."))
        if not day.is_held:
            raise ValidationError(_("This training day does not take place."))
        local = timezone.localtime(starts_at).date()
        if local != day.on or timezone.localtime(ends_at).date() != day.on:
            raise ValidationError(_("A session of a training day takes place on that day."))
        school = day.schedule.school
    if school is None:
        raise ValidationError({"school": _("Say where the session takes place.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The session must end after it starts.")})
    trainer = Trainer.objects.select_for_update(of=("self",)).select_related("person__user").get(pk=trainer.pk)
    if TrainingSession.objects.filter(_overlapping(starts_at, ends_at), trainer=trainer).exists():
        raise ValidationError({"trainer": _("This trainer leads another session at that time.")})
    room = room.strip()
    if (
        room
        and TrainingSession.objects.filter(
            _overlapping(starts_at, ends_at), gathering__school=school, room__iexact=room
        ).exists()
    ):
        raise ValidationError({"room": _("This room is taken at that time.")})
    account = trainer.person.user
    gathering = gathering_create(
        actor=actor,
        programme=programme,
        kind=GatheringKind.IN_SCHOOL,
        title=title.strip() or topic.label,
        # A session named after its topic reads in each reader's language.
        title_translations=None if title.strip() else topic.name,
        school=school,
        starts_at=starts_at,
        ends_at=ends_at,
        place=room,
        leads=[account] if account is not None else [],
        expected=[],
        is_demo=is_demo,
    )
    session = TrainingSession(
        gathering=gathering,
        day=day,
        kind=kind,
        topic=topic,
        trainer=trainer,
        room=room,
        capacity=capacity,
        is_demo=is_demo,
    )
    session.full_clean()
    session.save()
    audit_record(actor=actor, action="operators.session.created", target=session)
    return session


_SESSION_FIELDS = ["topic", "room", "capacity"]
SESSION_EDITABLE_FIELDS = frozenset({"topic", "room", "capacity", "starts_at", "ends_at"})


def _session_state(
    session: TrainingSession, starts_at: datetime.datetime, ends_at: datetime.datetime
) -> dict[str, Any]:
    times = {
        "starts_at": starts_at.astimezone(datetime.UTC).isoformat(),
        "ends_at": ends_at.astimezone(datetime.UTC).isoformat(),
    }
    return (snapshot(session, _SESSION_FIELDS) or {}) | times


@transaction.atomic
def session_update(*, actor: User | None, session: TrainingSession, changes: Mapping[str, Any]) -> TrainingSession:
    """Change a training session's topic, room, capacity or times. The trainer stays (the
    cascade counts who trained whom; a different trainer is a different session). Times and room
    go to the session's gathering through the attendance app's ``gathering_update`` (which
    refuses new times once attendance is marked); the same checks as on creation hold: a room
    holds one session at a time, a trainer leads one at a time, a session of a training day stays
    on its day, the capacity is not below the people signed up.

    Needs ``can_manage_session`` (the programme's coordinator). Records
    ``operators.session.updated`` with the fields before and after. Raises PermissionDenied,
    TypeError (a field that cannot be changed) or ValidationError.
    """
    unknown = set(changes) - SESSION_EDITABLE_FIELDS
    if unknown:
        raise TypeError("Fields that cannot be changed: " + ", ".join(sorted(unknown)))
    session = (
        TrainingSession.objects.select_for_update(of=("self",))
        .select_related("gathering__programme", "day", "trainer")
        .get(pk=session.pk)
    )
    gathering = session.gathering
    if actor is not None and not can_manage_session(actor, session):
        raise PermissionDenied
    topic = changes.get("topic", session.topic)
    if topic.programme_id != gathering.programme_id:
        raise ValidationError({"topic": _("The topic and the trainer must belong to this programme.")})
    starts_at = changes.get("starts_at", gathering.starts_at)
    ends_at = changes.get("ends_at", gathering.ends_at)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The session must end after it starts.")})
    if session.day is not None and (
        timezone.localtime(starts_at).date() != session.day.on or timezone.localtime(ends_at).date() != session.day.on
    ):
        raise ValidationError(_("A session of a training day takes place on that day."))
    others = TrainingSession.objects.filter(_overlapping(starts_at, ends_at)).exclude(pk=session.pk)
    if others.filter(trainer_id=session.trainer_id).exists():
        raise ValidationError({"trainer": _("This trainer leads another session at that time.")})
    room = str(changes.get("room", session.room)).strip()
    if room and others.filter(gathering__school=gathering.school, room__iexact=room).exists():
        raise ValidationError({"room": _("This room is taken at that time.")})
    capacity = int(changes.get("capacity", session.capacity))
    signed = Attendance.objects.filter(gathering_id=gathering.pk).count()
    if capacity < signed:
        raise ValidationError(
            {"capacity": _("%(count)s people are signed up; the capacity cannot be smaller.") % {"count": signed}}
        )
    before = _session_state(session, gathering.starts_at, gathering.ends_at)
    gathering_changes: dict[str, Any] = {}
    if (starts_at, ends_at) != (gathering.starts_at, gathering.ends_at):
        gathering_changes |= {"starts_at": starts_at, "ends_at": ends_at}
    if room != gathering.place:
        gathering_changes["place"] = room
    if topic.pk != session.topic_id and (gathering.title_translations or gathering.title == session.topic.label):
        gathering_changes |= {"title": topic.label, "title_translations": dict(topic.name)}
    if gathering_changes:
        gathering_update(actor=actor, gathering=gathering, changes=gathering_changes)  # type: ignore[arg-type]
    session.topic, session.room, session.capacity = topic, room, capacity
    session.full_clean()
    session.save(update_fields=_SESSION_FIELDS)
    after = _session_state(session, starts_at, ends_at)
    if after != before:
        audit_record(actor=actor, action="operators.session.updated", target=session, before=before, after=after)
    return session


# --- Sign-ups ---------------------------------------------------------------------------------------


def _enrol(actor: User | None, session: TrainingSession, person: Person, school_id: int | None) -> Attendance:
    """Add ``person`` to a locked session's gathering, within capacity and not in a parallel session."""
    gathering = Gathering.objects.select_for_update().get(pk=session.gathering_id)
    if gathering.cancelled_at is not None:
        raise ValidationError(_("This session is cancelled."))
    existing = Attendance.objects.filter(gathering=gathering, person=person).first()
    if existing is not None:
        return existing
    if Attendance.objects.filter(gathering=gathering).count() >= session.capacity:
        raise ValidationError(_("This session is full."))
    parallel = Attendance.objects.filter(
        person=person,
        gathering__training_session__isnull=False,
        gathering__starts_at__lt=gathering.ends_at,
        gathering__ends_at__gt=gathering.starts_at,
        gathering__cancelled_at__isnull=True,
    )
    if parallel.exists():
        raise ValidationError(_("You are already signed up for a session at that time."))
    attendance = Attendance(gathering=gathering, person=person, school_id=school_id)
    attendance.full_clean()
    attendance.save()
    audit_record(actor=actor, action="operators.signup.created", target=attendance)
    return attendance


@transaction.atomic
def session_sign_up(*, actor: User, session: TrainingSession) -> Attendance:
    """A teacher signs up for a session at their school (as their linked registry person).

    Needs ``can_sign_up``. The gathering's row is locked, so the last seat goes to one person.
    Signing up twice changes nothing. Records ``operators.signup.created``. Raises
    PermissionDenied or ValidationError (full, cancelled, already in a parallel session).
    """
    session = TrainingSession.objects.select_related("gathering__programme").get(pk=session.pk)
    if not can_sign_up(actor, session):
        raise PermissionDenied
    person = access_for(actor).person
    return _enrol(actor, session, person, session.gathering.school_id)


@transaction.atomic
def session_register(
    *, actor: User | None, session: TrainingSession, person: Person, school: School | None
) -> Attendance:
    """The coordinator registers anyone for a session (a state-school teacher at a trainer's
    session), for the school they take part for. Needs ``can_register_participants``. Same rules
    and audit as a sign-up."""
    session = TrainingSession.objects.select_related("gathering__programme").get(pk=session.pk)
    if actor is not None and not can_register_participants(actor, session):
        raise PermissionDenied
    return _enrol(actor, session, person, school.pk if school is not None else None)


@transaction.atomic
def session_withdraw(*, actor: User, session: TrainingSession) -> None:
    """A teacher withdraws their own sign-up while attendance is not marked.

    Records ``operators.signup.deleted``. Raises ValidationError (not signed up, already marked).
    """
    person = access_for(actor).person
    attendance = (
        Attendance.objects.select_for_update().filter(gathering_id=session.gathering_id, person=person).first()
        if person is not None
        else None
    )
    if attendance is None:
        raise ValidationError(_("You are not signed up for this session."))
    if attendance.status:
        raise ValidationError(_("Attendance is already marked; the sign-up stays."))
    audit_record(actor=actor, action="operators.signup.deleted", target=attendance)
    attendance.delete()
