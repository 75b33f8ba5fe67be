"""Certifying trainers (the cascade's tree) and participants' ratings of sessions (fidelity)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shamy.access.context import access_for
from shamy.access.roles import Role
from shamy.accounts.models import User
from shamy.attendance.models import ATTENDED, Attendance
from shamy.audit.services.entries import audit_record
from shamy.operators.models import SessionKind, SessionRating, Trainer, TrainingSession
from shamy.operators.permissions import can_certify_trainer, can_rate_session
from shamy.operators.signals import trainer_certified
from shamy.programmes.models import Programme
from shamy.programmes.services.enrolment import programme_membership_grant
from shamy.registry.models import Organisation, OrganisationKind, Person


@transaction.atomic
def trainer_certify(
    *,
    actor: User | None,
    programme: Programme,
    person: Person,
    certified_on: datetime.date,
    certified_by: Trainer | None = None,
    course: TrainingSession | None = None,
    partner: Organisation | None = None,
    is_demo: bool = False,
) -> Trainer:
    """Certify a trainer.

    The person's account, if they have one, gets the programme's trainer role (``Role.TRAINER``),
    and ``signals.trainer_certified`` is sent: the credentials app issues the signed certificate.

    Without ``certified_by`` the person is one of an international ``partner``'s own trainers
    (generation 0). Otherwise they completed a training-of-trainers ``course`` led by
    ``certified_by`` and attended it (present or late), and sit one generation below them.

    Needs ``can_certify_trainer`` (the programme's coordinator). Records
    ``operators.trainer.certified``. Raises PermissionDenied or ValidationError.
    """
    if actor is not None and not can_certify_trainer(actor, programme):
        raise PermissionDenied
    if Trainer.objects.filter(person=person).exists():
        raise ValidationError({"person": _("This person is already a certified trainer.")})
    if certified_by is None:
        if partner is None or partner.kind != OrganisationKind.INTERNATIONAL:
            raise ValidationError({"partner": _("A generation-0 trainer belongs to an international partner.")})
        generation = 0
    else:
        if certified_by.programme_id != programme.pk:
            raise ValidationError({"certified_by": _("The certifying trainer works in another programme.")})
        if course is None:
            raise ValidationError({"course": _("Name the training-of-trainers course the person completed.")})
        if course.kind != SessionKind.TRAINERS or course.trainer_id != certified_by.pk:
            raise ValidationError({"course": _("The course must be a training of trainers led by the certifier.")})
        attended = Attendance.objects.filter(
            gathering_id=course.gathering_id, person=person, status__in=ATTENDED
        ).exists()
        if not attended:
            raise ValidationError({"course": _("The person did not attend this course.")})
        generation = certified_by.generation + 1
        partner = partner or certified_by.partner
    trainer = Trainer(
        person=person,
        programme=programme,
        generation=generation,
        partner=partner,
        certified_by=certified_by,
        course=course,
        certified_on=certified_on,
        is_demo=is_demo,
    )
    trainer.full_clean()
    trainer.save()
    audit_record(actor=actor, action="operators.trainer.certified", target=trainer)
    account = User.objects.filter(person=person, is_active=True).first()
    if account is not None:
        # The trainer role (``access.roles.Role.TRAINER``): a programme membership from the day of
        # certification, through the programmes app's audited grant.
        programme_membership_grant(
            actor=None, audit_actor=actor, user=account, programme=programme, role=Role.TRAINER, starts_on=certified_on
        )
    # The signed certificate (credentials app), when the programme has a certifying issuer.
    trainer_certified.send(sender=Trainer, trainer=trainer, actor=actor)
    return trainer


@transaction.atomic
def session_rate(
    *, actor: User | None, session: TrainingSession, score: int, comment: str = "", person: Person | None = None
) -> SessionRating:
    """A participant who attended a session rates it from 1 to 5 (once).

    The actor rates as their linked person (``person`` is for commands). Needs
    ``can_rate_session``. Records ``operators.rating.created``. Raises PermissionDenied or
    ValidationError (did not attend, already rated, score out of range).
    """
    if actor is not None:
        if not can_rate_session(actor, session):
            raise PermissionDenied
        person = access_for(actor).person
    if person is None:
        raise ValidationError(_("Your account is not linked to a person in the registry."))
    if not Attendance.objects.filter(gathering_id=session.gathering_id, person=person, status__in=ATTENDED).exists():
        raise ValidationError(_("Only participants who attended rate a session."))
    if SessionRating.objects.filter(session=session, person=person).exists():
        raise ValidationError(_("You have already rated this session."))
    rating = SessionRating(session=session, person=person, score=score, comment=comment.strip())
    rating.full_clean()
    rating.save()
    audit_record(actor=actor, action="operators.rating.created", target=rating)
    return rating
