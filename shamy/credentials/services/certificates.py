"""Issuing and revoking certificates."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shamy.accounts.models import User
from shamy.assessment import permissions as assessment_permissions
from shamy.assessment.models import Submission, SubmissionStatus
from shamy.attendance.selectors import person_hours
from shamy.audit.services.entries import audit_record
from shamy.credentials import keys, permissions
from shamy.credentials.credential import build_credential
from shamy.credentials.models import Certificate, CertificateKind, Issuer, IssuerKey, StatusList
from shamy.credentials.services.issuers import status_list_create
from shamy.credentials.vc import dataintegrity, statuslist
from shamy.operators import permissions as operator_permissions
from shamy.operators.models import Trainer


def _next_number(issuer: Issuer, year: int) -> str:
    locked = Issuer.objects.select_for_update().get(pk=issuer.pk)
    number = locked.next_number
    Issuer.objects.filter(pk=issuer.pk).update(next_number=number + 1)
    return f"{locked.series_prefix}-{year}-{number:05d}"


def _status_entry(issuer: Issuer) -> tuple[StatusList, int]:
    status = StatusList.objects.select_for_update().filter(issuer=issuer).order_by("-id").first() or status_list_create(
        issuer=issuer
    )
    if status.next_index >= status.length:
        status = status_list_create(issuer=issuer)
    index = status.next_index
    StatusList.objects.filter(pk=status.pk).update(next_index=index + 1)
    return status, index


def signing_key(issuer: Issuer) -> tuple[IssuerKey, object]:
    key = IssuerKey.objects.filter(issuer=issuer, retired_at__isnull=True).first()
    private = keys.private_key_for(key.public_key_multibase, dev_label=key.dev_label) if key else None
    if key is None or private is None:
        raise ImproperlyConfigured(f"No signing key is configured for issuer {issuer.slug}.")
    return key, private


@transaction.atomic
def certificate_issue(*, actor: User | None, submission: Submission) -> Certificate:
    """Issue the certificate of an approved submission: a number in the issuer's series, a status
    list entry, and the credential signed with the issuer's current key.

    Needs the programme's certifier (``actor=None``: the background task or the demo loader,
    which act on an approval the certifier made). Idempotent: an existing certificate is returned.
    """
    submission = Submission.objects.select_related("cohort__programme", "teacher").get(pk=submission.pk)
    if actor is not None and not assessment_permissions.is_certifier(actor, submission.cohort.programme_id):
        raise PermissionDenied
    existing = Certificate.objects.filter(submission=submission).first()
    if existing is not None:
        return existing
    if submission.status != SubmissionStatus.APPROVED:
        raise ValidationError(_("Only an approved portfolio gets a certificate."))
    programme = submission.cohort.programme
    issuer = Issuer.objects.filter(programme=programme).order_by("id").first()
    if issuer is None:
        raise ValidationError(_("This programme has no certifying issuer yet."))
    now = timezone.now()
    certificate = Certificate(
        issuer=issuer,
        kind=CertificateKind.PORTFOLIO,
        submission=submission,
        teacher=submission.teacher,
        programme=programme,
        holder_name=submission.teacher.full_name,
        programme_name={"kk": programme.name_kk, "ru": programme.name_ru, "en": programme.name_en},
        project_title=submission.title,
        hours=Decimal(str(person_hours(person_id=submission.teacher_id, programme=programme))),
        issued_at=now.replace(microsecond=0),
    )
    return _sign_and_save(actor, certificate)


def _sign_and_save(actor: User | None, certificate: Certificate) -> Certificate:
    """Number the certificate in its issuer's series, give it a status list entry, sign its
    credential with the issuer's current key, save and audit it (one chain for every kind)."""
    issuer = certificate.issuer
    key, private = signing_key(issuer)
    status, index = _status_entry(issuer)
    certificate.number = _next_number(issuer, certificate.issued_at.year)
    certificate.key = key
    certificate.status_list = status
    certificate.status_index = index
    certificate.credential = dataintegrity.sign(
        build_credential(certificate),
        key=private,  # type: ignore[arg-type]
        verification_method=key.iri,
        created=certificate.issued_at,
    )
    certificate.full_clean()
    certificate.save()
    audit_record(actor=actor, action="credentials.certificate.issued", target=certificate)
    return certificate


def trainer_issuer(programme_id: int) -> Issuer | None:
    """The programme's certifying issuer (the first one), if it has one."""
    return Issuer.objects.filter(programme_id=programme_id).order_by("id").first()


@transaction.atomic
def trainer_certificate_issue(*, actor: User | None, trainer: Trainer) -> Certificate:
    """Issue the signed certificate of a certified trainer (school operators: certified after a
    training-of-trainers course, by an international partner or by an earlier trainer), on the
    same chain as a teacher's: a number in the programme issuer's series, a status list entry,
    an Open Badges 3.0 credential signed with eddsa-rdfc-2022, the PDF and the public
    verification page. The credential's narrative names the course and who certified.

    Needs the right to certify trainers in the programme (its coordinator; ``actor=None``: the
    certification itself, which checked it, or a command). Idempotent. Records
    ``credentials.certificate.issued``. Raises PermissionDenied or ValidationError (no issuer).
    """
    trainer = Trainer.objects.select_related(
        "programme", "person", "partner", "certified_by__person", "course__topic"
    ).get(pk=trainer.pk)
    programme = trainer.programme
    if actor is not None and not operator_permissions.can_certify_trainer(actor, programme):
        raise PermissionDenied
    existing = Certificate.objects.filter(trainer=trainer).first()
    if existing is not None:
        return existing
    issuer = trainer_issuer(programme.pk)
    if issuer is None:
        raise ValidationError(_("This programme has no certifying issuer yet."))
    course = trainer.course
    certificate = Certificate(
        issuer=issuer,
        kind=CertificateKind.TRAINER,
        trainer=trainer,
        teacher=trainer.person,
        programme=programme,
        holder_name=trainer.person.full_name,
        programme_name={"kk": programme.name_kk, "ru": programme.name_ru, "en": programme.name_en},
        # What the certificate names as the achievement's ground: the course (by its topic's
        # Kazakh name, the certificate's language of record), else the partner.
        project_title=(
            (course.topic.name.get("kk") or course.topic.label)
            if course is not None
            else (trainer.partner.name_kk if trainer.partner is not None else "")
        )[:300],
        hours=Decimal(str(person_hours(person_id=trainer.person_id, programme=programme))),
        issued_at=timezone.now().replace(microsecond=0),
    )
    return _sign_and_save(actor, certificate)


@transaction.atomic
def certificate_revoke(*, actor: User | None, certificate: Certificate, reason: str) -> Certificate:
    """Revoke: the certificate's bit is set in its status list, the reason and date recorded.
    Needs the programme's certifier (PermissionDenied; ``actor=None`` is an operator's command or
    the demo loader) and a reason (ValidationError)."""
    if actor is not None and not permissions.can_revoke_certificate(actor, certificate):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(_("Give the reason for revoking."))
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.is_revoked:
        raise ValidationError(_("This certificate has already been revoked."))
    status = StatusList.objects.select_for_update().get(pk=certificate.status_list_id)
    bits = bytearray(status.bits)
    statuslist.set_bit(bits, certificate.status_index)
    status.bits = bytes(bits)
    status.save(update_fields=["bits", "updated_at"])
    certificate.revoked_at = timezone.now()
    certificate.revocation_reason = reason.strip()
    certificate.full_clean()
    certificate.save(update_fields=["revoked_at", "revocation_reason"])
    audit_record(
        actor=actor,
        action="credentials.certificate.revoked",
        target=certificate,
        after={"revoked_at": certificate.revoked_at.isoformat(), "reason": certificate.revocation_reason},
    )
    return certificate
