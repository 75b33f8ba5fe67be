"""A programme's results framework (outputs and outcomes, each an indicator with a baseline, a
target and a source) and its donor reports (a PDF per period and language, made in the background).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shamy.core.rules import RestrictedQuerySet
from shamy.core.translated import localized


class Level(models.TextChoices):
    OUTPUT = "output", _("Output")
    OUTCOME = "outcome", _("Outcome")


class Source(models.TextChoices):
    SCHOOLS = "schools", _("Schools reached (cohort enrolment)")
    TEACHERS = "teachers", _("Teachers taking part (teacher memberships)")
    CHILDREN = "children", _("Children in the schools reached (registry)")
    SESSIONS = "sessions", _("Sessions held (attendance)")
    HOURS = "hours", _("Participation hours (attendance)")
    HOURS_PER_TEACHER = "hours_per_teacher", _("Participation hours per teacher (attendance)")
    PORTFOLIOS = "portfolios", _("Portfolios submitted for certification")
    CERTIFIED = "certified", _("Certified teachers (certificates issued, not revoked)")
    PUBLISHED = "published", _("Project summaries published")
    SURVEY_MEAN = "survey_mean", _("Survey question: mean answer")
    SURVEY_CHANGE = "survey_change", _("Survey question: mean change before → after")
    SURVEY_IMPROVED = "survey_improved", _("Survey question: share of people who improved (per cent)")
    IMPORTED = "imported", _("Imported value (analytics indicator, programme schools)")


SURVEY_SOURCES = frozenset({Source.SURVEY_MEAN, Source.SURVEY_CHANGE, Source.SURVEY_IMPROVED})


class ResultsIndicatorQuerySet(RestrictedQuerySet["ResultsIndicator"]):
    """Read through the named rules of ``shamy/results/permissions.py``."""


class ResultsIndicator(models.Model):
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="results_indicators", verbose_name=_("programme")
    )
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    name = models.JSONField(pgettext_lazy("of a thing", "name"), default=dict)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    question = models.ForeignKey(
        "surveys.Question",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("survey question"),
    )
    imported_indicator = models.ForeignKey(
        "analytics.Indicator",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported indicator"),
    )
    baseline = models.FloatField(_("baseline"), null=True, blank=True)
    target = models.FloatField(_("target"))
    position = models.PositiveSmallIntegerField(pgettext_lazy("order in a list", "position"), default=0)

    objects = ResultsIndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("results indicator")
        verbose_name_plural = _("results indicators")
        ordering = ["programme_id", "-level", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source__in=sorted(SURVEY_SOURCES)) | Q(question__isnull=False),
                name="results_indicator_survey_needs_question",
                violation_error_message=_("A survey indicator needs its question."),
            ),
            models.CheckConstraint(
                condition=~Q(source="imported") | Q(imported_indicator__isnull=False),
                name="results_indicator_imported_needs_indicator",
                violation_error_message=_("An imported indicator needs the analytics indicator it reads."),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localized(self.name) or self.get_source_display()

    def clean(self) -> None:
        if self.question_id is not None and self.question is not None:
            if self.question.survey.programme_id != self.programme_id:
                raise ValidationError({"question": _("The question belongs to a survey of another programme.")})
            if not self.question.is_numeric:
                raise ValidationError({"question": _("Only a Likert, number or matrix question gives a figure.")})


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


def report_path(instance: DonorReport, filename: str) -> str:
    return f"results/reports/{instance.programme_id}/{filename}"


class DonorReportQuerySet(RestrictedQuerySet["DonorReport"]):
    """Read through the named rules of ``shamy/results/permissions.py``."""


class DonorReport(models.Model):
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="donor_reports", verbose_name=_("programme")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="kk")
    status = models.CharField(_("status"), max_length=8, choices=ReportStatus.choices, default=ReportStatus.PENDING)
    pdf = models.FileField(_("PDF"), upload_to=report_path, max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    scheduled = models.BooleanField(_("made on schedule"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    generated_at = models.DateTimeField(_("generated"), null=True, blank=True)

    objects = DonorReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("donor report")
        verbose_name_plural = _("donor reports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="donor_report_period",
                violation_error_message=_("A period cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.starts_on}–{self.ends_on} ({self.language})"
