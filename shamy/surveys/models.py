"""Surveys of a programme: the instrument (questions in kk/ru/en), its distribution, and the answers.

Question text, choices and matrix rows are staff-written content in several languages, stored
as JSON ``{"kk": ..., "ru": ..., "en": ...}`` (docs/architecture.md, "Translated content").

Anonymity. An anonymous survey stores no link from a submitted response to its author:

- while a response is a draft it is found again by ``respondent_key``, a keyed hash of the survey
  and the user (so a half-finished survey is never lost);
- on submission the key is replaced by a random one and a :class:`Participation` row (survey and
  user only, no time, no response) records that the user has answered, which enforces one
  response per person and lets reminders skip them;
- the response keeps only coarse attributes for filtering (region, locality, role), its day of
  submission, and a random UUID as its primary key (no insertion order to line up with
  participations); the audit entry of an anonymous answer names no actor.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shamy.access.roles import Role
from shamy.core.rules import RestrictedQuerySet
from shamy.core.translated import localized


class Phase(models.TextChoices):
    SINGLE = "single", _("One-off survey")
    PRE = "pre", _("Before the programme (pre)")
    POST = "post", _("After the programme (post)")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", pgettext_lazy("survey", "Open")
    CLOSED = "closed", pgettext_lazy("survey", "Closed")


# Roles a survey can be sent to within a programme.
AUDIENCE_ROLES = (
    (Role.TEACHER.value, Role.TEACHER.label),
    (Role.SCHOOL_FACILITATOR.value, Role.SCHOOL_FACILITATOR.label),
    (Role.SCHOOL_PRINCIPAL.value, Role.SCHOOL_PRINCIPAL.label),
    (Role.LINK_FACILITATOR.value, Role.LINK_FACILITATOR.label),
)


def new_public_token() -> str:
    return secrets.token_urlsafe(18)


class SurveyQuerySet(RestrictedQuerySet["Survey"]):
    """Read through the named rules of ``shamy/surveys/permissions.py``."""


class Survey(models.Model):
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="surveys", verbose_name=_("programme")
    )
    title = models.JSONField(_("title"), default=dict)
    intro = models.JSONField(_("introduction"), default=dict, blank=True)
    phase = models.CharField(_("phase"), max_length=6, choices=Phase.choices, default=Phase.SINGLE)
    pre_survey = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="post_survey",
        verbose_name=_("the pre survey this one follows"),
    )
    anonymous = models.BooleanField(
        _("anonymous"), default=False, help_text=_("Answers are never linked to the person who gave them.")
    )
    audience_role = models.CharField(_("sent to"), max_length=40, choices=AUDIENCE_ROLES, default=Role.TEACHER)
    cohort = models.ForeignKey(
        "programmes.Cohort",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("only this cohort"),
    )
    school = models.ForeignKey(
        "registry.School",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("only this school"),
    )
    public_link = models.BooleanField(
        _("also open to anyone with the link"),
        default=False,
        help_text=_("Answers through the public link are always anonymous."),
    )
    public_token = models.CharField(max_length=40, unique=True, default=new_public_token, editable=False)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    status = models.CharField(_("status"), max_length=6, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    last_reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="survey_closes_after_opening",
                violation_error_message=_("A survey must close after it opens."),
            ),
            models.CheckConstraint(
                condition=Q(pre_survey__isnull=True) | Q(phase="post"),
                name="survey_only_post_has_pre",
                violation_error_message=_("Only a post survey follows a pre survey."),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localized(self.title) or f"#{self.pk}"

    @property
    def intro_text(self) -> str:
        return localized(self.intro)

    def is_accepting(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.status == SurveyStatus.OPEN and self.opens_at <= now < self.closes_at

    def clean(self) -> None:
        if self.pre_survey_id is not None:
            pre = self.pre_survey
            if pre is not None and (pre.phase != Phase.PRE or pre.programme_id != self.programme_id):
                raise ValidationError({"pre_survey": _("The pre survey must be a pre survey of the same programme.")})
            if pre is not None and pre.anonymous != self.anonymous:
                raise ValidationError({"anonymous": _("A post survey is anonymous exactly when its pre survey is.")})
        if self.cohort_id is not None and self.cohort is not None and self.cohort.programme_id != self.programme_id:
            raise ValidationError({"cohort": _("This cohort belongs to another programme.")})


class QuestionKind(models.TextChoices):
    LIKERT = "likert", _("Likert scale (1–5)")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    NUMBER = "number", pgettext_lazy("kind of question", "Number")
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    MATRIX = "matrix", _("Matrix (rows on a 1–5 scale)")


NUMERIC_KINDS = frozenset({QuestionKind.LIKERT, QuestionKind.NUMBER, QuestionKind.MATRIX})
CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE})
TEXT_KINDS = frozenset({QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT})
LIKERT_POINTS = (1, 2, 3, 4, 5)


class QuestionQuerySet(RestrictedQuerySet["Question"]):
    """Read through the named rules of ``shamy/surveys/permissions.py``."""


class Question(models.Model):
    """One question. ``choices`` (single/multiple) and ``rows`` (matrix) are lists of
    ``{"code": ..., "label": {"kk": ..., "ru": ..., "en": ...}}``. Skip logic: the question is
    shown only when the answer to ``show_if`` is one of ``show_if_values`` (choice codes, or
    numbers as text)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey"))
    position = models.PositiveSmallIntegerField(pgettext_lazy("order in a list", "position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text = models.JSONField(_("question"), default=dict)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    rows = models.JSONField(_("rows"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=True)
    show_if = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("show only if the answer to"),
    )
    show_if_values = models.JSONField(_("is one of"), default=list, blank=True)
    # In a post survey: the same question of the pre survey (the pairs are matched on it).
    paired_with = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("paired with")
    )

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey_id", "position", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localized(self.text)

    @property
    def is_numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS

    def choice_labels(self) -> list[tuple[str, str]]:
        return [(item["code"], localized(item.get("label"))) for item in self.choices]

    def row_labels(self) -> list[tuple[str, str]]:
        return [(item["code"], localized(item.get("label"))) for item in self.rows]

    def clean(self) -> None:
        if self.kind in CHOICE_KINDS and len(self.choices) < 2:
            raise ValidationError({"choices": _("A choice question needs at least two choices.")})
        if self.kind == QuestionKind.MATRIX and not self.rows:
            raise ValidationError({"rows": _("A matrix question needs at least one row.")})
        if self.show_if_id is not None and self.show_if is not None:
            if self.show_if.survey_id != self.survey_id:
                raise ValidationError({"show_if": _("Skip logic can only refer to a question of the same survey.")})
            if self.pk is not None and self.show_if.pk == self.pk:
                raise ValidationError({"show_if": _("A question cannot depend on itself.")})
            if not self.show_if_values:
                raise ValidationError({"show_if_values": _("Say which answers show this question.")})


class Participation(models.Model):
    """That a user has submitted their answer to a survey: nothing else (see the module docstring)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "user"], name="participation_unique")]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.user_id}"


class Response(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses", verbose_name=_("survey"))
    # Identified surveys only; always empty in an anonymous survey.
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("respondent"),
    )
    respondent_key = models.CharField(max_length=64)
    role = models.CharField(_("role"), max_length=40, blank=True)
    region = models.ForeignKey(
        "registry.Region", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    locality = models.CharField(_("locality"), max_length=5, blank=True)
    school = models.ForeignKey(
        "registry.School", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("school")
    )
    submitted_on = models.DateField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(fields=["survey", "respondent_key"], name="response_one_per_respondent"),
        ]
        indexes = [models.Index(fields=["survey", "submitted_on"], name="surveys_response_submitted")]

    def __str__(self) -> str:
        return str(self.pk)

    @property
    def is_submitted(self) -> bool:
        return self.submitted_on is not None


class Answer(models.Model):
    """One stored value: a number (Likert, number, one matrix row), one chosen code (single, or
    one of several for multiple choice), or a text. Aggregated with GROUP BY in the database."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    row_code = models.CharField(max_length=40, blank=True)
    choice = models.CharField(max_length=40, blank=True)
    number = models.FloatField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["question", "row_code", "choice"], name="surveys_answer_grouping")]

    def __str__(self) -> str:
        return f"{self.question_id}:{self.row_code}:{self.choice or self.number or self.text[:20]}"
