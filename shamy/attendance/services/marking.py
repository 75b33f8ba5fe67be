"""Marking attendance, and presentations with colleagues' feedback at network events."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from shamy.access.context import access_for
from shamy.access.models import Membership
from shamy.accounts.models import User
from shamy.attendance.models import Attendance, AttendanceStatus, Feedback, Gathering, Presentation
from shamy.attendance.permissions import can_give_feedback, can_manage_gathering, can_mark_attendance, can_present
from shamy.audit.services.entries import audit_record, snapshot
from shamy.registry.models import Person

# What a mark changes, and what its audit entry records (device time and server time).
MARK_FIELDS = ["status", "marked_by", "marked_at", "marked_on_device_at", "mark_key"]


def marking_not_open_message(gathering: Gathering) -> str:
    """Why a gathering's attendance cannot be marked yet, with the time it can (shown on the
    attendance screen and returned when a mark is refused)."""
    when = formats.date_format(timezone.localtime(gathering.marking_opens_at), "DATETIME_FORMAT")
    return _("Attendance at this gathering can be marked from %(when)s, not before.") % {"when": when}


def _check_markable(gathering: Gathering, status: str) -> None:
    if gathering.cancelled_at is not None:
        raise ValidationError(_("This gathering is cancelled: attendance is not taken."))
    # Clearing a mark is always allowed: it is how a mark given too early is undone.
    if status and not gathering.marking_is_open:
        raise ValidationError(marking_not_open_message(gathering))


def _set_status(actor: User, attendance: Attendance, status: str) -> None:
    """Write one (locked, checked) row's status and audit the change with before and after."""
    before = snapshot(attendance, MARK_FIELDS)
    now = timezone.now()
    attendance.status = status
    attendance.marked_by = actor if status else None
    attendance.marked_at = now if status else None
    # A tap made online counts at the server's time (the rule against marks queued offline).
    attendance.marked_on_device_at, attendance.mark_key = now, None
    attendance.save(update_fields=MARK_FIELDS)
    audit_record(
        actor=actor,
        action="attendance.attendance.marked" if status else "attendance.attendance.cleared",
        target=attendance,
        before=before,
        after=snapshot(attendance, MARK_FIELDS),
    )


@transaction.atomic
def attendance_mark(*, actor: User, attendance: Attendance, status: str) -> Attendance:
    """Mark one expected person present, late, excused or absent, change the mark, or clear it
    with "".

    Needs ``can_mark_attendance`` on the gathering (the people leading it, the coordinator).
    Marking opens the programme's ``marking_opens_minutes`` before the start; clearing is always
    allowed. The row is locked so two quick taps cannot interleave; every change is audited
    (``attendance.attendance.marked`` or ``.cleared``, before and after). Raises PermissionDenied
    or ValidationError (unknown status, cancelled gathering, marking not open yet).
    """
    if status and status not in AttendanceStatus.values:
        raise ValidationError(_("Unknown attendance status."))
    attendance = (
        Attendance.objects.select_for_update(of=("self",)).select_related("gathering__programme").get(pk=attendance.pk)
    )
    if not can_mark_attendance(actor, attendance.gathering):
        raise PermissionDenied
    _check_markable(attendance.gathering, status)
    if attendance.status != status:
        _set_status(actor, attendance, status)
    return attendance


@transaction.atomic
def attendance_mark_everyone(*, actor: User, gathering: Gathering, status: str = AttendanceStatus.PRESENT) -> int:
    """Give everyone expected and not marked yet the same status (as Moodle's "set all to
    present"); the exceptions are then marked one by one. Marks already given are kept.

    Needs ``can_mark_attendance``; the same checks as ``attendance_mark``. Each changed row is
    audited. Returns how many rows were marked. Raises PermissionDenied or ValidationError.
    """
    if status not in AttendanceStatus.values:
        raise ValidationError(_("Unknown attendance status."))
    gathering = Gathering.objects.select_for_update(of=("self",)).select_related("programme").get(pk=gathering.pk)
    if not can_mark_attendance(actor, gathering):
        raise PermissionDenied
    _check_markable(gathering, status)
    rows = list(Attendance.objects.select_for_update().filter(gathering=gathering, status="").order_by("id"))
    for attendance in rows:
        _set_status(actor, attendance, status)
    return len(rows)


@transaction.atomic
def attendance_clear_all(*, actor: User, gathering: Gathering) -> int:
    """Clear every mark of a gathering (e.g. marks given by mistake before it took place, or
    before cancelling it). Needs ``can_mark_attendance``; each cleared row is audited with its
    mark before. Returns how many marks were cleared. Raises PermissionDenied."""
    gathering = Gathering.objects.select_for_update(of=("self",)).select_related("programme").get(pk=gathering.pk)
    if not can_mark_attendance(actor, gathering):
        raise PermissionDenied
    rows = list(Attendance.objects.select_for_update().filter(gathering=gathering).exclude(status="").order_by("id"))
    for attendance in rows:
        _set_status(actor, attendance, "")
    return len(rows)


@transaction.atomic
def presentation_create(
    *, actor: User, gathering: Gathering, title: str, summary: str = "", presenter: Person | None = None
) -> Presentation:
    """A teacher adds their progress presentation to a network event or the conference.

    Teachers present as themselves (their linked Person); leads and the coordinator may name
    any expected presenter. Needs ``can_present``. Raises PermissionDenied or ValidationError.
    """
    if not can_present(actor, gathering):
        raise PermissionDenied
    own = access_for(actor).person
    if presenter is None:
        presenter = own
    if presenter is None:
        raise ValidationError(_("Your account is not linked to a person in the registry."))
    if presenter != own and not can_manage_gathering(actor, gathering):
        raise PermissionDenied
    if not gathering.attendances.filter(person=presenter).exists():
        raise ValidationError(_("The presenter is not expected at this event."))
    presentation = Presentation(
        gathering=gathering, presenter=presenter, title=title.strip(), summary=summary.strip(), created_by=actor
    )
    presentation.full_clean()
    presentation.save()
    audit_record(actor=actor, action="attendance.presentation.created", target=presentation)
    return presentation


@transaction.atomic
def feedback_add(*, actor: User, presentation: Presentation, text: str) -> Feedback:
    """A colleague leaves feedback on a presentation. Needs ``can_give_feedback`` on its
    gathering. Raises PermissionDenied or ValidationError (empty text)."""
    if not can_give_feedback(actor, presentation.gathering):
        raise PermissionDenied
    feedback = Feedback(presentation=presentation, author=actor, text=text.strip())
    feedback.full_clean()
    feedback.save()
    audit_record(actor=actor, action="attendance.feedback.added", target=feedback)
    return feedback


@transaction.atomic
def attendance_expect(*, actor: User, gathering: Gathering, person: Person, school_id: int | None = None) -> Attendance:
    """Add a person to the people expected at a gathering (one row per person).

    Needs ``can_manage_gathering``; the person must hold a programme role in the gathering's
    programme. Raises PermissionDenied or ValidationError (already expected, not a participant,
    cancelled gathering).
    """

    if not can_manage_gathering(actor, gathering):
        raise PermissionDenied
    # Read under a lock: the caller's copy may predate a cancellation committed meanwhile.
    if Gathering.objects.select_for_update().get(pk=gathering.pk).cancelled_at is not None:
        raise ValidationError(_("This gathering is cancelled: attendance is not taken."))
    membership = (
        Membership.objects.active()
        .filter(programme_id=gathering.programme_id, user__person=person)
        .order_by("school_id")
        .first()
    )
    if membership is None:
        raise ValidationError(_("This person takes no part in the programme."))
    if Attendance.objects.filter(gathering=gathering, person=person).exists():
        raise ValidationError(_("This person is already expected."))
    attendance = Attendance(gathering=gathering, person=person, school_id=school_id or membership.school_id)
    attendance.full_clean()
    attendance.save()
    audit_record(actor=actor, action="attendance.attendance.expected", target=attendance)
    return attendance


@transaction.atomic
def attendance_unexpect(*, actor: User, attendance: Attendance) -> None:
    """Remove a person from the expected list while their attendance is not marked yet.

    Needs ``can_manage_gathering``. Raises PermissionDenied or ValidationError (already marked).
    """
    attendance = Attendance.objects.select_for_update().select_related("gathering__programme").get(pk=attendance.pk)
    if not can_manage_gathering(actor, attendance.gathering):
        raise PermissionDenied
    if attendance.status:
        raise ValidationError(_("Attendance is already marked for this person; it stays on the list."))
    audit_record(actor=actor, action="attendance.attendance.deleted", target=attendance)
    attendance.delete()
