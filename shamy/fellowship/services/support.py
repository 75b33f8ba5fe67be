"""Support of fellows in their school: mentor visits and trainings.

Both are gatherings of the attendance app, not a second attendance system: a mentor visit is an
in-school gathering at the fellow's school, led by the mentor, with the fellow expected and marked
present (its notes kept in ``SupportVisit``); a training is a programme-wide gathering (induction
workshop, webinar or conference) of the fellowship cohort, with the cohort's serving fellows
expected, whose attendance is marked on the attendance app's own screen. A fellow takes part as
their registry ``Person`` (``Fellow.person``), created on first need.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shamy.attendance.models import AttendanceStatus, Gathering, GatheringKind
from shamy.attendance.services.gatherings import gathering_create
from shamy.attendance.services.marking import attendance_mark
from shamy.audit.services.entries import audit_record
from shamy.fellowship.models import Fellow, FellowshipCohort, Placement, PlacementStatus, SupportVisit
from shamy.fellowship.permissions import can_manage_cohort, can_record_visit
from shamy.registry.models import Person

if TYPE_CHECKING:
    from shamy.accounts.models import User

# Gathering kinds a fellowship training may be (the ones that need neither a school nor a region).
TRAINING_KINDS = (GatheringKind.INDUCTION, GatheringKind.WEBINAR, GatheringKind.CONFERENCE)
MAX_VISIT_HOURS = Decimal(8)


def fellow_person(fellow: Fellow) -> Person:
    """The fellow's registry Person: the one linked to their account, else one made for them
    (their name split into surname and given name, their e-mail). Saved on the fellow."""
    if fellow.person_id is not None:
        person = fellow.person
        assert person is not None
        if (
            person.user_id is None
            and fellow.user_id is not None
            and not Person.objects.filter(user_id=fellow.user_id).exists()
        ):
            person.user_id = fellow.user_id
            person.save(update_fields=["user"])
        return person
    person = Person.objects.filter(user_id=fellow.user_id).first() if fellow.user_id else None
    if person is None:
        words = fellow.full_name.split()
        given = words[0] if words else fellow.full_name
        surname = " ".join(words[1:]) or given
        person = Person(
            surname=surname[:100],
            given_name=given[:100],
            email=fellow.email,
            languages=list(fellow.languages),
            user_id=fellow.user_id,
            is_demo=fellow.is_demo,
        )
        person.full_clean()
        person.save()
    fellow.person = person
    fellow.save(update_fields=["person"])
    return person


def _at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


@transaction.atomic
def mentor_visit_record(
    *,
    actor: User,
    placement: Placement,
    visited_on: datetime.date,
    starts_at: datetime.time,
    hours: Decimal,
    notes: str,
) -> SupportVisit:
    """Record a mentor's visit that took place: an in-school gathering at the placement's school,
    led by the placement's mentor (or the actor when there is none), with the fellow marked
    present, and the visit's notes. Needs can_record_visit (the mentor or a coordinator).

    Raises PermissionDenied, or ValidationError for a visit in the future, outside the placement's
    dates, shorter than a quarter of an hour or longer than eight hours, or without notes."""
    if not can_record_visit(actor, placement):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if visited_on > timezone.localdate():
        errors["visited_on"] = _("A visit is recorded once it has taken place: the date is in the future.")
    elif not placement.starts_on <= visited_on <= (placement.left_on or placement.ends_on):
        errors["visited_on"] = _("The date is outside the placement's dates.")
    if not Decimal("0.25") <= hours <= MAX_VISIT_HOURS:
        errors["hours"] = _("A visit lasts from a quarter of an hour to eight hours.")
    if not notes.strip():
        errors["notes"] = _("Write what the visit covered.")
    if errors:
        raise ValidationError(errors)
    start = _at(visited_on, starts_at)
    mentor = placement.mentor or actor
    person = fellow_person(placement.fellow)
    # actor=None: the fellowship's own rule (above) decides; the attendance rule would ask for a
    # school facilitator's role, which a mentor does not hold. Audited below with the actor.
    gathering = gathering_create(
        actor=None,
        programme=placement.fellow.cohort.cohort.programme,
        kind=GatheringKind.IN_SCHOOL,
        title=_("Mentor visit"),
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=int(hours * 60)),
        cohort=placement.fellow.cohort.cohort,
        school=placement.school,
        place=str(placement.school),
        leads=[mentor],
        expected=[(person, placement.school_id)],
        is_demo=placement.fellow.is_demo,
    )
    gathering = Gathering.objects.select_related("programme").get(pk=gathering.pk)
    attendance = gathering.attendances.get(person=person)
    # The mentor leads the gathering and a coordinator manages the programme's: either may mark.
    attendance_mark(actor=actor, attendance=attendance, status=AttendanceStatus.PRESENT)
    visit = SupportVisit(placement=placement, gathering=gathering, notes=notes.strip(), created_by=actor)
    visit.full_clean()
    visit.save()
    audit_record(
        actor=actor,
        action="fellowship.visit.recorded",
        target=visit,
        after={"placement": placement.pk, "gathering": gathering.pk, "hours": str(hours)},
    )
    return visit


@transaction.atomic
def training_schedule(
    *,
    actor: User,
    cohort: FellowshipCohort,
    kind: str,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    place: str = "",
    online_url: str = "",
) -> Gathering:
    """Schedule a training for the cohort's fellows in their schools (placement active): a
    programme-wide gathering of the attendance app for the cohort, led by the actor, with those
    fellows expected. Attendance is marked on the attendance app's screen. Needs can_manage_cohort.

    Raises PermissionDenied, or ValidationError for a kind that is not a training, an end before the
    start, or a webinar without its link."""
    if not can_manage_cohort(actor, cohort):
        raise PermissionDenied
    if kind not in TRAINING_KINDS:
        raise ValidationError({"kind": _("A training is an induction workshop, a webinar or a conference.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The training ends after it starts.")})
    serving = (
        Placement.objects.filter(fellow__cohort=cohort, status=PlacementStatus.ACTIVE)
        .select_related("fellow__person")
        .order_by("fellow_id", "pk")
    )
    expected: dict[int, tuple[Person, int | None]] = {}
    for placement in serving:
        person = fellow_person(placement.fellow)
        expected.setdefault(person.pk, (person, placement.school_id))
    # actor=None: the cohort's rule (above) decides, as it does for every fellowship write.
    gathering = gathering_create(
        actor=None,
        programme=cohort.cohort.programme,
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        cohort=cohort.cohort,
        place=place,
        online_url=online_url,
        leads=[actor],
        expected=list(expected.values()),
    )
    audit_record(
        actor=actor,
        action="fellowship.training.scheduled",
        target=gathering,
        after={"cohort": cohort.pk, "expected": len(expected)},
    )
    return gathering
