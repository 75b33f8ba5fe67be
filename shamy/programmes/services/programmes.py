"""Creating programmes and cohorts, and finishing a programme."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shamy.access.context import access_for
from shamy.access.roles import Role
from shamy.accounts.models import User
from shamy.audit.services.entries import audit_record, snapshot
from shamy.core.rules import require
from shamy.programmes.models import DEFAULT_MARKING_OPENS_MINUTES, Cohort, Programme, ProgrammeStatus
from shamy.programmes.services.enrolment import invitation_create_unchecked


@transaction.atomic
def programme_create(
    *,
    actor: User | None,
    name_kk: str,
    name_ru: str,
    name_en: str = "",
    country: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    coordinator_email: str,
    base_url: str | None = None,
    marking_opens_minutes: int = DEFAULT_MARKING_OPENS_MINUTES,
) -> Programme:
    """Create a programme and invite its first coordinator by e-mail.

    Needs a system administrator (``None`` for operator commands). The coordinator then adds
    cohorts, schools and people. Raises PermissionDenied or ValidationError.
    """
    if actor is not None and not access_for(actor).is_system_admin:
        raise PermissionDenied
    programme = Programme(
        name_kk=name_kk.strip(),
        name_ru=name_ru.strip(),
        name_en=name_en.strip(),
        country=country,
        starts_on=starts_on,
        ends_on=ends_on,
        marking_opens_minutes=marking_opens_minutes,
    )
    programme.full_clean()
    programme.save()
    audit_record(actor=actor, action="programmes.programme.created", target=programme)
    invitation_create_unchecked(
        actor=actor, programme=programme, email=coordinator_email, role=Role.COORDINATOR, base_url=base_url
    )
    return programme


@transaction.atomic
def programme_set_marking_window(*, actor: User, programme: Programme, minutes: int) -> Programme:
    """Set how many minutes before a gathering starts its attendance can be marked (0 to 1440).

    Needs the "manage" rule on the programme (its coordinator). Locks the row, runs full_clean()
    and records ``programmes.programme.updated`` with the value before and after. Raises
    PermissionDenied or ValidationError (out of range).
    """
    require(actor, programme, "manage")
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.marking_opens_minutes == minutes:
        return programme
    before = snapshot(programme, ["marking_opens_minutes"])
    programme.marking_opens_minutes = minutes
    programme.full_clean()
    programme.save(update_fields=["marking_opens_minutes", "updated_at"])
    audit_record(
        actor=actor,
        action="programmes.programme.updated",
        target=programme,
        before=before,
        after=snapshot(programme, ["marking_opens_minutes"]),
    )
    return programme


@transaction.atomic
def cohort_create(
    *,
    actor: User | None,
    programme: Programme,
    name_kk: str,
    name_ru: str,
    name_en: str = "",
    starts_on: datetime.date,
    ends_on: datetime.date,
    facilitators_per_school: int = 2,
) -> Cohort:
    """Open a cohort (a phase such as a pilot year) in a programme.

    Needs the programme's coordinator. Raises PermissionDenied or ValidationError (dates in the
    wrong order or outside the programme's period, a finished programme).
    """
    if actor is not None and not access_for(actor).is_coordinator(programme):
        raise PermissionDenied
    if programme.status != ProgrammeStatus.ACTIVE:
        raise ValidationError(_("A finished programme takes no new cohorts."))
    if starts_on < programme.starts_on or ends_on > programme.ends_on:
        raise ValidationError(_("A cohort must lie within the programme's period."))
    cohort = Cohort(
        programme=programme,
        name_kk=name_kk.strip(),
        name_ru=name_ru.strip(),
        name_en=name_en.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        facilitators_per_school=facilitators_per_school,
    )
    cohort.full_clean()
    cohort.save()
    audit_record(actor=actor, action="programmes.cohort.created", target=cohort)
    return cohort


@transaction.atomic
def programme_finish(*, actor: User | None, programme: Programme) -> Programme:
    """Mark a programme finished: its pages stay readable, nothing new is scheduled.

    Needs the programme's coordinator."""
    if actor is not None and not access_for(actor).is_coordinator(programme):
        raise PermissionDenied
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    before = snapshot(programme, ["status"])
    programme.status = ProgrammeStatus.FINISHED
    programme.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="programmes.programme.finished",
        target=programme,
        before=before,
        after=snapshot(programme, ["status"]),
    )
    return programme
