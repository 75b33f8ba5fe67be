"""Who may do what with operator schools, training days and the cascade. Deny by default.

- System administrators (for the state) create agreements and record handovers; they also set
  the school breaks of each year.
- The coordinator of an operator's programme ticks the handover checklist, schedules training
  days and sessions, certifies trainers, and reads hours and the cascade.
- Teachers, school facilitators and principals of the programme sign up for sessions at their
  school; the trainer leading a session takes its attendance (the attendance app's rule: leads).
- National readers read everything; observers read the programme's aggregates.
"""

from __future__ import annotations

from django.utils import timezone

from shamy.access.context import Actor, ProgrammeRef, access_for
from shamy.access.roles import PROGRAMME_VIEWER_ROLES, SCHOOL_ROLES
from shamy.operators.models import OperatorAgreement, TrainingDay, TrainingSession


def _active(programme: object) -> bool:
    return bool(getattr(programme, "is_active", False))


def can_view_agreements(user: Actor) -> bool:
    """The list of operator schools: anyone to whom some agreement may be visible."""
    access = access_for(user)
    return (
        access.is_national
        or access.registry.any
        or any(m.role == "coordinator" for m in access.programme_memberships())
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


def can_schedule_training(user: Actor, programme: ProgrammeRef) -> bool:
    programme_id = programme if isinstance(programme, int) else getattr(programme, "pk", None)
    if programme_id is None:
        return False
    if not isinstance(programme, int) and not _active(programme):
        return False
    return access_for(user).is_coordinator(programme_id)


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
    """Trainers' names in the cascade tree: the coordinator and national readers (observers see
    counts only)."""
    access = access_for(user)
    return access.is_national or access.is_coordinator(programme)


def can_certify_trainer(user: Actor, programme: ProgrammeRef) -> bool:
    return can_schedule_training(user, programme)
