"""Issuers, their keys (public halves only), certificates with their signed credentials, and the
revocation status lists.

An approved submission (``assessment.Submission``) gets one :class:`Certificate`: a number in its
issuer's series, a PDF rendered on request, and an Open Badges 3.0 credential signed with the
issuer's current key. Revocation flips the certificate's bit in its :class:`StatusList`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shamy.core.rules import RestrictedQuerySet
from shamy.core.translated import localized


def absolute(path: str) -> str:
    return f"{settings.CREDENTIALS_BASE_URL}{path}"


class Issuer(models.Model):
    """A certifying organisation (the university) as an issuer profile.

    Its id is an https URL served by this app (a controller document listing its keys), so a key
    can be rotated without changing who the issuer is.
    """

    slug = models.SlugField(_("short name"), max_length=40, unique=True)
    organisation = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="issuers", verbose_name=_("programme")
    )
    name = models.JSONField(_("name"), default=dict)
    url = models.URLField(_("website"), blank=True)
    signatory_name = models.CharField(_("signatory"), max_length=200)
    signatory_title = models.JSONField(_("signatory's position"), default=dict)
    series_prefix = models.CharField(_("certificate series"), max_length=20)
    next_number = models.PositiveIntegerField(_("next number in the series"), default=1)

    class Meta:
        verbose_name = _("issuer")
        verbose_name_plural = _("issuers")
        ordering = ["slug"]
        constraints = [models.UniqueConstraint(fields=["series_prefix"], name="issuer_unique_series")]

    def __str__(self) -> str:
        return localized(self.name)

    @property
    def display_name(self) -> str:
        return localized(self.name)

    @property
    def iri(self) -> str:
        return absolute(reverse("credentials:issuer", args=[self.slug]))


class IssuerKey(models.Model):
    """The public half of one of an issuer's Ed25519 keys. The private half is in the environment.

    A retired key signs nothing new, but stays published, so what it signed still verifies.
    """

    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="keys", verbose_name=_("issuer"))
    public_key_multibase = models.CharField(_("public key (multibase)"), max_length=80, unique=True)
    dev_label = models.CharField(max_length=80, blank=True, editable=False)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    retired_at = models.DateTimeField(_("retired from signing"), null=True, blank=True)

    class Meta:
        verbose_name = _("issuer key")
        verbose_name_plural = _("issuer keys")
        ordering = ["issuer_id", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer"], condition=Q(retired_at__isnull=True), name="issuer_key_one_signing_key"
            ),
        ]

    def __str__(self) -> str:
        return self.public_key_multibase

    @property
    def iri(self) -> str:
        """The verification method: the URL of this key's Multikey document."""
        return absolute(reverse("credentials:issuer-key", args=[self.issuer.slug, self.public_key_multibase]))


class StatusList(models.Model):
    """A revocation Bitstring Status List of one issuer; ``bits`` is the raw bitstring."""

    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="status_lists", verbose_name=_("issuer"))
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    length = models.PositiveIntegerField(default=131_072)
    next_index = models.PositiveIntegerField(default=0)
    bits = models.BinaryField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("status list")
        verbose_name_plural = _("status lists")

    def __str__(self) -> str:
        return str(self.public_id)

    @property
    def iri(self) -> str:
        return absolute(reverse("credentials:status-list", args=[self.public_id]))


class CertificateQuerySet(RestrictedQuerySet["Certificate"]):
    """Rules in ``credentials/permissions.py``."""


class CertificateRunQuerySet(RestrictedQuerySet["CertificateRun"]):
    """Rules in ``credentials/permissions.py``."""


class CertificateKind(models.TextChoices):
    PORTFOLIO = "portfolio", _("Teacher leadership portfolio")
    TRAINER = "trainer", _("Certified trainer")


class Certificate(models.Model):
    """A certificate: what the PDF prints and the signed credential carries, frozen at issue."""

    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("issuer"))
    key = models.ForeignKey(IssuerKey, on_delete=models.PROTECT, related_name="+", verbose_name=_("signed with"))
    kind = models.CharField(
        _("kind"), max_length=10, choices=CertificateKind.choices, default=CertificateKind.PORTFOLIO
    )
    # A teacher's certificate is for an approved portfolio; a trainer's for the certification after a
    # training-of-trainers course (school operators' programmes). Exactly one of the two is set.
    submission = models.OneToOneField(
        "assessment.Submission",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificate",
        verbose_name=_("submission"),
    )
    trainer = models.OneToOneField(
        "operators.Trainer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificate",
        verbose_name=_("certified trainer"),
    )
    teacher = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="certificates", verbose_name=_("teacher")
    )
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="certificates", verbose_name=_("programme")
    )
    holder_name = models.CharField(_("name as in the registry"), max_length=300)
    programme_name = models.JSONField(_("programme"), default=dict)
    project_title = models.CharField(_("project"), max_length=300)
    hours = models.DecimalField(_("hours"), max_digits=7, decimal_places=1)
    issued_at = models.DateTimeField(_("issued"))
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    credential = models.JSONField(_("signed credential"), default=dict, editable=False)
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="+")
    status_index = models.PositiveIntegerField()
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    is_demo = models.BooleanField(default=False)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["status_list", "status_index"], name="certificate_unique_status_entry"),
            models.CheckConstraint(
                condition=(Q(kind="portfolio") & Q(submission__isnull=False) & Q(trainer__isnull=True))
                | (Q(kind="trainer") & Q(trainer__isnull=False) & Q(submission__isnull=True)),
                name="certificate_kind_matches_subject",
                violation_error_message=_("A certificate is for either an approved portfolio or a certified trainer."),
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revocation_reason=""),
                name="certificate_revocation_has_reason",
                violation_error_message=_("A revocation needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def iri(self) -> str:
        return absolute(reverse("credentials:credential-json", args=[self.number]))

    @property
    def verify_url(self) -> str:
        return absolute(reverse("credentials:verify", args=[self.number]))

    @property
    def programme_label(self) -> str:
        return localized(self.programme_name)


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def run_zip_path(instance: CertificateRun, filename: str) -> str:
    return f"credentials/runs/{instance.public_id}.zip"


class CertificateRun(models.Model):
    """A cohort's certificates issued and rendered together in the background, as one ZIP:
    each approved teacher's PDF and signed credential."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cohort = models.ForeignKey(
        "programmes.Cohort", on_delete=models.PROTECT, related_name="certificate_runs", verbose_name=_("cohort")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("requested by")
    )
    language = models.CharField(_("language of the PDFs"), max_length=2, default="kk")
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    archive = models.FileField(upload_to=run_zip_path, blank=True, max_length=300)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = CertificateRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate run")
        verbose_name_plural = _("certificate runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return str(self.public_id)

    @property
    def is_running(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.status == RunStatus.DONE else 0)
