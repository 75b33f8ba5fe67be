"""Two years in the school: classes and pupils, check-ins, early leaving, completion, alumni."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from shamy.access.context import access_for
from shamy.audit.services.entries import audit_record, snapshot
from shamy.fellowship.models import (
    Agreement,
    AlumniPathway,
    CheckIn,
    CheckInAuthor,
    Fellow,
    FellowshipCohort,
    Placement,
    PlacementStatus,
    Pupil,
    TaughtClass,
    Vacancy,
)
from shamy.fellowship.permissions import can_check_in, can_manage_cohort, can_post_vacancy, can_record_classes

if TYPE_CHECKING:
    from shamy.accounts.models import User
    from shamy.registry.models import Region, School


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def taught_class_record(
    *, actor: User, placement: Placement, school_year: int, name: str, subject: str, pupil_codes: Iterable[str]
) -> TaughtClass:
    """Record (or update) a class the fellow teaches and its pupils, by the school's pupil numbers.
    A pupil is one row per school, so a child in two fellows' classes is counted once. Needs
    can_record_classes."""
    if not can_record_classes(actor, placement):
        raise PermissionDenied
    codes = sorted({code.strip() for code in pupil_codes if code.strip()})
    taught, created = TaughtClass.objects.get_or_create(
        placement=placement, school_year=school_year, name=name.strip(), subject=subject
    )
    taught.full_clean()
    existing = {p.code: p for p in Pupil.objects.filter(school_id=placement.school_id, code__in=codes)}
    new = [Pupil(school_id=placement.school_id, code=code) for code in codes if code not in existing]
    Pupil.objects.bulk_create(new)
    pupils = list(Pupil.objects.filter(school_id=placement.school_id, code__in=codes))
    taught.pupils.set(pupils)
    audit_record(
        actor=actor,
        action="fellowship.taught_class.recorded" if created else "fellowship.taught_class.updated",
        target=taught,
        after={**(snapshot(taught) or {}), "pupils": len(pupils)},
    )
    return taught


def _author_role(actor: User, placement: Placement) -> str:
    access = access_for(actor)
    if placement.fellow.user_id == actor.pk:
        return CheckInAuthor.FELLOW
    if placement.mentor_id == actor.pk:
        return CheckInAuthor.MENTOR
    if placement.school_id in access.principal_school_ids:
        return CheckInAuthor.PRINCIPAL
    raise PermissionDenied


@transaction.atomic
def check_in_record(
    *, actor: User, placement: Placement, year: int, kind: str, progress: int, notes: str = ""
) -> CheckIn:
    """A mid-term or end-of-year check-in by the fellow, the mentor or the principal (the role is
    the actor's own: one each per check-in). Needs can_check_in."""
    if not can_check_in(actor, placement):
        raise PermissionDenied
    role = _author_role(actor, placement)
    check_in, created = CheckIn.objects.get_or_create(
        placement=placement,
        year=year,
        kind=kind,
        author_role=role,
        defaults={"author": actor, "progress": progress, "notes": notes},
    )
    before = None if created else snapshot(check_in)
    check_in.author, check_in.progress, check_in.notes = actor, progress, notes
    check_in.full_clean()
    check_in.save()
    audit_record(actor=actor, action="fellowship.check_in.recorded", target=check_in, before=before)
    return check_in


@transaction.atomic
def placement_leave_early(
    *, actor: User, placement: Placement, left_on: datetime.date, reason: str, note: str = ""
) -> Placement:
    """Record an early leaver with the date and reason. Needs can_manage_cohort."""
    if not can_manage_cohort(actor, placement.fellow.cohort):
        raise PermissionDenied
    if placement.status != PlacementStatus.ACTIVE:
        raise ValidationError(_("Only a placement in progress can end early."))
    before = snapshot(placement)
    placement.status, placement.left_on, placement.leaving_reason, placement.leaving_note = (
        PlacementStatus.LEFT_EARLY,
        left_on,
        reason,
        note,
    )
    placement.full_clean()
    placement.save()
    audit_record(actor=actor, action="fellowship.placement.left_early", target=placement, before=before)
    return placement


@transaction.atomic
def fellow_graduate(*, actor: User, fellow: Fellow, graduated_on: datetime.date) -> Fellow:
    """The fellow completed two years: their active placement is completed and they become an
    alumnus. Needs can_manage_cohort."""
    if not can_manage_cohort(actor, fellow.cohort):
        raise PermissionDenied
    for placement in fellow.placements.filter(status=PlacementStatus.ACTIVE):
        before = snapshot(placement)
        placement.status = PlacementStatus.COMPLETED
        placement.save(update_fields=["status"])
        audit_record(actor=actor, action="fellowship.placement.completed", target=placement, before=before)
    before = snapshot(fellow)
    fellow.graduated_on = graduated_on
    fellow.save(update_fields=["graduated_on"])
    audit_record(actor=actor, action="fellowship.fellow.graduated", target=fellow, before=before)
    return fellow


@transaction.atomic
def pathway_record(
    *,
    actor: User | None,
    fellow: Fellow,
    pathway: str,
    organisation: str = "",
    region_id: int | None = None,
    in_rural_school: bool = False,
    reported_on: datetime.date | None = None,
) -> AlumniPathway:
    """An alumnus's current pathway (history kept). ``actor`` is None when the alumnus answers
    through their yearly survey link; otherwise the coordinator."""
    if actor is not None and not can_manage_cohort(actor, fellow.cohort):
        raise PermissionDenied
    if fellow.graduated_on is None:
        raise ValidationError(_("Only alumni have a pathway."))
    row = AlumniPathway(
        fellow=fellow, pathway=pathway, organisation=organisation, region_id=region_id, in_rural_school=in_rural_school
    )
    if reported_on is not None:
        row.reported_on = reported_on
    row.full_clean()
    row.save()
    audit_record(actor=actor, action="fellowship.pathway.recorded", target=row)
    return row


def _survey_mail(fellow_id: int, url: str) -> None:
    fellow = Fellow.objects.get(pk=fellow_id)
    with translation.override(fellow.language):
        subject = render_to_string("fellowship/alumni_survey_subject.txt", {"fellow": fellow}).strip()
        body = render_to_string("fellowship/alumni_survey_email.txt", {"fellow": fellow, "url": url})
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [fellow.email])


@transaction.atomic
def alumni_survey_send(*, actor: User, cohort: FellowshipCohort, base_url: str) -> int:
    """Mail each alumnus of the cohort who has an e-mail a fresh link to this year's survey (the
    previous link stops working). Needs can_manage_cohort. Returns how many were sent."""
    if not can_manage_cohort(actor, cohort):
        raise PermissionDenied
    sent = 0
    for fellow in cohort.fellows.filter(graduated_on__isnull=False).exclude(email="").order_by("pk"):
        token = secrets.token_urlsafe(32)
        fellow.alumni_token_hash = token_hash(token)
        fellow.save(update_fields=["alumni_token_hash"])
        url = base_url.rstrip("/") + reverse("fellowship:alumni-survey", kwargs={"token": token})
        transaction.on_commit(partial(_survey_mail, fellow.pk, url))
        sent += 1
    audit_record(actor=actor, action="fellowship.alumni_survey.sent", target=cohort, after={"sent": sent})
    return sent


def alumnus_for_token(token: str) -> Fellow | None:
    if not token or len(token) > 100:
        return None
    return Fellow.objects.filter(alumni_token_hash=token_hash(token), graduated_on__isnull=False).first()


@transaction.atomic
def vacancy_post(
    *,
    actor: User,
    programme_id: int,
    school: School,
    subject: str,
    grades: str,
    language: str,
    starts_on: datetime.date,
    housing: bool,
) -> Vacancy:
    """A school (its principal) or its regional department posts a vacancy for a fellowship
    programme. Needs can_post_vacancy; the school's region needs a signed partnership agreement
    with the programme (ValidationError otherwise)."""
    if not can_post_vacancy(actor, school.pk, school.region_id):
        raise PermissionDenied
    vacancy = Vacancy(
        programme_id=programme_id,
        school=school,
        subject=subject,
        grades=grades,
        language=language,
        starts_on=starts_on,
        housing=housing,
        posted_by=actor,
    )
    vacancy.full_clean()
    vacancy.save()
    audit_record(actor=actor, action="fellowship.vacancy.posted", target=vacancy)
    return vacancy


@transaction.atomic
def agreement_save(
    *,
    actor: User,
    cohort: FellowshipCohort,
    region: Region,
    status: str,
    signed_on: datetime.date | None,
    target_fellows: int,
    target_schools: int,
) -> Agreement:
    """Record or update the programme's partnership agreement with a region (the expansion
    tracker's step and targets). Needs can_manage_cohort for a cohort of the programme."""
    if not can_manage_cohort(actor, cohort):
        raise PermissionDenied
    agreement = Agreement.objects.filter(programme_id=cohort.cohort.programme_id, region=region).first()
    before = snapshot(agreement)
    if agreement is None:
        agreement = Agreement(programme_id=cohort.cohort.programme_id, region=region)
    agreement.status, agreement.signed_on = status, signed_on
    agreement.target_fellows, agreement.target_schools = target_fellows, target_schools
    agreement.full_clean()
    agreement.save()
    audit_record(actor=actor, action="fellowship.agreement.saved", target=agreement, before=before)
    return agreement


@transaction.atomic
def placement_people_set(
    *, actor: User, placement: Placement, fellow_user: User | None, mentor: User | None
) -> Placement:
    """Link the fellow to their account (which gets the fellow role in the programme and cohort)
    and name their mentor; either may be left as it is (None). Needs can_manage_cohort."""
    from shamy.access.roles import Role
    from shamy.programmes.services.enrolment import programme_membership_grant

    fellow = placement.fellow
    if not can_manage_cohort(actor, fellow.cohort):
        raise PermissionDenied
    if fellow_user is not None:
        before = snapshot(fellow)
        fellow.user = fellow_user
        fellow.save(update_fields=["user"])
        programme_membership_grant(
            actor=actor,
            user=fellow_user,
            programme=fellow.cohort.cohort.programme,
            role=Role.FELLOW,
            cohort=fellow.cohort.cohort,
        )
        audit_record(actor=actor, action="fellowship.fellow.account_linked", target=fellow, before=before)
    if mentor is not None:
        before = snapshot(placement)
        placement.mentor = mentor
        placement.save(update_fields=["mentor"])
        audit_record(actor=actor, action="fellowship.placement.mentor_set", target=placement, before=before)
    return placement
