"""Scheduling gatherings (one at a time or as a series) and their materials."""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable, Sequence

import filetype
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shamy.accounts.models import Membership, Role, User
from shamy.attendance.models import Attendance, Gathering, GatheringKind, GatheringSeries, Material
from shamy.attendance.permissions import can_create_gathering, can_manage_gathering
from shamy.audit.services.entries import audit_record, snapshot
from shamy.programmes.models import Cohort, Programme
from shamy.registry.models import Person, Region, School

MAX_MATERIAL_BYTES = 20 * 1024 * 1024
# Content types accepted for materials, detected from the file's bytes, never its name.
MATERIAL_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.presentation": ".odp",
    "application/msword": ".doc",
    "application/vnd.ms-powerpoint": ".ppt",
}
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
) -> Gathering:
    gathering = Gathering(
        programme=programme,
        cohort=cohort,
        kind=kind,
        title=title.strip(),
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
) -> Gathering:
    """Schedule one gathering. ``expected`` pairs each person with the school they take part
    for; ``None`` expects the default audience (:func:`default_expected`).

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
        raise ValidationError({"end_time": _("The session must end after it starts.")})
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


def _sniff(upload: UploadedFile) -> str:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None:
        return ""
    return str(kind.mime)


@transaction.atomic
def material_add(*, actor: User, gathering: Gathering, upload: UploadedFile, title: str = "") -> Material:
    """Attach a file to a gathering through Django's default storage.

    Needs ``can_manage_gathering``. Only PDF, images and office documents up to
    ``MAX_MATERIAL_BYTES``, recognised by their content (a renamed file is refused).
    Raises PermissionDenied or ValidationError.
    """
    if not can_manage_gathering(actor, gathering):
        raise PermissionDenied
    size = upload.size or 0
    if size > MAX_MATERIAL_BYTES:
        raise ValidationError(
            _("The file is too large: at most %(megabytes)s MB.") % {"megabytes": MAX_MATERIAL_BYTES // (1024 * 1024)}
        )
    if size == 0:
        raise ValidationError(_("The file is empty."))
    content_type = _sniff(upload)
    if content_type not in MATERIAL_TYPES:
        raise ValidationError(_("This kind of file is not accepted. Upload a PDF, an image or an office document."))
    stem = os.path.splitext(os.path.basename(upload.name or "material"))[0][:80] or "material"
    upload.name = stem + MATERIAL_TYPES[content_type]
    material = Material(
        gathering=gathering,
        title=(title or stem).strip()[:200],
        file=upload,
        content_type=content_type,
        size=size,
        uploaded_by=actor,
    )
    material.full_clean()
    material.save()
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
