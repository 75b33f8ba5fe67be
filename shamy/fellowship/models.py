"""The fellowship programme (DOMAIN.md, programme 2): recruitment, vacancies, placement, two years
in a school, the children reached, and the alumni.

A fellowship is a programme with its own stages, not a separate system: a fellowship cohort is a
``programmes.Cohort`` (one-to-one), fellows hold the ``fellow`` role through an
``access.Membership`` of that programme and cohort, and a school hosting a fellow joins the
cohort as a ``programmes.CohortSchool`` (so the equity analytics' coverage counts it).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shamy.core.rules import RestrictedQuerySet
from shamy.core.text import SORT_NAME_LENGTH, kazakh_sort_name
from shamy.programmes.models import check_programme_country


class Subject(models.TextChoices):
    MATHEMATICS = "mathematics", _("Mathematics")
    PHYSICS = "physics", _("Physics")
    CHEMISTRY = "chemistry", _("Chemistry")
    BIOLOGY = "biology", _("Biology")
    ENGLISH = "english", _("English")
    KAZAKH = "kazakh", _("Kazakh language and literature")
    RUSSIAN = "russian", _("Russian language and literature")
    HISTORY = "history", _("History")
    INFORMATICS = "informatics", _("Informatics")
    PRIMARY = "primary", _("Primary classes")


class TeachingLanguage(models.TextChoices):
    KAZAKH = "kk", pgettext_lazy("language of instruction", "In Kazakh")
    RUSSIAN = "ru", pgettext_lazy("language of instruction", "In Russian")
    ENGLISH = "en", pgettext_lazy("language of instruction", "In English")


class Stage(models.TextChoices):
    """The recruitment pipeline; withdrawn and declined may follow any stage."""

    DRAFT = "draft", _("Draft (not submitted)")
    APPLIED = "applied", _("Applied")
    SCREENED = "screened", _("Screened")
    ASSESSMENT = "assessment", _("Assessment day")
    OFFER = "offer", _("Offer")
    ACCEPTED = "accepted", _("Accepted")
    TRAINING = "training", _("Summer training")
    PLACED = "placed", _("Placed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DECLINED = "declined", _("Declined")


PIPELINE = [Stage.APPLIED, Stage.SCREENED, Stage.ASSESSMENT, Stage.OFFER, Stage.ACCEPTED, Stage.TRAINING, Stage.PLACED]
CLOSED_STAGES = frozenset({Stage.WITHDRAWN, Stage.DECLINED})


class AgreementStatus(models.TextChoices):
    PROSPECTIVE = "prospective", _("Prospective")
    SIGNED = "signed", _("Agreement signed")
    ENDED = "ended", _("Ended")


class PlacementStatus(models.TextChoices):
    ACTIVE = "active", _("In the school")
    COMPLETED = "completed", _("Completed two years")
    LEFT_EARLY = "left_early", _("Left early")


class LeavingReason(models.TextChoices):
    HEALTH = "health", _("Health")
    FAMILY = "family", _("Family circumstances")
    OTHER_JOB = "other_job", _("Took another job")
    STUDY = "study", _("Went to study")
    SCHOOL_FIT = "school_fit", _("Did not fit the school")
    OTHER = "other", _("Other")


class CheckInKind(models.TextChoices):
    MID_TERM = "mid_term", _("Mid-term check-in")
    END_OF_YEAR = "end_of_year", _("End-of-year check-in")


class CheckInAuthor(models.TextChoices):
    FELLOW = "fellow", _("Fellow")
    MENTOR = "mentor", _("Mentor")
    PRINCIPAL = "principal", _("Principal")


class Pathway(models.TextChoices):
    TEACHING = "teaching", _("Teaching")
    LEADERSHIP = "leadership", _("School leadership")
    POLICY = "policy", _("Policy or ministry")
    OTHER_SECTOR = "other_sector", _("Other sector")
    STUDY = "study", _("Further study")


IN_EDUCATION = frozenset({Pathway.TEACHING, Pathway.LEADERSHIP, Pathway.POLICY})


class FellowshipCohortQuerySet(RestrictedQuerySet["FellowshipCohort"]):
    """Rules in ``fellowship/permissions.py``."""


class FellowshipCohort(models.Model):
    """A programme cohort recruited, trained and placed as fellows."""

    cohort = models.OneToOneField(
        "programmes.Cohort", on_delete=models.CASCADE, related_name="fellowship", verbose_name=_("cohort")
    )
    target_fellows = models.PositiveIntegerField(_("target number of fellows"), default=0)
    applications_open = models.BooleanField(_("applications open"), default=False)
    applications_close_on = models.DateField(_("applications close on"), null=True, blank=True)

    objects = FellowshipCohortQuerySet.as_manager()

    class Meta:
        verbose_name = _("fellowship cohort")
        verbose_name_plural = _("fellowship cohorts")
        ordering = ["cohort__starts_on", "id"]

    def __str__(self) -> str:
        return str(self.cohort)

    @property
    def programme_id(self) -> int:
        return int(self.cohort.programme_id)


class Agreement(models.Model):
    """A regional partnership agreement: a region's schools host fellows only once it is signed.
    Its targets and status drive the expansion tracker."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="+", verbose_name=_("programme")
    )
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    status = models.CharField(
        _("status"), max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.PROSPECTIVE
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    target_fellows = models.PositiveIntegerField(_("target number of fellows"), default=0)
    target_schools = models.PositiveIntegerField(_("target number of schools"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("regional partnership agreement")
        verbose_name_plural = _("regional partnership agreements")
        ordering = ["programme_id", "region_id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "region"], name="fellowship_agreement_unique"),
            models.CheckConstraint(
                condition=~Q(status="signed") | Q(signed_on__isnull=False),
                name="fellowship_agreement_signed_has_date",
                violation_error_message=_("A signed agreement needs its date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.get_status_display()}"

    def clean(self) -> None:
        if self.programme_id and self.region_id:
            check_programme_country(
                programme=self.programme, place=self.region, country=self.region.country, field="region"
            )


class VacancyQuerySet(RestrictedQuerySet["Vacancy"]):
    """Rules in ``fellowship/permissions.py``."""


class Vacancy(models.Model):
    """A post a school (or its regional department) offers to a fellow."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="+", verbose_name=_("programme")
    )
    school = models.ForeignKey("registry.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school"))
    subject = models.CharField(_("subject"), max_length=20, choices=Subject.choices)
    grades = models.CharField(_("grades"), max_length=20, help_text=_("For example 5–9."))
    language = models.CharField(_("language of instruction"), max_length=2, choices=TeachingLanguage.choices)
    starts_on = models.DateField(_("starts on"))
    housing = models.BooleanField(_("housing offered"), default=False)
    is_open = models.BooleanField(_("open"), default=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VacancyQuerySet.as_manager()

    class Meta:
        verbose_name = _("vacancy")
        verbose_name_plural = _("vacancies")
        ordering = ["school_id", "subject", "id"]

    def __str__(self) -> str:
        return f"{self.school} · {self.get_subject_display()} · {self.get_language_display()}"

    def clean(self) -> None:
        if self.school_id and self.programme_id:
            signed = Agreement.objects.filter(
                programme_id=self.programme_id, region_id=self.school.region_id, status=AgreementStatus.SIGNED
            ).exists()
            if not signed:
                raise ValidationError(
                    {"school": _("This school's region has no signed partnership agreement with the programme.")}
                )


class ApplicationQuerySet(RestrictedQuerySet["Application"]):
    """Rules in ``fellowship/permissions.py`` (the reviewers' rule follows a to-many relation)."""

    distinct_on_restrict = True


def upload_to_application(instance: Application, filename: str) -> str:
    return f"fellowship/applications/{instance.cohort_id}/{filename}"


class Application(models.Model):
    """One person's application to a fellowship cohort, saved as a draft under a magic link."""

    cohort = models.ForeignKey(
        FellowshipCohort, on_delete=models.CASCADE, related_name="applications", verbose_name=_("cohort")
    )
    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="kk")
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    university = models.CharField(_("university and degree"), max_length=300, blank=True)
    graduated_year = models.PositiveSmallIntegerField(_("year of graduation"), null=True, blank=True)
    subjects = models.JSONField(_("subjects you can teach"), default=list, blank=True)
    languages = models.JSONField(_("languages you can teach in"), default=list, blank=True)
    accepted_regions = models.ManyToManyField(
        "registry.Region", blank=True, related_name="+", verbose_name=_("regions you would work in")
    )
    ranked_regions = models.JSONField(_("regions in order of preference"), default=list, blank=True)
    needs_housing = models.BooleanField(_("I need housing"), default=False)
    motivation = models.TextField(_("why you want to teach in a rural school"), blank=True)
    cv = models.FileField(_("CV"), upload_to=upload_to_application, blank=True)
    diploma = models.FileField(_("diploma"), upload_to=upload_to_application, blank=True)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.DRAFT)
    stage_changed_at = models.DateTimeField(_("in this stage since"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["cohort_id", "-submitted_at", "id"]
        indexes = [models.Index(fields=["cohort", "stage"], name="fellowship_application_stage")]

    def __str__(self) -> str:
        return self.full_name or self.email


class StageChange(models.Model):
    """One move of an application between stages: the funnel's conversions and times in stage."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=12, choices=Stage.choices)
    to_stage = models.CharField(max_length=12, choices=Stage.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["application_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_stage} → {self.to_stage}"


# The rubric reviewers score against, 1 (weak) to 5 (strong).
RUBRIC = {
    "motivation": _("Motivation for rural schools"),
    "subject": _("Subject knowledge"),
    "leadership": _("Leadership and initiative"),
    "resilience": _("Resilience"),
    "communication": _("Communication"),
}
RUBRIC_MIN, RUBRIC_MAX = 1, 5
REVIEWERS_PER_APPLICATION = 2


class Review(models.Model):
    """A reviewer's rubric scores for one application (assigned first, scored later)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"], name="fellowship_review_unique")]

    def __str__(self) -> str:
        return f"{self.application_id} · {self.reviewer_id}"

    @property
    def total(self) -> int | None:
        if self.submitted_at is None:
            return None
        return sum(int(value) for value in self.scores.values())

    def clean(self) -> None:
        if set(self.scores) - set(RUBRIC):
            raise ValidationError({"scores": _("Unknown rubric criterion.")})
        if any(not isinstance(v, int) or not RUBRIC_MIN <= v <= RUBRIC_MAX for v in self.scores.values()):
            raise ValidationError({"scores": _("Each criterion is scored 1 to 5.")})


class FellowQuerySet(RestrictedQuerySet["Fellow"]):
    """Rules in ``fellowship/permissions.py``."""

    distinct_on_restrict = True


class Fellow(models.Model):
    """A recruited fellow of a cohort (from an accepted application, or recorded directly)."""

    cohort = models.ForeignKey(FellowshipCohort, on_delete=models.CASCADE, related_name="fellows")
    application = models.OneToOneField(
        Application, on_delete=models.SET_NULL, null=True, blank=True, related_name="fellow"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="fellowships"
    )
    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="kk")
    subjects = models.JSONField(_("subjects"), default=list)
    languages = models.JSONField(_("languages of instruction"), default=list)
    accepted_regions = models.ManyToManyField("registry.Region", blank=True, related_name="+")
    ranked_regions = models.JSONField(default=list, blank=True)
    needs_housing = models.BooleanField(_("needs housing"), default=False)
    # The fellow in the registry, created on first need: the attendance app marks people (Person),
    # so mentor visits and trainings mark the fellow there. Linked to their account's Person.
    person = models.OneToOneField(
        "registry.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="fellow"
    )
    graduated_on = models.DateField(_("graduated from the fellowship"), null=True, blank=True)
    alumni_token_hash = models.CharField(max_length=64, blank=True)
    is_demo = models.BooleanField(default=False)
    # The full name in the Kazakh alphabet's order for a plain ORDER BY (shamy.core.text); kept by save().
    sort_name = models.CharField(max_length=SORT_NAME_LENGTH, editable=False, default="")

    objects = FellowQuerySet.as_manager()

    class Meta:
        verbose_name = _("fellow")
        verbose_name_plural = _("fellows")
        ordering = ["cohort_id", "sort_name", "id"]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sort_name = kazakh_sort_name(self.full_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "full_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_name"}
        super().save(*args, **kwargs)


class PlacementQuerySet(RestrictedQuerySet["Placement"]):
    """Rules in ``fellowship/permissions.py``."""


class Placement(models.Model):
    """A fellow's two years in one school."""

    fellow = models.ForeignKey(Fellow, on_delete=models.CASCADE, related_name="placements")
    vacancy = models.OneToOneField(Vacancy, on_delete=models.SET_NULL, null=True, blank=True, related_name="placement")
    school = models.ForeignKey("registry.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school"))
    subject = models.CharField(_("subject"), max_length=20, choices=Subject.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(
        _("status"), max_length=12, choices=PlacementStatus.choices, default=PlacementStatus.ACTIVE
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leaving_reason = models.CharField(_("reason for leaving"), max_length=12, choices=LeavingReason.choices, blank=True)
    leaving_note = models.TextField(_("note"), blank=True)
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    explanation = models.TextField(_("why this match"), blank=True)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["fellow_id", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")),
                name="fellowship_placement_ends_after_start",
                violation_error_message=_("A placement ends after it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(status="left_early") | (Q(left_on__isnull=False) & ~Q(leaving_reason="")),
                name="fellowship_placement_leaving_has_reason",
                violation_error_message=_("An early leaver needs the date and the reason."),
            ),
            models.UniqueConstraint(
                fields=["fellow"], condition=Q(status="active"), name="fellowship_placement_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fellow} · {self.school}"


class CheckIn(models.Model):
    """A mid-term or end-of-year check-in, by the fellow, their mentor or the principal."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="check_ins")
    year = models.PositiveSmallIntegerField(
        _("year of the placement"), choices=[(1, _("First year")), (2, _("Second year"))]
    )
    kind = models.CharField(_("check-in"), max_length=12, choices=CheckInKind.choices)
    author_role = models.CharField(_("written by"), max_length=10, choices=CheckInAuthor.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    progress = models.PositiveSmallIntegerField(_("progress, 1 to 5"))
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["placement_id", "year", "kind", "author_role"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "year", "kind", "author_role"], name="fellowship_check_in_unique"
            ),
            models.CheckConstraint(condition=Q(progress__gte=1, progress__lte=5), name="fellowship_check_in_progress"),
        ]

    def __str__(self) -> str:
        return f"{self.placement} · {self.get_kind_display()} · {self.get_author_role_display()}"


class SupportVisit(models.Model):
    """A mentor's visit to the fellow's school. The visit itself is an in-school gathering of the
    attendance app (the mentor leads it, the fellow is expected and marked present, its length
    counts in the fellow's support hours); this row ties it to the placement and keeps the notes."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="visits")
    gathering = models.OneToOneField(
        "attendance.Gathering", on_delete=models.CASCADE, related_name="fellowship_visit", verbose_name=_("gathering")
    )
    notes = models.TextField(_("notes of the visit"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["placement_id", "gathering__starts_at", "id"]
        verbose_name = _("mentor visit")
        verbose_name_plural = _("mentor visits")

    def __str__(self) -> str:
        return f"{self.placement} · {self.gathering.starts_at:%Y-%m-%d}"


class Pupil(models.Model):
    """A child, known only by the school's own pupil number (no name, no IIN): enough to count
    each child once, however many fellows teach them."""

    school = models.ForeignKey("registry.School", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("pupil number at the school"), max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "code"], name="fellowship_pupil_unique")]

    def __str__(self) -> str:
        return f"{self.school_id} · {self.code}"


class TaughtClass(models.Model):
    """A class a fellow teaches in one school year, with its pupils."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="classes")
    school_year = models.PositiveSmallIntegerField(_("school year (first calendar year)"))
    name = models.CharField(_("class"), max_length=20, help_text=_("For example 7 Ә."))
    subject = models.CharField(_("subject"), max_length=20, choices=Subject.choices)
    pupils = models.ManyToManyField(Pupil, related_name="classes", blank=True)

    class Meta:
        ordering = ["placement_id", "school_year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "school_year", "name", "subject"], name="fellowship_class_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.get_subject_display()}"


class PlacementRuleQuerySet(RestrictedQuerySet["PlacementRule"]):
    """Rules in ``fellowship/permissions.py``."""


class PlacementRule(models.Model):
    """A coordinator's lock (this fellow takes this vacancy) or ban, honoured by every solve."""

    class Kind(models.TextChoices):
        LOCK = "lock", _("Locked")
        FORBID = "forbid", _("Banned")

    cohort = models.ForeignKey(FellowshipCohort, on_delete=models.CASCADE, related_name="placement_rules")
    fellow = models.ForeignKey(Fellow, on_delete=models.CASCADE, related_name="+")
    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlacementRuleQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cohort", "fellow", "vacancy"], name="fellowship_rule_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.fellow_id} · {self.vacancy_id}"


class AlumniPathway(models.Model):
    """Where an alumnus is now; the latest row is the current one (history kept)."""

    fellow = models.ForeignKey(Fellow, on_delete=models.CASCADE, related_name="pathways")
    pathway = models.CharField(_("pathway"), max_length=14, choices=Pathway.choices)
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    region = models.ForeignKey(
        "registry.Region", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    in_rural_school = models.BooleanField(_("in a rural school"), default=False)
    reported_on = models.DateField(_("reported on"), default=timezone.localdate)

    class Meta:
        ordering = ["fellow_id", "-reported_on", "-id"]

    def __str__(self) -> str:
        return f"{self.fellow_id} · {self.get_pathway_display()}"
