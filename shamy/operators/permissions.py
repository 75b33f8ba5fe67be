"""Who may do what with operator schools, training days and the cascade. Deny by default.

- System administrators (for the state) create agreements and record handovers; they also set
  the school breaks of each year.
- The coordinator of an operator's programme ticks the handover checklist, schedules training
  days and sessions, certifies trainers, and reads hours and the cascade.
- Teachers, school facilitators and principals of the programme sign up for sessions at their
  school; the trainer leading a session takes its attendance (the attendance app's rule: leads).
- National readers read everything; observers read the programme's aggregates.

Named rules (``shamy/core/rules.py``): "view" for agreements, training days and sessions; object
rules for the actions on them and on the operator's programme.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from shamy.access.context import Access, Actor, ProgrammeRef, access_for
from shamy.access.roles import PROGRAMME_VIEWER_ROLES, SCHOOL_ROLES, Role
from shamy.attendance.models import Gathering
from shamy.core.rules import object_rule, rule
from shamy.operators.models import Event, OperatorAgreement, Registration, SessionKind, TrainingDay, TrainingSession
from shamy.programmes.models import Programme


def _active(programme: object) -> bool:
    return bool(getattr(programme, "is_active", False))


# --- Rows --------------------------------------------------------------------------------------------


@rule("operators.OperatorAgreement", "view")
def agreements_visible(access: Access) -> Q | bool:
    """National readers see all; a regional analyst those of schools in their region; a principal
    their own school's; the coordinator of an operator's programme every agreement of that
    programme. Teachers, observers and outsiders see none (observers read the indicators)."""
    if access.is_national:
        return access.country_condition("programme__country")  # every programme of their country
    condition = Q(pk__in=[])
    scope = access.registry
    if scope.region_ids:
        condition |= Q(school__region_id__in=sorted(scope.region_ids))
    if scope.school_ids:
        condition |= Q(school_id__in=sorted(scope.school_ids))
    coordinated = sorted(
        {m.programme_id for m in access.programme_memberships() if m.role == Role.COORDINATOR and m.programme_id}
    )
    if coordinated:
        condition |= Q(programme_id__in=coordinated)
    return condition


@rule("operators.TrainingDay", "view")
def training_days_visible(access: Access) -> Q | bool:
    """National readers: all. Coordinators: every day of their programme. Principals, school
    facilitators and teachers of the programme: the days at their school. Trainers: days on which
    they lead a session."""
    if access.is_national:
        return access.country_condition("schedule__programme__country")  # every programme of their country
    condition = Q(pk__in=[])
    for programme_id in sorted(access.programme_ids):
        if access.is_coordinator(programme_id):
            condition |= Q(schedule__programme_id=programme_id)
            continue
        schools: set[int] = set()
        for role in SCHOOL_ROLES:
            schools |= access.programme_school_ids(programme_id, role=role)
        if schools:
            condition |= Q(schedule__programme_id=programme_id, schedule__school_id__in=sorted(schools))
    person = access.person
    if person is not None:
        condition |= Q(pk__in=TrainingDay.objects.filter(sessions__trainer__person=person).values("pk"))
    return condition


@rule("operators.TrainingSession", "view")
def training_sessions_visible(access: Access) -> Q | bool:
    """Sessions whose gathering the actor may open (the attendance app's rule), and those they lead."""
    condition = Q(gathering__in=Gathering.objects.restrict(access, "view").values("pk"))
    person = access.person
    if person is not None:
        condition |= Q(trainer__person=person)
    return condition


# --- Predicates ----------------------------------------------------------------------------------------


def can_view_agreements(user: Actor) -> bool:
    """The list of operator schools: anyone to whom some agreement may be visible."""
    access = access_for(user)
    return (
        access.is_national
        or access.registry.any
        or any(m.role == Role.COORDINATOR for m in access.programme_memberships())
    )


def can_create_agreement(user: Actor) -> bool:
    """Agreements change the registry's school (ownership, operator): a registry writer."""
    return access_for(user).is_system_admin


def can_manage_handover(user: Actor, agreement: OperatorAgreement) -> bool:
    """Tick the checklist: the operator programme's coordinator or a system administrator."""
    if agreement.is_handed_over:
        return False
    access = access_for(user)
    return access.is_system_admin or access.is_coordinator(agreement.programme_id)


def can_record_handover(user: Actor, agreement: OperatorAgreement) -> bool:
    """Record the actual handover (it changes the registry's school): a system administrator."""
    return not agreement.is_handed_over and access_for(user).is_system_admin


def can_manage_breaks(user: Actor) -> bool:
    return access_for(user).is_system_admin


def can_read_training(user: Actor, programme: ProgrammeRef) -> bool:
    """The programme's training days: any role in it, or a national reader."""
    return access_for(user).can_read_programme(programme)


def can_schedule_training(user: Actor, programme: Programme) -> bool:
    """The programme's coordinator, while the programme is active."""
    return _active(programme) and access_for(user).is_coordinator(programme.pk)


def can_manage_day(user: Actor, day: TrainingDay) -> bool:
    return can_schedule_training(user, day.schedule.programme)


def can_sign_up(user: Actor, session: TrainingSession) -> bool:
    """Teachers, facilitators and principals of the programme at the session's school, with a
    registry person, on a session that has not started and is not cancelled, and not the one
    they lead themselves."""
    gathering = session.gathering
    access = access_for(user)
    person = access.person
    if person is None or gathering.cancelled_at is not None or not _active(gathering.programme):
        return False
    if session.trainer.person_id == person.pk or gathering.starts_at <= timezone.now():
        return False
    schools: set[int] = set()
    for role in SCHOOL_ROLES:
        schools |= access.programme_school_ids(gathering.programme_id, role=role)
    return gathering.school_id in schools


def can_register_participants(user: Actor, session: TrainingSession) -> bool:
    """Add anyone (a state-school teacher at a trainer's session): the coordinator."""
    return _active(session.gathering.programme) and access_for(user).is_coordinator(session.gathering.programme_id)


def can_rate_session(user: Actor, session: TrainingSession) -> bool:
    """Participants who attended rate the session (checked again in the service)."""
    return access_for(user).person is not None and session.gathering.cancelled_at is None


def can_view_report(user: Actor, programme: ProgrammeRef) -> bool:
    """Hours, the cascade and the indicators: coordinator, observer, national readers."""
    access = access_for(user)
    return access.is_national or bool(access.programme_roles(programme) & PROGRAMME_VIEWER_ROLES)


def can_view_cascade_people(user: Actor, programme: ProgrammeRef) -> bool:
    """Trainers' and teachers' names in reports: the coordinator and national readers (observers
    see counts only)."""
    access = access_for(user)
    return access.is_national or access.is_coordinator(programme)


def can_certify_trainer(user: Actor, programme: Programme) -> bool:
    return can_schedule_training(user, programme)


def can_manage_events(user: Actor, programme: Programme) -> bool:
    """Create and change the programme's events (the summit), their sessions and check-in
    volunteers: the programme's coordinator, while the programme is active."""
    return _active(programme) and access_for(user).is_coordinator(programme.pk)


def can_manage_session(user: Actor, session: TrainingSession) -> bool:
    """Change a training session (topic, trainer, room, capacity, times): the coordinator."""
    return can_schedule_training(user, session.gathering.programme)


# --- Object rules for the views (``@checked``) ----------------------------------------------------------


@object_rule("operators.OperatorAgreement", "check")
def may_tick_checklist(access: Access, agreement: OperatorAgreement) -> bool:
    return can_manage_handover(access.user, agreement)


@object_rule("operators.OperatorAgreement", "record-handover")
def may_record_handover(access: Access, agreement: OperatorAgreement) -> bool:
    return can_record_handover(access.user, agreement)


@object_rule("programmes.Programme", "schedule-training")
def may_schedule_training(access: Access, programme: Programme) -> bool:
    return can_schedule_training(access.user, programme)


@object_rule("programmes.Programme", "training-report")
def may_read_training_report(access: Access, programme: Programme) -> bool:
    return can_view_report(access.user, programme)


@object_rule("operators.TrainingDay", "manage")
def may_manage_day(access: Access, day: TrainingDay) -> bool:
    return can_manage_day(access.user, day)


@object_rule("operators.TrainingSession", "sign-up")
def may_sign_up(access: Access, session: TrainingSession) -> bool:
    return can_sign_up(access.user, session)


@object_rule("operators.TrainingSession", "rate")
def may_rate(access: Access, session: TrainingSession) -> bool:
    return can_rate_session(access.user, session)


@object_rule("operators.TrainingSession", "manage")
def may_manage_session(access: Access, session: TrainingSession) -> bool:
    return can_manage_session(access.user, session)


@object_rule("programmes.Programme", "manage-events")
def may_create_event(access: Access, programme: Programme) -> bool:
    return can_manage_events(access.user, programme)


@object_rule("programmes.Programme", "manage-topics")
def may_manage_topics(access: Access, programme: Programme) -> bool:
    return can_schedule_training(access.user, programme)


@object_rule("operators.TrainingSession", "certify")
def may_certify_from(access: Access, session: TrainingSession) -> bool:
    """Certify trainers from a training-of-trainers course: the programme's coordinator."""
    return session.kind == SessionKind.TRAINERS and can_certify_trainer(access.user, session.gathering.programme)


# --- Events ---------------------------------------------------------------------------------------------


def _event_programmes(access: Access, roles: frozenset[str] | set[str]) -> list[int]:
    return sorted({m.programme_id for m in access.programme_memberships() if m.role in roles and m.programme_id})


@rule("operators.Event", "view")
def events_visible(access: Access) -> Q | bool:
    """The staff pages of an event: national readers, the programme's coordinator and observers,
    and the event's check-in volunteers."""
    if access.is_national:
        return access.country_condition("programme__country")  # every programme of their country
    condition = Q(volunteers=access.user)
    programmes = _event_programmes(access, {Role.COORDINATOR, Role.OBSERVER})
    if programmes:
        condition |= Q(programme_id__in=programmes)
    return Q(pk__in=Event.objects.filter(condition).values("pk"))


@object_rule("operators.Event", "check-in")
def may_check_in(access: Access, event: Event) -> bool:
    """Volunteers of the event and the programme's coordinator."""
    if access.user is None:
        return False
    return access.is_coordinator(event.programme_id) or event.volunteers.filter(pk=access.user.pk).exists()


@object_rule("operators.Event", "manage")
def may_manage_event(access: Access, event: Event) -> bool:
    """Edit the event, its sessions and its volunteers: the programme's coordinator."""
    return can_manage_events(access.user, event.programme)


@object_rule("operators.Event", "registrations")
def may_list_registrations(access: Access, event: Event) -> bool:
    """The list of people registered (names, e-mails): the system administrator, the programme's
    coordinator and the event's volunteers."""
    return access.is_system_admin or may_check_in(access, event)


@rule("operators.Registration", "view")
def registrations_visible(access: Access) -> Q | bool:
    """Registrations hold names and e-mails: the system administrator, the programme's
    coordinator and the event's volunteers (the manual search at the door)."""
    if access.is_system_admin:
        return True
    condition = Q(event__volunteers=access.user)
    programmes = _event_programmes(access, {Role.COORDINATOR})
    if programmes:
        condition |= Q(event__programme_id__in=programmes)
    return Q(pk__in=Registration.objects.filter(condition).values("pk"))
