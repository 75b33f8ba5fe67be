"""Teacher-leadership programmes: the programme, its methodology, partners, cohorts and schools.

People take part through :class:`shamy.access.models.Membership` rows that carry a
``programme`` (and for school roles a ``cohort`` and ``school``); see
:mod:`shamy.access.context` and ``permissions.py`` for who may see what.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shamy.access.roles import Role
from shamy.core.rules import RestrictedQuerySet
from shamy.core.translated import localized
from shamy.registry.models import Country, Named


class ProgrammeStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    FINISHED = "finished", _("Finished")


class PartnerPart(models.TextChoices):
    ORGANISER = "organiser", _("Organiser or funder")
    METHODOLOGY = "methodology", _("Methodology partner")
    FACILITATION = "facilitation", _("Facilitation partner (link facilitators)")
    CERTIFICATION = "certification", _("Certifying university")


class ProgrammeQuerySet(RestrictedQuerySet["Programme"]):
    """Rules in ``programmes/permissions.py``."""


# Attendance marking opens this many minutes before a gathering starts, unless the programme says.
DEFAULT_MARKING_OPENS_MINUTES = 60


class Programme(Named, models.Model):
    """A teacher-leadership programme run by partners in a set of schools."""

    name_kk = models.CharField(_("name (Kazakh)"), max_length=300)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    description_kk = models.TextField(_("description (Kazakh)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, default=Country.KAZAKHSTAN)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(
        _("status"), max_length=10, choices=ProgrammeStatus.choices, default=ProgrammeStatus.ACTIVE
    )
    # Attendance at a gathering can be marked from this many minutes before it starts (a
    # session on the 16th cannot be marked on the 5th by a wrong tap).
    marking_opens_minutes = models.PositiveSmallIntegerField(
        _("attendance marking opens (minutes before the start)"),
        default=DEFAULT_MARKING_OPENS_MINUTES,
        validators=[MaxValueValidator(24 * 60)],
        help_text=_("Marks before that time are refused. At most 1440 minutes (one day)."),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="programme_ends_after_start",
                violation_error_message=_("A programme cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def description(self) -> str:
        return localized({"kk": self.description_kk, "ru": self.description_ru, "en": self.description_en})

    @property
    def is_active(self) -> bool:
        return self.status == ProgrammeStatus.ACTIVE


class MethodologyStageQuerySet(RestrictedQuerySet["MethodologyStage"]):
    """Rules in ``programmes/permissions.py``."""


class MethodologyStage(models.Model):
    """One stage of the programme's methodology, e.g. "identifying a concern".

    ``code`` is stable (development projects refer to it); title and guidance are edited by
    the coordinator in three languages.
    """

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="stages", verbose_name=_("programme")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.SlugField(_("code"), max_length=40)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=200)
    title_ru = models.CharField(_("title (Russian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    guidance_kk = models.TextField(_("guidance (Kazakh)"), blank=True)
    guidance_ru = models.TextField(_("guidance (Russian)"), blank=True)
    guidance_en = models.TextField(_("guidance (English)"), blank=True)

    objects = MethodologyStageQuerySet.as_manager()

    class Meta:
        verbose_name = _("methodology stage")
        verbose_name_plural = _("methodology stages")
        ordering = ["programme_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="stage_code_unique_in_programme"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localized({"kk": self.title_kk, "ru": self.title_ru, "en": self.title_en})

    @property
    def guidance(self) -> str:
        return localized({"kk": self.guidance_kk, "ru": self.guidance_ru, "en": self.guidance_en})


class ProgrammePartner(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="partners", verbose_name=_("programme")
    )
    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    part = models.CharField(_("part"), max_length=20, choices=PartnerPart.choices)

    class Meta:
        verbose_name = _("programme partner")
        verbose_name_plural = _("programme partners")
        ordering = ["programme_id", "part", "id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "organisation", "part"], name="partner_unique_part"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_part_display()}"


class CohortQuerySet(RestrictedQuerySet["Cohort"]):
    """Rules in ``programmes/permissions.py``."""


class Cohort(Named, models.Model):
    """A phase of a programme (a pilot year, then the next) that schools join."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="cohorts", verbose_name=_("programme")
    )
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    facilitators_per_school = models.PositiveSmallIntegerField(_("school facilitators per school"), default=2)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CohortQuerySet.as_manager()

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["programme_id", "starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="cohort_ends_after_start",
                violation_error_message=_("A cohort cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(facilitators_per_school__gte=1),
                name="cohort_at_least_one_facilitator",
                violation_error_message=_("A school needs at least one facilitator."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


def check_programme_country(*, programme: Programme, place: models.Model, country: str, field: str) -> None:
    """A programme works in its own country's registry only (issue 17): a cohort's schools, a
    fellowship's partner regions, an operator's schools and an event's region are of the
    programme's country. ``place`` is the school or region, ``country`` its country. Raises
    ValidationError on ``field`` saying which country each is in."""
    if country == programme.country:
        return
    message = gettext(
        "%(place)s is in %(place_country)s, and the programme %(programme)s works in %(programme_country)s: "
        "a programme takes part only in schools and regions of its own country."
    ) % {
        "place": place,
        "place_country": Country(country).label,
        "programme": programme.name,
        "programme_country": Country(programme.country).label,
    }
    raise ValidationError({field: message})


class CohortSchoolQuerySet(RestrictedQuerySet["CohortSchool"]):
    """Rules in ``programmes/permissions.py``."""


class CohortSchool(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="schools", verbose_name=_("cohort"))
    school = models.ForeignKey(
        "registry.School", on_delete=models.PROTECT, related_name="cohort_links", verbose_name=_("school")
    )
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)

    objects = CohortSchoolQuerySet.as_manager()

    class Meta:
        verbose_name = _("school in a cohort")
        verbose_name_plural = _("schools in cohorts")
        ordering = ["cohort_id", "school_id"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "school"], name="cohort_school_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.cohort} · {self.school}"

    def clean(self) -> None:
        if self.cohort_id and self.school_id:
            programme = self.cohort.programme
            check_programme_country(
                programme=programme, place=self.school, country=self.school.region.country, field="school"
            )


class LinkAssignment(models.Model):
    """A school assigned to a link facilitator (through their link-facilitator membership)."""

    membership = models.ForeignKey(
        "access.Membership", on_delete=models.CASCADE, related_name="link_assignments", verbose_name=_("membership")
    )
    cohort_school = models.ForeignKey(
        CohortSchool, on_delete=models.CASCADE, related_name="link_assignments", verbose_name=_("school")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("link facilitator assignment")
        verbose_name_plural = _("link facilitator assignments")
        constraints = [
            models.UniqueConstraint(fields=["membership", "cohort_school"], name="link_assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.membership.user} → {self.cohort_school.school}"

    def clean(self) -> None:
        if self.membership.role != Role.LINK_FACILITATOR:
            raise ValidationError(_("Only a link facilitator can be assigned schools."))
        if self.membership.programme_id != self.cohort_school.cohort.programme_id:
            raise ValidationError(_("The school is in a cohort of another programme."))


class InvitationQuerySet(RestrictedQuerySet["Invitation"]):
    """Rules in ``programmes/permissions.py``."""


class Invitation(models.Model):
    """An e-mailed invitation to take a role. Only a SHA-256 hash of the token is stored."""

    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="kk")
    role = models.CharField(_("role"), max_length=40)
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("programme")
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations", verbose_name=_("cohort")
    )
    school = models.ForeignKey(
        "registry.School",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("school"),
    )
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["programme", "email"])]

    def __str__(self) -> str:
        return self.email

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role in Role.values else self.role

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()
