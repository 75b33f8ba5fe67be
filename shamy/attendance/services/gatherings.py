"""Scheduling gatherings (one at a time or as a series), changing, rescheduling and cancelling
them, and their materials."""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shamy.access.models import Membership
from shamy.access.roles import Role
from shamy.accounts.models import User
from shamy.attendance.models import Attendance, Gathering, GatheringKind, GatheringSeries, Material
from shamy.attendance.permissions import can_create_gathering, can_manage_gathering
from shamy.attendance.selectors import attendance_is_marked
from shamy.attendance.services.marking import attendance_clear_all
from shamy.audit.services.entries import audit_record, snapshot
from shamy.core import files
from shamy.programmes.models import Cohort, Programme
from shamy.registry.models import Person, Region, School

MAX_MATERIAL_BYTES = 20 * files.MEGABYTE
# What a gathering's materials may be, decided from the file's bytes, never its name.
MATERIAL_POLICY = files.UploadPolicy(
    types=frozenset(
        {
            "application/pdf",
            "image/jpeg",
            "image/png",
            *files.OOXML_TYPES,
            "application/vnd.oasis.opendocument.text",
            "application/vnd.oasis.opendocument.presentation",
            *files.LEGACY_OFFICE_TYPES,
        }
    ),
    limits={files.PDF: MAX_MATERIAL_BYTES, files.IMAGE: MAX_MATERIAL_BYTES, files.DOCUMENT: MAX_MATERIAL_BYTES},
    not_accepted=gettext_lazy("This kind of file is not accepted. Upload a PDF, an image or an office document."),
)
# Roles whose holders are expected at gatherings by default.
PARTICIPANT_ROLES = (Role.TEACHER, Role.SCHOOL_FACILITATOR, Role.SCHOOL_PRINCIPAL)


def default_expected(
    *,
    programme: Programme,
    kind: str,
    cohort: Cohort | None = None,
    school: School | None = None,
    region: Region | None = None,
) -> list[tuple[Person, int | None]]:
    """The people expected by default with the school they take part for: the teachers,
    school facilitators and principals of the school (in-school session), of the region's
    schools (network event), of the cohort or of the whole programme (other kinds). Only
    people with a registry Person linked to their account are listed."""
    memberships = Membership.objects.active().filter(programme=programme, role__in=PARTICIPANT_ROLES)
    if kind == GatheringKind.IN_SCHOOL:
        memberships = memberships.filter(school=school)
    elif kind == GatheringKind.NETWORK:
        memberships = memberships.filter(school__region=region)
    if cohort is not None:
        memberships = memberships.filter(cohort=cohort)
    rows = memberships.filter(user__person__isnull=False).values_list("user__person", "school_id").order_by("id")
    people = Person.objects.in_bulk({person_id for person_id, _school in rows})
    seen: dict[int, int | None] = {}
    for person_id, school_id in rows:
        seen.setdefault(person_id, school_id)
    return [(people[person_id], school_id) for person_id, school_id in seen.items()]


def _validate_kind(kind: str, school: School | None, region: Region | None, online_url: str) -> None:
    if kind not in GatheringKind.values:
        raise ValidationError(_("Unknown kind of gathering."))
    if kind == GatheringKind.IN_SCHOOL and school is None:
        raise ValidationError({"school": _("An in-school session needs its school.")})
    if kind == GatheringKind.NETWORK and region is None:
        raise ValidationError({"region": _("A network event needs its region.")})
    if kind == GatheringKind.WEBINAR and not online_url:
        raise ValidationError({"online_url": _("A webinar needs its online link.")})


def _create(
    *,
    actor: User | None,
    programme: Programme,
    kind: str,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    cohort: Cohort | None,
    school: School | None,
    region: Region | None,
    place: str,
    online_url: str,
    recording_url: str,
    agenda: str,
    leads: Iterable[User],
    expected: Sequence[tuple[Person, int | None]] | None,
    series: GatheringSeries | None = None,
    is_demo: bool = False,
    title_translations: Mapping[str, str] | None = None,
) -> Gathering:
    gathering = Gathering(
        programme=programme,
        cohort=cohort,
        kind=kind,
        title=title.strip(),
        title_translations={code: text.strip() for code, text in (title_translations or {}).items() if text.strip()},
        school=school if kind == GatheringKind.IN_SCHOOL else None,
        region=region if kind == GatheringKind.NETWORK else None,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        online_url=online_url.strip(),
        recording_url=recording_url.strip(),
        agenda=agenda.strip(),
        series=series,
        created_by=actor,
        is_demo=is_demo,
    )
    gathering.full_clean()
    gathering.save()
    lead_list = list(leads)
    if lead_list:
        gathering.leads.set(lead_list)
    people = (
        expected
        if expected is not None
        else default_expected(programme=programme, kind=kind, cohort=cohort, school=school, region=region)
    )
    Attendance.objects.bulk_create(
        [Attendance(gathering=gathering, person=person, school_id=school_id) for person, school_id in people]
    )
    audit_record(actor=actor, action="attendance.gathering.created", target=gathering)
    return gathering


@transaction.atomic
def gathering_create(
    *,
    actor: User | None,
    programme: Programme,
    kind: str,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    cohort: Cohort | None = None,
    school: School | None = None,
    region: Region | None = None,
    place: str = "",
    online_url: str = "",
    recording_url: str = "",
    agenda: str = "",
    leads: Iterable[User] = (),
    expected: Sequence[tuple[Person, int | None]] | None = None,
    is_demo: bool = False,
    title_translations: Mapping[str, str] | None = None,
) -> Gathering:
    """Schedule one gathering. ``expected`` pairs each person with the school they take part
    for; ``None`` expects the default audience (:func:`default_expected`). ``title_translations``
    ({language: title}) is for a title taken from translated content (pages show it in the
    reader's language).

    Needs ``can_create_gathering`` (``actor=None`` for operator commands). Raises
    PermissionDenied or ValidationError (kind without its school/region/link, end before start,
    cohort of another programme).
    """
    if actor is not None and not can_create_gathering(
        actor, programme, kind, school.pk if school else None, region.pk if region else None
    ):
        raise PermissionDenied
    _validate_kind(kind, school, region, online_url)
    if cohort is not None and cohort.programme_id != programme.pk:
        raise ValidationError({"cohort": _("This cohort belongs to another programme.")})
    return _create(
        actor=actor,
        programme=programme,
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        cohort=cohort,
        school=school,
        region=region,
        place=place,
        online_url=online_url,
        recording_url=recording_url,
        agenda=agenda,
        leads=leads,
        expected=expected,
        is_demo=is_demo,
        title_translations=title_translations,
    )


def series_dates(
    first_on: datetime.date, until: datetime.date, interval_weeks: int, skip: Iterable[datetime.date] = ()
) -> list[datetime.date]:
    """Every ``interval_weeks``-th week from ``first_on`` (same weekday) up to ``until``,
    leaving out the ``skip`` dates (holidays)."""
    if interval_weeks < 1:
        raise ValueError("interval_weeks must be at least 1")
    skipped = set(skip)
    dates = []
    day = first_on
    step = datetime.timedelta(weeks=interval_weeks)
    while day <= until:
        if day not in skipped:
            dates.append(day)
        day += step
    return dates


MAX_SERIES_SESSIONS = 60


@transaction.atomic
def series_create(
    *,
    actor: User | None,
    programme: Programme,
    school: School,
    title: str,
    first_on: datetime.date,
    until: datetime.date,
    start_time: datetime.time,
    end_time: datetime.time,
    interval_weeks: int = 2,
    cohort: Cohort | None = None,
    place: str = "",
    agenda: str = "",
    leads: Iterable[User] = (),
    skip: Iterable[datetime.date] = (),
    is_demo: bool = False,
) -> GatheringSeries:
    """Schedule in-school sessions as a series (e.g. every second Wednesday until May) in one
    call: one :class:`GatheringSeries` and one in-school gathering per date, each expecting
    the school's participants. Times are local (``TIME_ZONE``).

    Needs ``can_create_gathering`` for an in-school session of ``school``. Raises
    PermissionDenied or ValidationError (no dates, end time not after start, too many sessions).
    """
    if actor is not None and not can_create_gathering(actor, programme, GatheringKind.IN_SCHOOL, school.pk):
        raise PermissionDenied
    if end_time <= start_time:
        raise ValidationError({"end_time": _("Each session must end after it starts.")})
    series = GatheringSeries(
        programme=programme,
        cohort=cohort,
        school=school,
        title=title.strip(),
        first_on=first_on,
        until=until,
        interval_weeks=interval_weeks,
        created_by=actor,
    )
    series.full_clean()
    dates = series_dates(first_on, until, interval_weeks, skip)
    if not dates:
        raise ValidationError(_("The series has no session dates."))
    if len(dates) > MAX_SERIES_SESSIONS:
        raise ValidationError(_("A series can have at most %(limit)s sessions.") % {"limit": MAX_SERIES_SESSIONS})
    series.save()
    audit_record(actor=actor, action="attendance.series.created", target=series)
    expected = default_expected(programme=programme, kind=GatheringKind.IN_SCHOOL, cohort=cohort, school=school)
    lead_list = list(leads)
    zone = timezone.get_current_timezone()
    for day in dates:
        _create(
            actor=actor,
            programme=programme,
            kind=GatheringKind.IN_SCHOOL,
            title=title,
            starts_at=datetime.datetime.combine(day, start_time, tzinfo=zone),
            ends_at=datetime.datetime.combine(day, end_time, tzinfo=zone),
            cohort=cohort,
            school=school,
            region=None,
            place=place,
            online_url="",
            recording_url="",
            agenda=agenda,
            leads=lead_list,
            expected=expected,
            series=series,
            is_demo=is_demo,
        )
    return series


@transaction.atomic
def gathering_set_recording(*, actor: User, gathering: Gathering, recording_url: str) -> Gathering:
    """Add or change a webinar's recording link. Needs ``can_manage_gathering``."""
    if not can_manage_gathering(actor, gathering):
        raise PermissionDenied
    before = {"recording_url": gathering.recording_url}
    gathering.recording_url = recording_url.strip()
    gathering.full_clean()
    gathering.save(update_fields=["recording_url", "updated_at"])
    audit_record(
        actor=actor,
        action="attendance.gathering.recording_set",
        target=gathering,
        before=before,
        after={"recording_url": gathering.recording_url},
    )
    return gathering


# What an edit may change. The kind stays fixed (it decides who is expected); the recording
# link has its own service.
GATHERING_EDITABLE_FIELDS = frozenset(
    {"title", "title_translations", "starts_at", "ends_at", "place", "online_url", "agenda", "school", "region"}
)
_TIMES = frozenset({"starts_at", "ends_at"})
_STRIPPED = frozenset({"title", "place", "online_url", "agenda"})  # title_translations: a mapping, kept as given


def _locked(gathering: Gathering) -> Gathering:
    # Only the gathering's row: PostgreSQL would otherwise also lock the joined programme.
    return (
        Gathering.objects.select_for_update(of=("self",))
        .select_related("programme")
        .prefetch_related("leads")
        .get(pk=gathering.pk)
    )


@transaction.atomic
def gathering_update(*, actor: User, gathering: Gathering, changes: Mapping[str, Any]) -> Gathering:
    """Change a gathering's title, times, place, online link, agenda, and the school of an
    in-school session or the region of a network event. The kind never changes.

    Needs ``can_manage_gathering``; moving the gathering to another school or region also needs
    ``can_create_gathering`` there. Locks the row and runs full_clean(). A change that alters
    nothing writes nothing; otherwise raises the calendar ``sequence`` and records
    ``attendance.gathering.updated`` with the changed fields before and after.

    Raises PermissionDenied, TypeError (a field that cannot be edited) or ValidationError: the
    gathering is cancelled; its times would change after attendance was marked (the hours were
    counted from them); a school or region the kind does not have; end before start.
    """
    unknown = set(changes) - GATHERING_EDITABLE_FIELDS
    if unknown:
        raise TypeError("Fields that cannot be edited: " + ", ".join(sorted(unknown)))
    gathering = _locked(gathering)
    if not can_manage_gathering(actor, gathering):
        raise PermissionDenied
    if gathering.cancelled_at is not None:
        raise ValidationError(_("This gathering is cancelled. Restore it before changing it."))
    wanted: dict[str, Any] = {}
    for name, value in changes.items():
        if name in _STRIPPED:
            value = (value or "").strip()
        elif name in _TIMES and isinstance(value, datetime.datetime) and value.tzinfo is not None:
            value = value.astimezone(datetime.UTC)
        wanted[name] = value
    changed = sorted(name for name, value in wanted.items() if getattr(gathering, name) != value)
    if not changed:
        return gathering
    if "school" in changed and gathering.kind != GatheringKind.IN_SCHOOL:
        raise ValidationError({"school": _("Only an in-school session takes place at a school.")})
    if "region" in changed and gathering.kind != GatheringKind.NETWORK:
        raise ValidationError({"region": _("Only a network event belongs to a region.")})
    if _TIMES & set(changed) and attendance_is_marked(gathering=gathering):
        raise ValidationError(
            _("Attendance has already been marked, so the times of this gathering can no longer change.")
        )
    before = snapshot(gathering, [*changed, "sequence"])
    for name in changed:
        setattr(gathering, name, wanted[name])
    _validate_kind(gathering.kind, gathering.school, gathering.region, gathering.online_url)
    if ("school" in changed or "region" in changed) and not can_create_gathering(
        actor, gathering.programme, gathering.kind, gathering.school_id, gathering.region_id
    ):
        raise PermissionDenied
    gathering.sequence += 1
    gathering.full_clean()
    gathering.save(update_fields=[*changed, "sequence", "updated_at"])
    audit_record(
        actor=actor,
        action="attendance.gathering.updated",
        target=gathering,
        before=before,
        after=snapshot(gathering, [*changed, "sequence"]),
    )
    return gathering


_CANCEL_FIELDS = ["cancelled_at", "cancel_reason", "sequence"]


def _set_cancellation(
    actor: User, gathering: Gathering, action: str, cancelled_at: datetime.datetime | None, reason: str
) -> Gathering:
    """Write a (locked, checked) gathering's cancellation state, raise its calendar sequence, audit."""
    before = snapshot(gathering, _CANCEL_FIELDS)
    gathering.cancelled_at = cancelled_at
    gathering.cancel_reason = reason
    gathering.sequence += 1
    gathering.full_clean()
    gathering.save(update_fields=[*_CANCEL_FIELDS, "updated_at"])
    audit_record(actor=actor, action=action, target=gathering, before=before, after=snapshot(gathering, _CANCEL_FIELDS))
    return gathering


@transaction.atomic
def gathering_cancel(*, actor: User, gathering: Gathering, reason: str) -> Gathering:
    """Cancel a gathering (weather, quarantine…) and say why. It stays on record and in
    calendars (as cancelled) but takes no attendance and counts for no hours or rates.

    Needs ``can_manage_gathering``. Locks the row, raises the calendar ``sequence`` and records
    ``attendance.gathering.cancelled`` with the fields before and after. Raises PermissionDenied
    or ValidationError: no reason, already cancelled, attendance already marked.
    """
    gathering = _locked(gathering)
    if not can_manage_gathering(actor, gathering):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the gathering is cancelled.")})
    if gathering.cancelled_at is not None:
        raise ValidationError(_("This gathering is already cancelled."))
    if attendance_is_marked(gathering=gathering):
        raise ValidationError(_("Attendance has already been marked, so this gathering can no longer be cancelled."))
    return _set_cancellation(actor, gathering, "attendance.gathering.cancelled", timezone.now(), reason)


@transaction.atomic
def gathering_clear_and_cancel(*, actor: User, gathering: Gathering, reason: str) -> int:
    """Cancel a gathering whose attendance was marked (often by mistake, before it took place):
    clear every mark, then cancel it, in one transaction, so it is both or neither.

    Needs ``can_manage_gathering``. Each cleared mark is audited (``attendance.attendance.cleared``
    with the mark before), then the cancellation (``attendance.gathering.cancelled``). Returns how
    many marks were cleared. Raises PermissionDenied or ValidationError (no reason, already
    cancelled).
    """
    locked = _locked(gathering)
    if not can_manage_gathering(actor, locked):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the gathering is cancelled.")})
    if locked.cancelled_at is not None:
        raise ValidationError(_("This gathering is already cancelled."))
    cleared = attendance_clear_all(actor=actor, gathering=locked)
    gathering_cancel(actor=actor, gathering=locked, reason=reason)
    return cleared


@transaction.atomic
def gathering_restore(*, actor: User, gathering: Gathering) -> Gathering:
    """Undo a cancellation: the gathering takes place after all.

    Needs ``can_manage_gathering``. Locks the row, raises the calendar ``sequence`` and records
    ``attendance.gathering.restored`` with the fields before and after. Raises PermissionDenied
    or ValidationError (not cancelled).
    """
    gathering = _locked(gathering)
    if not can_manage_gathering(actor, gathering):
        raise PermissionDenied
    if gathering.cancelled_at is None:
        raise ValidationError(_("This gathering is not cancelled."))
    return _set_cancellation(actor, gathering, "attendance.gathering.restored", None, "")


@transaction.atomic
def material_add(*, actor: User, gathering: Gathering, upload: UploadedFile, title: str = "") -> Material:
    """Attach a file to a gathering, checked and cleaned by ``core.files`` under
    ``MATERIAL_POLICY`` and written through the field's storage.

    Needs ``can_manage_gathering``. Only PDF, images and office documents up to 20 MB,
    recognised by their content (a renamed file is refused); photos are re-encoded without
    EXIF or GPS data. Raises PermissionDenied or ValidationError.
    """
    if not can_manage_gathering(actor, gathering):
        raise PermissionDenied
    try:
        prepared = files.prepare_upload(upload, policy=MATERIAL_POLICY)
    except files.UploadRejected as error:
        raise ValidationError(str(error)) from error
    stem = os.path.splitext(os.path.basename(upload.name or "material"))[0][:80] or "material"
    material = Material(
        gathering=gathering,
        title=(title or stem).strip()[:200],
        content_type=prepared.mime,
        size=prepared.size,
        uploaded_by=actor,
    )
    stored_name = files.store_file(material.file, prepared.content, name=f"{stem}.{prepared.extension}")
    try:
        material.full_clean()
        material.save()
    except Exception:
        # The row was not saved: remove the file written for it so storage holds no orphan.
        material.file.storage.delete(stored_name)
        raise
    after = snapshot(material, ["gathering", "title", "content_type", "size", "uploaded_by"]) or {}
    after["file"] = material.file.name
    audit_record(actor=actor, action="attendance.material.added", target=material, after=after)
    return material


@transaction.atomic
def material_delete(*, actor: User, material: Material) -> None:
    """Remove a material and its file (after commit). Needs ``can_manage_gathering``."""
    if not can_manage_gathering(actor, material.gathering):
        raise PermissionDenied
    audit_record(actor=actor, action="attendance.material.deleted", target=material)
    name = material.file.name
    storage = material.file.storage
    material.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
