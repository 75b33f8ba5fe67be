"""Attendance marks queued on a device while offline and replayed later (issue 13).

The rules, also in the README ("Offline use"):

- each mark carries an idempotency key; a key is applied at most once per user
  (``shamy.offline.services.keys.apply_once``): a replay, a double tap or two tabs write nothing twice;
- of two marks of one person at one gathering, the one made **later on its device** stands, whoever
  made it and in whatever order they arrive (a tie goes to the greater key, so the order of arrival
  never matters); a mark made online counts at the server's time; a device clock ahead of the
  server's counts as the server's time;
- an older mark arriving after a later one is not applied (``conflict``): the later one stays, and
  the overruled mark is recorded in the audit trail beside it;
- a mark for a gathering cancelled meanwhile is refused with a message;
- the audit entry of every mark records the device time (``marked_on_device_at``) and the server
  time (``marked_at``, and the entry's own time).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from shamy.accounts.models import User
from shamy.attendance.models import Attendance, AttendanceStatus, Gathering
from shamy.attendance.permissions import can_mark_attendance
from shamy.attendance.services.marking import MARK_FIELDS, marking_not_open_message
from shamy.audit.services.entries import audit_record, snapshot
from shamy.offline.models import Outcome
from shamy.offline.services.keys import ItemResult, Refused, apply_batch

MAX_BATCH = 500
KIND = "attendance.mark"
_NO_KEY = uuid.UUID(int=0)


@dataclass(frozen=True)
class DeviceMark:
    key: uuid.UUID
    gathering_id: int
    person_id: int
    status: str
    device_at: datetime.datetime


def _standing(row: Attendance) -> tuple[datetime.datetime, uuid.UUID] | None:
    """The (device time, key) of the mark that stands on a row, or None if never marked."""
    moment = row.marked_on_device_at or row.marked_at
    if moment is None:
        return None
    return moment, row.mark_key or _NO_KEY


class _Gatherings:
    """The batch's gatherings, read once each (visible to the actor or None)."""

    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.cache: dict[int, Gathering | None] = {}

    def get(self, gathering_id: int) -> Gathering | None:
        if gathering_id not in self.cache:
            self.cache[gathering_id] = (
                Gathering.objects.restrict(self.actor, "view")
                .select_related("programme")
                .prefetch_related("leads")
                .filter(pk=gathering_id)
                .first()
            )
        return self.cache[gathering_id]


def _apply(actor: User, mark: DeviceMark, gatherings: _Gatherings) -> ItemResult:
    gathering = gatherings.get(mark.gathering_id)
    if gathering is None:
        raise Refused(_("This gathering is not found, or not visible to your account."))
    if not can_mark_attendance(actor, gathering):
        raise Refused(_("You may not mark attendance at this gathering."))
    row = (
        # The gathering is locked too: a cancellation and a mark do not interleave.
        Attendance.objects.select_for_update(of=("self", "gathering"))
        .select_related("gathering__programme")
        .filter(gathering_id=gathering.pk, person_id=mark.person_id)
        .first()
    )
    if row is None:
        raise Refused(_("This person is not expected at this gathering."))
    # Read under the row's lock: a cancellation committed after the batch started counts.
    if row.gathering.cancelled_at is not None:
        raise Refused(
            _("The gathering was cancelled meanwhile: the mark was not saved."),
            status=row.status,
        )
    # The programme's marking window (issue 11), judged at the server: a phone's clock may be
    # wrong, and the screen offers no button before marking opens.
    if mark.status and not row.gathering.marking_is_open:
        raise Refused(marking_not_open_message(row.gathering), status=row.status)
    incoming = (mark.device_at, mark.key)
    standing = _standing(row)
    now = timezone.now()
    if standing is not None and incoming <= standing:
        # The later mark stays; the overruled one is on record beside it.
        audit_record(
            actor=actor,
            action="attendance.attendance.mark_overruled",
            target=row,
            before=snapshot(row, MARK_FIELDS),
            after={
                "status": mark.status,
                "marked_by": actor.pk,
                "marked_at": now.isoformat(),
                "marked_on_device_at": mark.device_at.isoformat(),
                "mark_key": str(mark.key),
            },
        )
        by = row.marked_by.get_full_name() if row.marked_by is not None else _("someone")
        return ItemResult(
            key=mark.key,
            outcome=Outcome.CONFLICT,
            detail=_("Not applied: %(name)s marked this person later (on their device).") % {"name": by},
            extra={"status": row.status},
        )
    replaced = row.status and row.marked_by_id not in (None, actor.pk)
    previous_by = row.marked_by.get_full_name() if replaced and row.marked_by is not None else ""
    before = snapshot(row, MARK_FIELDS)
    row.status = mark.status
    row.marked_by = actor if mark.status else None
    row.marked_at = now if mark.status else None
    row.marked_on_device_at, row.mark_key = mark.device_at, mark.key
    row.save(update_fields=MARK_FIELDS)
    audit_record(
        actor=actor, action="attendance.attendance.marked", target=row, before=before, after=snapshot(row, MARK_FIELDS)
    )
    detail = (
        _("Saved; it replaces the earlier mark by %(name)s.") % {"name": previous_by} if previous_by else _("Saved.")
    )
    return ItemResult(key=mark.key, outcome=Outcome.APPLIED, detail=detail, extra={"status": row.status})


def attendance_marks_from_device(*, actor: User, marks: Iterable[DeviceMark]) -> list[ItemResult]:
    """Apply a device's queued marks, each at most once (by its key), each in its own transaction
    (one refused mark does not hold back the others), in the order given.

    Same permission as the attendance page, per mark (``can_mark_attendance`` on a gathering
    visible to the actor); a mark that fails it is refused, not an error of the batch. The
    conflict rules are in this module's docstring. Records ``attendance.attendance.marked`` or
    ``attendance.attendance.mark_overruled`` per applied key. Raises ValueError for a batch over
    ``MAX_BATCH`` or with an unknown status, before anything is written.
    """

    def known_status(mark: DeviceMark) -> None:
        if mark.status and mark.status not in AttendanceStatus.values:
            raise ValueError("unknown status")

    gatherings = _Gatherings(actor)
    return apply_batch(
        actor=actor,
        items=marks,
        kind=KIND,
        limit=MAX_BATCH,
        noun="marks",
        check=known_status,
        apply=lambda mark: _apply(actor, mark, gatherings),
    )
