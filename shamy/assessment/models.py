"""Rubrics, certification rules, submissions (immutable portfolio snapshots), judgements and decisions.

The chain: a teacher submits their portfolio → a :class:`Submission` freezes it (version 1, 2, ...)
→ the assigned link facilitator's :class:`Assessment` gives a level and a comment per criterion
and recommends certify or revise → the certifier's :class:`CertificationDecision` approves or
rejects (in batches). A revision reopens the portfolio; resubmitting makes the next version.
Who may see and do what is decided in :mod:`shamy.assessment.permissions`.
"""

from __future__ import annotations

import datetime
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shamy.core.rules import RestrictedQuerySet
from shamy.core.translated import localized


class Rubric(models.Model):
    """A programme's rubric, versioned: a new version is a new row; submissions keep theirs.

    The certification rules go with the rubric version they were set for.
    """

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="rubrics", verbose_name=_("programme")
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    title = models.JSONField(_("title"), default=dict)
    is_current = models.BooleanField(_("current"), default=True)
    min_level = models.PositiveSmallIntegerField(_("lowest level accepted in every criterion"), default=2)
    min_attendance_percent = models.PositiveSmallIntegerField(_("lowest attendance, per cent"), default=80)
    requires_complete_portfolio = models.BooleanField(_("every section written"), default=True)
    assessment_days = models.PositiveSmallIntegerField(
        _("days to assess a submission"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("An assessor is reminded two days before a submission is due and every day it is overdue."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")
        ordering = ["programme_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "version"], name="rubric_unique_version"),
            models.UniqueConstraint(
                fields=["programme"], condition=Q(is_current=True), name="rubric_one_current_per_programme"
            ),
            models.CheckConstraint(condition=Q(min_attendance_percent__lte=100), name="rubric_attendance_percent"),
        ]

    def __str__(self) -> str:
        return f"{localized(self.title)} v{self.version}"


class Criterion(models.Model):
    """A criterion of a rubric. ``code`` matches ``PortfolioSection.criterion_code``.

    ``levels`` is a list of ``{"level": n, "descriptor": {"kk": ..., "ru": ..., "en": ...}}``,
    from 1 (lowest) up.
    """

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("rubric"))
    code = models.SlugField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.JSONField(_("name"), default=dict)
    levels = models.JSONField(_("levels"), default=list)
    # Portfolios start with the same sections in the same order; a section whose own
    # ``criterion_code`` is empty is judged under the criterion naming its position.
    section_order = models.PositiveSmallIntegerField(_("portfolio section (position)"), null=True, blank=True)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["rubric_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["rubric", "code"], name="criterion_unique_code")]

    def __str__(self) -> str:
        return localized(self.name)

    @property
    def label(self) -> str:
        return localized(self.name)

    @property
    def max_level(self) -> int:
        return max((int(item["level"]) for item in self.levels), default=0)

    def level_choices(self) -> list[tuple[int, str]]:
        return [(int(item["level"]), localized(item.get("descriptor", {}))) for item in self.levels]

    def clean(self) -> None:
        numbers = [item.get("level") for item in self.levels if isinstance(item, dict)]
        if not numbers or numbers != list(range(1, len(numbers) + 1)):
            raise ValidationError({"levels": _("Levels are numbered 1, 2, 3... without gaps.")})


def section_criterion_codes(rubric: Rubric, sections: list[Any]) -> dict[int, str]:
    """Each section's criterion: its own ``criterion_code``, else the criterion at its position."""
    by_order = {c.section_order: c.code for c in rubric.criteria.all() if c.section_order is not None}
    return {section.pk: section.criterion_code or by_order.get(section.order, "") for section in sections}


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, awaiting assessment")
    REVISE = "revise", _("Returned for revision")
    MODERATION = "moderation", _("In moderation")
    RECOMMENDED = "recommended", _("Recommended for certification")
    APPROVED = "approved", _("Certified")
    REJECTED = "rejected", _("Certification refused")


OPEN_STATUSES = (SubmissionStatus.SUBMITTED, SubmissionStatus.MODERATION, SubmissionStatus.RECOMMENDED)


class SubmissionQuerySet(RestrictedQuerySet["Submission"]):
    """Rules in ``assessment/permissions.py``."""


class Submission(models.Model):
    """A frozen copy of a portfolio as submitted: its sections, texts and evidence list.

    Never changed after it is made (no service writes ``snapshot``); the status moves on.
    A later edit of the portfolio is a new submission with the next ``version``.
    """

    portfolio = models.ForeignKey(
        "portfolios.Portfolio", on_delete=models.PROTECT, related_name="submissions", verbose_name=_("portfolio")
    )
    project = models.ForeignKey(
        "portfolios.DevelopmentProject",
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("project"),
    )
    teacher = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="submissions", verbose_name=_("teacher")
    )
    cohort = models.ForeignKey(
        "programmes.Cohort", on_delete=models.PROTECT, related_name="submissions", verbose_name=_("cohort")
    )
    school = models.ForeignKey(
        "registry.School", on_delete=models.PROTECT, related_name="submissions", verbose_name=_("school")
    )
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("rubric"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    snapshot = models.JSONField(_("snapshot"), default=dict, editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=SubmissionStatus.choices, default=SubmissionStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("submitted by")
    )
    submitted_at = models.DateTimeField(_("submitted"))
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    # The last reminder its assessor got about it (``services/reminders.py``).
    reminded_at = models.DateTimeField(_("assessor last reminded"), null=True, blank=True, editable=False)
    is_demo = models.BooleanField(default=False)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["portfolio", "version"], name="submission_unique_version"),
        ]
        indexes = [models.Index(fields=["status", "school"]), models.Index(fields=["teacher"])]

    def __str__(self) -> str:
        return f"{self.snapshot.get('project', {}).get('title', '')} v{self.version}"

    @property
    def title(self) -> str:
        return str(self.snapshot.get("project", {}).get("title", ""))

    @property
    def due_at(self) -> datetime.datetime:
        """When the assessment is due: the rubric's days after submission."""
        return self.submitted_at + datetime.timedelta(days=self.rubric.assessment_days)

    @property
    def is_overdue(self) -> bool:
        return self.status == SubmissionStatus.SUBMITTED and self.due_at < timezone.now()

    @property
    def sections(self) -> list[dict[str, Any]]:
        return list(self.snapshot.get("sections", []))


def submission_file_path(instance: SubmissionFile, filename: str) -> str:
    # A new name: the evidence's stored name is the portfolio's, and may be deleted with it.
    return f"assessment/submissions/{instance.submission_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()[:10]}"


class SubmissionFileQuerySet(RestrictedQuerySet["SubmissionFile"]):
    """Rules in ``assessment/permissions.py``: whoever may open the submission."""


class SubmissionFile(models.Model):
    """A copy of one evidence file as it was submitted. The portfolio's evidence may later be
    changed or deleted; what the assessor, the moderator and the certifier judge stays here."""

    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="files", verbose_name=_("submission")
    )
    evidence_id = models.PositiveBigIntegerField(_("evidence"))
    title = models.CharField(_("title"), max_length=300)
    mime = models.CharField(_("content type"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    sha256 = models.CharField(max_length=64)
    file = models.FileField(_("file"), upload_to=submission_file_path, max_length=300)

    objects = SubmissionFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("submitted file")
        verbose_name_plural = _("submitted files")
        constraints = [
            models.UniqueConstraint(fields=["submission", "evidence_id"], name="submission_file_unique_evidence"),
        ]

    def __str__(self) -> str:
        return self.title


class Recommendation(models.TextChoices):
    CERTIFY = "certify", _("Certify")
    REVISE = "revise", _("Revise")


class Assessment(models.Model):
    """The assessor's judgement of one submission. Saved as a draft (``version`` guards against
    two tabs overwriting each other) until the assessor finalises it."""

    submission = models.OneToOneField(
        Submission, on_delete=models.PROTECT, related_name="assessment", verbose_name=_("submission")
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("assessor")
    )
    recommendation = models.CharField(_("recommendation"), max_length=10, choices=Recommendation.choices, blank=True)
    reasons = models.TextField(_("reasons and advice"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    finalised_at = models.DateTimeField(_("finalised"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.CheckConstraint(
                condition=Q(finalised_at__isnull=True) | ~Q(recommendation=""),
                name="assessment_final_has_recommendation",
                violation_error_message=_("A finished assessment needs a recommendation."),
            ),
            models.CheckConstraint(
                condition=~Q(recommendation="revise") | ~Q(reasons="") | Q(finalised_at__isnull=True),
                name="assessment_revise_has_reasons",
                violation_error_message=_("Say what to revise."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission} · {self.get_recommendation_display()}"

    @property
    def is_final(self) -> bool:
        return self.finalised_at is not None


class CriterionJudgement(models.Model):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="judgements", verbose_name=_("assessment")
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+", verbose_name=_("criterion"))
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("judgement on a criterion")
        verbose_name_plural = _("judgements on criteria")
        ordering = ["criterion__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="judgement_unique_criterion"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.level}"


class Decision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class CertificationDecision(models.Model):
    """The certifier's decision on a recommended submission; decisions taken together share ``batch``."""

    submission = models.OneToOneField(
        Submission, on_delete=models.PROTECT, related_name="decision", verbose_name=_("submission")
    )
    certifier = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("certifier")
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reason = models.TextField(_("reason"), blank=True)
    batch = models.UUIDField(_("batch"))
    decided_at = models.DateTimeField(_("decided"))

    class Meta:
        verbose_name = _("certification decision")
        verbose_name_plural = _("certification decisions")
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="approved") | ~Q(reason=""),
                name="decision_rejection_has_reason",
                violation_error_message=_("A rejection needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission} · {self.get_decision_display()}"


class ModerationQuerySet(RestrictedQuerySet["Moderation"]):
    """Rules in ``assessment/permissions.py``."""


class ModerationOutcome(models.TextChoices):
    CERTIFY = "certify", _("Certify")
    REVISE = "revise", _("Revise")


class Moderation(models.Model):
    """A recommended submission drawn into the moderation sample: a second assessor marks it blind
    to the first marks; where the two differ by more than the threshold, a moderator decides."""

    THRESHOLD = 1  # levels apart on any criterion before the moderator is asked

    submission = models.OneToOneField(
        Submission, on_delete=models.PROTECT, related_name="moderation", verbose_name=_("submission")
    )
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("drawn by")
    )
    drawn_at = models.DateTimeField(_("drawn"))
    first_assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("first assessor")
    )
    second_assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("second assessor")
    )
    second_levels = models.JSONField(_("second marks"), default=dict, blank=True)
    second_marked_at = models.DateTimeField(_("second marking done"), null=True, blank=True)
    largest_difference = models.PositiveSmallIntegerField(_("largest difference"), null=True, blank=True)
    needs_moderator = models.BooleanField(_("needs the moderator"), default=False)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderator"),
    )
    outcome = models.CharField(
        pgettext_lazy("of moderation", "outcome"), max_length=10, choices=ModerationOutcome.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = ModerationQuerySet.as_manager()

    class Meta:
        verbose_name = _("moderation")
        verbose_name_plural = _("moderations")
        ordering = ["-drawn_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="revise") | ~Q(note=""),
                name="moderation_revise_has_note",
                violation_error_message=_("Say what to revise."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.submission)

    @property
    def stage(self) -> str:
        if self.second_marked_at is None:
            return "second_marking"
        if self.needs_moderator and self.decided_at is None:
            return "moderator"
        return "done"
