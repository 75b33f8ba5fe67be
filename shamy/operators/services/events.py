"""Events (the yearly summit): registration with a state-school quota and a waiting list that
moves up by itself, tickets, check-in scans from several doors (offline devices sync later),
and the survey afterwards.

Every change of who holds a place locks the event's row first (``select_for_update``), so two
registrations, or two cancellations at once, are decided one after the other: a freed place goes
to exactly one person from the waiting list, and the capacity and quota always hold.
"""

from __future__ import annotations

import datetime
import secrets
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from shamy.accounts.models import User
from shamy.audit.services.entries import audit_record, snapshot
from shamy.core.rules import allowed
from shamy.offline.models import Outcome
from shamy.offline.services.keys import ItemResult, apply_once, device_time
from shamy.operators.models import (
    Event,
    EventFeedback,
    EventSession,
    OperatorAgreement,
    Registration,
    RegistrationStatus,
    Scan,
    ScanOutcome,
    SchoolSide,
)
from shamy.operators.permissions import can_manage_events
from shamy.operators.tickets import ticket_pdf
from shamy.programmes.models import Programme
from shamy.registry.models import Ownership, Region, School

_STATUS_FIELDS = ["status", "cancelled_at", "promoted_at"]


def school_side(event: Event, school: School | None) -> str:
    """Operator's school (run under the event programme's operator agreement on the event's
    day), state school, or other (private, none given)."""
    if school is None:
        return SchoolSide.OTHER
    day = timezone.localtime(event.starts_at).date()
    agreement = OperatorAgreement.objects.filter(programme_id=event.programme_id, school=school).first()
    if agreement is not None and (agreement.handed_over_on is None or agreement.handed_over_on > day):
        return SchoolSide.OPERATOR
    return SchoolSide.STATE if school.ownership in (Ownership.STATE, Ownership.OPERATOR) else SchoolSide.OTHER


@dataclass(frozen=True)
class Places:
    confirmed: int
    confirmed_state: int

    def fits(self, event: Event, side: str) -> bool:
        """A place for ``side``: the capacity holds, and the places kept for state-school teachers
        stay free for them."""
        if self.confirmed >= event.capacity:
            return False
        if side == SchoolSide.STATE:
            return True
        return self.confirmed - self.confirmed_state < event.capacity - event.state_quota


def places(event: Event) -> Places:
    counts = Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).aggregate(
        confirmed=Count("id"), state=Count("id", filter=Q(side=SchoolSide.STATE))
    )
    return Places(confirmed=counts["confirmed"], confirmed_state=counts["state"])


def _locked_event(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _send_ticket(registration_id: int, subject_kind: str) -> None:
    registration = Registration.objects.select_related("event").get(pk=registration_id)
    with translation.override(registration.language):
        link = str(getattr(settings, "SITE_URL", "http://localhost:8000")).rstrip("/") + reverse(
            "operators:ticket", args=[registration.code]
        )
        body = render_to_string(
            "operators/email/ticket.txt", {"registration": registration, "link": link, "kind": subject_kind}
        )
        subject = (
            _("Your place at %(event)s")
            if registration.status == RegistrationStatus.CONFIRMED
            else _("You are on the waiting list for %(event)s")
        ) % {"event": registration.event.label}
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [registration.email])
        if registration.status == RegistrationStatus.CONFIRMED:
            message.attach(f"ticket-{registration.event.slug}.pdf", ticket_pdf(registration), "application/pdf")
        message.send()


@transaction.atomic
def registration_create(
    *,
    event: Event,
    full_name: str,
    email: str,
    language: str,
    school: School | None,
    now: datetime.datetime | None = None,
    is_demo: bool = False,
    send: bool = True,
) -> Registration:
    """Register someone for an event (public: no account needed).

    Locks the event. Confirmed while a place fits (``Places.fits``), else on the waiting list.
    One active registration per e-mail. Records ``operators.registration.created``; after commit
    e-mails the ticket link. Raises ValidationError (registration closed, already registered).
    """
    event = _locked_event(event)
    if not event.registration_open or event.starts_at <= timezone.now():
        raise ValidationError(_("Registration for this event is closed."))
    email = email.strip().lower()
    if Registration.objects.filter(event=event, email=email).exclude(status=RegistrationStatus.CANCELLED).exists():
        raise ValidationError({"email": _("This e-mail address is already registered for the event.")})
    side = school_side(event, school)
    status = RegistrationStatus.CONFIRMED if places(event).fits(event, side) else RegistrationStatus.WAITING
    registration = Registration(
        event=event,
        full_name=full_name.strip(),
        email=email,
        language=language if language in dict(settings.LANGUAGES) else "kk",
        school=school,
        side=side,
        status=status,
        code=secrets.token_urlsafe(12),
        created_at=now or timezone.now(),
        is_demo=is_demo,
    )
    registration.full_clean()
    registration.save()
    audit_record(
        actor=None,
        action="operators.registration.created",
        target=registration,
        after=snapshot(registration, ["event", "side", "status"]),
    )
    if send:
        transaction.on_commit(lambda: _send_ticket(registration.pk, "created"))
    return registration


def _promote(event: Event, now: datetime.datetime) -> list[Registration]:
    """Move people up from the waiting list, first come first served, while places fit (the event
    is locked by the caller)."""
    promoted = []
    current = places(event)
    for waiting in (
        Registration.objects.select_for_update()
        .filter(event=event, status=RegistrationStatus.WAITING)
        .order_by("created_at", "id")
    ):
        if current.confirmed >= event.capacity:
            break
        if not current.fits(event, waiting.side):
            continue
        before = snapshot(waiting, _STATUS_FIELDS)
        waiting.status = RegistrationStatus.CONFIRMED
        waiting.promoted_at = now
        waiting.save(update_fields=["status", "promoted_at"])
        audit_record(
            actor=None,
            action="operators.registration.promoted",
            target=waiting,
            before=before,
            after=snapshot(waiting, _STATUS_FIELDS),
        )
        promoted.append(waiting)
        current = Places(
            confirmed=current.confirmed + 1,
            confirmed_state=current.confirmed_state + (waiting.side == SchoolSide.STATE),
        )
    return promoted


@transaction.atomic
def registration_cancel(*, registration: Registration, send: bool = True) -> list[Registration]:
    """Cancel a registration (by its ticket's holder: the code is the key). A freed place moves
    the waiting list up by itself.

    Locks the event, then the registration, so concurrent cancellations promote each waiting
    person once. Records ``operators.registration.cancelled`` (and ``…promoted`` for each person
    moved up, who is e-mailed after commit). Returns those promoted. Raises ValidationError
    (already cancelled, already checked in).
    """
    event = _locked_event(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == RegistrationStatus.CANCELLED:
        raise ValidationError(_("This registration is already cancelled."))
    if registration.checked_in_at is not None:
        raise ValidationError(_("This ticket has been checked in; it can no longer be cancelled."))
    now = timezone.now()
    before = snapshot(registration, _STATUS_FIELDS)
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at"])
    audit_record(
        actor=None,
        action="operators.registration.cancelled",
        target=registration,
        before=before,
        after=snapshot(registration, _STATUS_FIELDS),
    )
    promoted = _promote(event, now) if was_confirmed else []
    if send:
        for person in promoted:
            transaction.on_commit(partial(_send_ticket, person.pk, "promoted"))
    return promoted


# --- Check-in ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScanResult:
    client_id: str
    outcome: str
    full_name: str = ""
    first_door: str = ""
    first_at: datetime.datetime | None = None

    @property
    def outcome_label(self) -> str:
        return str(ScanOutcome(self.outcome).label)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.client_id,
            "outcome": self.outcome,
            "label": self.outcome_label,
            "name": self.full_name,
            "first_door": self.first_door,
            "first_at": self.first_at.isoformat() if self.first_at else None,
        }


def _result(scan: Scan) -> ScanResult:
    registration = scan.registration
    return ScanResult(
        client_id=str(scan.client_id),
        outcome=scan.outcome,
        full_name=registration.full_name if registration else "",
        first_door=registration.checked_in_door if registration else "",
        first_at=registration.checked_in_at if registration else None,
    )


def scan_record(
    *, actor: User, event: Event, client_id: uuid.UUID, code: str, door: str, scanned_at: datetime.datetime
) -> ScanResult:
    """Record one scan (a volunteer's device, maybe synced late). Idempotent by ``client_id``:
    the same scan synced twice is stored once and answers the same. A ticket scanned at two
    doors counts once: the registration row is locked, the first scan checks it in, any later
    scan is told "already checked in" with the first door and time.

    Needs the event's "check-in" rule (a volunteer or the coordinator). Records
    ``operators.registration.checked_in`` for the first scan only.
    """
    if not allowed(actor, event, "check-in"):
        raise PermissionDenied
    return _scan_once(actor, event, client_id, code, door, scanned_at)[0]


# --- The one offline mechanism (issue 13): each scan's id is its idempotency key ---------------

SCAN_KIND = "operators.scan"


def _item(result: ScanResult) -> ItemResult:
    """A scan's outcome in the offline queue's terms: a first check-in is "applied"; a ticket
    checked in before (another door) is a "conflict": the first scan stands, counted once; an
    unknown or unconfirmed ticket is "refused" (the scan is on record, the device shows why)."""
    extra = {**result.as_dict(), "scan_outcome": result.outcome}
    del extra["outcome"]
    if result.outcome == ScanOutcome.CHECKED_IN:
        outcome, detail = Outcome.APPLIED, _("%(name)s: checked in.") % {"name": result.full_name}
    elif result.outcome == ScanOutcome.ALREADY:
        first = formats.date_format(timezone.localtime(result.first_at), "TIME_FORMAT") if result.first_at else ""
        outcome = Outcome.CONFLICT
        detail = _("%(name)s was already checked in (door “%(door)s”, %(time)s): counted once.") % {
            "name": result.full_name,
            "door": result.first_door,
            "time": first,
        }
    else:
        outcome, detail = Outcome.REFUSED, result.outcome_label
    return ItemResult(key=uuid.UUID(result.client_id), outcome=outcome, detail=detail, extra=extra)


def _scan_once(
    actor: User, event: Event, client_id: uuid.UUID, code: str, door: str, scanned_at: datetime.datetime
) -> tuple[ScanResult, ItemResult]:
    """One scan through ``apply_once`` (the key kept with the scan, in the one transaction
    ``apply_once`` opens): a scan replayed by the same volunteer answers "duplicate" and writes
    nothing; ``Scan.client_id`` keeps it once across volunteers too."""
    done: list[ScanResult] = []

    def apply() -> ItemResult:
        done.append(_scan(actor, event, client_id, code, door, scanned_at))
        return _item(done[0])

    item = apply_once(actor=actor, key=client_id, kind=SCAN_KIND, device_at=device_time(scanned_at), apply=apply)
    if not done:  # a duplicate (or too old to be judged): the scan as first recorded, if it was
        stored = Scan.objects.select_related("registration").filter(client_id=client_id).first()
        done.append(_result(stored) if stored else ScanResult(client_id=str(client_id), outcome=ScanOutcome.UNKNOWN))
    return done[0], item


@dataclass(frozen=True)
class DeviceScan:
    key: uuid.UUID
    event_id: int
    code: str
    door: str
    device_at: datetime.datetime


def scans_from_device(*, actor: User, scans: Iterable[DeviceScan]) -> list[ItemResult]:
    """The shared offline queue's batch of scans, any events: each scan once by its key
    (``apply_once``), a ticket checked in once whatever the door. Per scan, the event's
    "check-in" rule (otherwise refused). Raises ValueError for a batch over ``MAX_BATCH``."""
    items = list(scans)
    if len(items) > MAX_BATCH:
        raise ValueError(f"at most {MAX_BATCH} scans at once")
    events: dict[int, Event | None] = {}
    results = []
    for scan in items:
        if scan.event_id not in events:
            event = Event.objects.restrict(actor, "view").filter(pk=scan.event_id).first()
            events[scan.event_id] = event if event is not None and allowed(actor, event, "check-in") else None
        event = events[scan.event_id]
        if event is None:
            results.append(
                ItemResult(
                    key=scan.key,
                    outcome=Outcome.REFUSED,
                    detail=_("This event is not found, or you do not check people in at it."),
                )
            )
            continue
        results.append(_scan_once(actor, event, scan.key, scan.code[:64], scan.door[:40], scan.device_at)[1])
    return results


def _scan(
    actor: User, event: Event, client_id: uuid.UUID, code: str, door: str, scanned_at: datetime.datetime
) -> ScanResult:
    # No look-up of the scan's id first: a scan already stored (sent by another volunteer's
    # device) fails the unique ``client_id`` on insert, which undoes this attempt's check-in and
    # audit entry (the savepoint) and answers with the stored scan.
    try:
        with transaction.atomic():
            registration = Registration.objects.select_for_update().filter(event=event, code=code.strip()).first()
            if registration is not None:
                registration.event = event  # already loaded: its label names the audit entry
            if registration is None:
                outcome = ScanOutcome.UNKNOWN
            elif registration.status != RegistrationStatus.CONFIRMED:
                outcome = ScanOutcome.NOT_CONFIRMED
            elif registration.checked_in_at is not None:
                outcome = ScanOutcome.ALREADY
            else:
                outcome = ScanOutcome.CHECKED_IN
                registration.checked_in_at = scanned_at
                registration.checked_in_door = door[:40]
                registration.save(update_fields=["checked_in_at", "checked_in_door"])
                audit_record(
                    actor=actor,
                    action="operators.registration.checked_in",
                    target=registration,
                    after=snapshot(registration, ["checked_in_at", "checked_in_door"]),
                )
            scan = Scan.objects.create(
                event=event,
                client_id=client_id,
                code=code.strip()[:64],
                registration=registration,
                door=door[:40],
                scanned_at=scanned_at,
                outcome=outcome,
                volunteer=actor,
            )
    except IntegrityError:
        # The scan is stored already: sent before from another account's queue, or twice at once
        # (two syncs of one device). The first one counts.
        existing = Scan.objects.select_related("registration").get(client_id=client_id)
        return _result(existing)
    return _result(scan)


def _parse_scan(item: Any) -> tuple[uuid.UUID, str, str, datetime.datetime]:
    try:
        client_id = uuid.UUID(str(item["id"]))
        code = str(item["code"])[:64]
        door = str(item.get("door", ""))[:40]
        scanned_at = datetime.datetime.fromisoformat(str(item["scanned_at"]).replace("Z", "+00:00"))
    except (KeyError, ValueError, TypeError) as error:
        raise ValidationError(_("A scan in the batch is not readable.")) from error
    if scanned_at.tzinfo is None:
        scanned_at = timezone.make_aware(scanned_at)
    return client_id, code, door, scanned_at


MAX_BATCH = 500


def scans_record_batch(*, actor: User, event: Event, scans: Iterable[Mapping[str, Any]] | None) -> list[ScanResult]:
    """Record a device's queued scans (the offline sync), each as :func:`scan_record`, after one
    permission check for the whole batch (the event's "check-in" rule, else PermissionDenied).
    Raises ValidationError for an unreadable batch or scan, or a batch over ``MAX_BATCH``."""
    if not allowed(actor, event, "check-in"):
        raise PermissionDenied
    if scans is None or isinstance(scans, str | bytes | Mapping):
        raise ValidationError(_("A scan in the batch is not readable."))
    items = list(scans)
    if len(items) > MAX_BATCH:
        raise ValidationError(_("Send at most %(limit)s scans at once.") % {"limit": MAX_BATCH})
    parsed = [_parse_scan(item) for item in items]
    return [
        _scan_once(actor, event, client_id, code, door, scanned_at)[0] for client_id, code, door, scanned_at in parsed
    ]


@transaction.atomic
def event_feedback_add(*, registration: Registration, score: int, comment: str = "") -> EventFeedback:
    """The survey after the event, by the holder of a checked-in ticket, once.
    Records ``operators.event_feedback.created``. Raises ValidationError."""
    if registration.checked_in_at is None:
        raise ValidationError(_("Only people who attended answer the survey."))
    if registration.event.ends_at > timezone.now():
        raise ValidationError(_("The survey opens when the event ends."))
    if EventFeedback.objects.filter(registration=registration).exists():
        raise ValidationError(_("Thank you: your answer is already recorded."))
    feedback = EventFeedback(registration=registration, score=score, comment=comment.strip())
    feedback.full_clean()
    feedback.save()
    audit_record(actor=None, action="operators.event_feedback.created", target=feedback)
    return feedback


# --- Setting up an event ---------------------------------------------------------------------------

_EVENT_FIELDS = [
    "slug",
    "title",
    "description",
    "region",
    "place",
    "starts_at",
    "ends_at",
    "capacity",
    "state_quota",
    "registration_open",
]


def _texts(value: Mapping[str, str]) -> dict[str, str]:
    """A ``{language: text}`` of what was typed, without empty languages."""
    return {language: text.strip() for language, text in value.items() if text and text.strip()}


@transaction.atomic
def event_create(
    *,
    actor: User | None,
    programme: Programme,
    slug: str,
    title: Mapping[str, str],
    region: Region,
    place: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    capacity: int,
    state_quota: int = 0,
    description: Mapping[str, str] | None = None,
    registration_open: bool = True,
) -> Event:
    """Create an event of an operator's programme (the yearly summit): its public address, title
    and description in kk/ru/en, place, times, capacity and the places kept for state-school
    teachers.

    Needs ``can_manage_events`` (the programme's coordinator). Records ``operators.event.created``.
    Raises PermissionDenied or ValidationError (no title, end before start, quota above capacity,
    address taken).
    """
    if actor is not None and not can_manage_events(actor, programme):
        raise PermissionDenied
    event = Event(
        programme=programme,
        slug=slug.strip().lower(),
        title=_texts(title),
        description=_texts(description or {}),
        region=region,
        place=place.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        state_quota=state_quota,
        registration_open=registration_open,
    )
    if not event.title:
        raise ValidationError({"title": _("Give the event a title in at least one language.")})
    event.full_clean()
    event.save()
    audit_record(actor=actor, action="operators.event.created", target=event)
    return event


@transaction.atomic
def event_update(*, actor: User | None, event: Event, changes: Mapping[str, Any]) -> list[Registration]:
    """Change an event. The event is locked; the capacity cannot drop below the places already
    confirmed. A larger capacity or a smaller quota moves the waiting list up by itself (those
    moved up are e-mailed after commit, as on a cancellation).

    Needs ``can_manage_events``. Records ``operators.event.updated`` with the fields before and
    after (nothing when nothing changed). Returns those moved up. Raises PermissionDenied,
    TypeError (a field that cannot be changed) or ValidationError.
    """
    unknown = set(changes) - set(_EVENT_FIELDS)
    if unknown:
        raise TypeError("Fields that cannot be changed: " + ", ".join(sorted(unknown)))
    event = Event.objects.select_for_update().select_related("programme").get(pk=event.pk)
    if actor is not None and not can_manage_events(actor, event.programme):
        raise PermissionDenied
    before = snapshot(event, _EVENT_FIELDS)
    for name, value in changes.items():
        if name in ("title", "description"):
            value = _texts(value)
        elif name in ("slug", "place"):
            value = value.strip().lower() if name == "slug" else value.strip()
        setattr(event, name, value)
    if not event.title:
        raise ValidationError({"title": _("Give the event a title in at least one language.")})
    confirmed = places(event).confirmed
    if event.capacity < confirmed:
        raise ValidationError(
            {
                "capacity": _("%(count)s places are already confirmed; the capacity cannot be smaller.")
                % {"count": confirmed}
            }
        )
    event.full_clean()
    after = snapshot(event, _EVENT_FIELDS)
    if after == before:
        return []
    event.save(update_fields=_EVENT_FIELDS)
    audit_record(actor=actor, action="operators.event.updated", target=event, before=before, after=after)
    promoted = _promote(event, timezone.now())
    for person in promoted:
        transaction.on_commit(partial(_send_ticket, person.pk, "promoted"))
    return promoted


@transaction.atomic
def event_session_create(
    *,
    actor: User | None,
    event: Event,
    title: Mapping[str, str],
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    track: str = "",
    speakers: str = "",
) -> EventSession:
    """Add a session to an event's programme (a track, a title in kk/ru/en, speakers), within the
    event's times. Needs ``can_manage_events``. Records ``operators.event_session.created``.
    Raises PermissionDenied or ValidationError."""
    if actor is not None and not can_manage_events(actor, event.programme):
        raise PermissionDenied
    session = EventSession(
        event=event,
        title=_texts(title),
        track=track.strip(),
        speakers=speakers.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
    )
    if not session.title:
        raise ValidationError({"title": _("Give the session a title in at least one language.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The session must end after it starts.")})
    if starts_at < event.starts_at or ends_at > event.ends_at:
        raise ValidationError(_("A session takes place within the event's times."))
    session.full_clean()
    session.save()
    audit_record(actor=actor, action="operators.event_session.created", target=session)
    return session


@transaction.atomic
def event_session_delete(*, actor: User | None, session: EventSession) -> None:
    """Remove a session from an event's programme. Needs ``can_manage_events``. Records
    ``operators.event_session.deleted`` with what it held."""
    if actor is not None and not can_manage_events(actor, session.event.programme):
        raise PermissionDenied
    audit_record(
        actor=actor, action="operators.event_session.deleted", target=session, before=snapshot(session), after=None
    )
    session.delete()


@transaction.atomic
def volunteer_add(*, actor: User | None, event: Event, email: str) -> User:
    """Make the holder of an active account (found by e-mail) a check-in volunteer of the event:
    they may then open its check-in page and search its registrations at the door.

    Needs ``can_manage_events``. Records ``operators.volunteer.added``. Raises PermissionDenied or
    ValidationError (no such account, already a volunteer)."""
    if actor is not None and not can_manage_events(actor, event.programme):
        raise PermissionDenied
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise ValidationError({"email": _("No active account has this e-mail address.")})
    if event.volunteers.filter(pk=user.pk).exists():
        raise ValidationError({"email": _("This person is already a volunteer of the event.")})
    event.volunteers.add(user)
    audit_record(
        actor=actor,
        action="operators.volunteer.added",
        target=event,
        before=None,
        after={"volunteer_id": user.pk},
    )
    return user


@transaction.atomic
def volunteer_remove(*, actor: User | None, event: Event, user: User) -> None:
    """Take a volunteer off the event's check-in (their scans stay). Needs
    ``can_manage_events``. Records ``operators.volunteer.removed``. Raises PermissionDenied or
    ValidationError (not a volunteer)."""
    if actor is not None and not can_manage_events(actor, event.programme):
        raise PermissionDenied
    if not event.volunteers.filter(pk=user.pk).exists():
        raise ValidationError(_("This person is not a volunteer of the event."))
    event.volunteers.remove(user)
    audit_record(
        actor=actor,
        action="operators.volunteer.removed",
        target=event,
        before={"volunteer_id": user.pk},
        after={"volunteer_id": None},
    )
