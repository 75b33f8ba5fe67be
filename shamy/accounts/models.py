from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        # E-mail addresses are not case-sensitive: "Dana@Example.kz" signs in as dana@example.kz.
        return self.get(email__iexact=(username or "").strip())

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Signs in by e-mail; roles come from memberships, never from flags.

    ``is_superuser``/``is_staff`` are for operators using Django's admin only; the product's
    permissions read :class:`Membership` rows.
    """

    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="kk")
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff (admin site)"), default=False)
    is_demo = models.BooleanField(_("demo account"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Role(models.TextChoices):
    """Every role is a membership with a scope. Programme roles are added by the programme apps."""

    SYSTEM_ADMIN = "system_admin", _("System administrator")
    MINISTRY_ANALYST = "ministry_analyst", _("Ministry analyst")
    REGIONAL_ANALYST = "regional_analyst", _("Regional education department analyst")
    SCHOOL_PRINCIPAL = "school_principal", _("School principal")
    # Programme roles: a membership with one of these always names its programme.
    COORDINATOR = "coordinator", _("Programme coordinator")
    SCHOOL_FACILITATOR = "school_facilitator", _("School facilitator")
    LINK_FACILITATOR = "link_facilitator", _("Link facilitator")
    TEACHER = "teacher", _("Teacher")
    CERTIFIER = "certifier", _("Certifier")
    OBSERVER = "observer", _("Observer or donor")


# Roles that only exist inside a programme (the principal is also a foundation role).
PROGRAMME_ROLES = (
    Role.COORDINATOR,
    Role.SCHOOL_FACILITATOR,
    Role.LINK_FACILITATOR,
    Role.TEACHER,
    Role.CERTIFIER,
    Role.OBSERVER,
)
# Programme roles tied to one school of one cohort.
SCHOOL_PROGRAMME_ROLES = (Role.SCHOOL_FACILITATOR, Role.TEACHER)


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self, on: datetime.date | None = None) -> MembershipQuerySet:
        day = on or timezone.localdate()
        return self.filter(Q(starts_on__lte=day), Q(ends_on__isnull=True) | Q(ends_on__gte=day))


class Membership(models.Model):
    """A role held by a user within a scope (the whole country, a region or a school).

    Which scope field a role needs is enforced by check constraints, so an invalid grant
    cannot be stored by any code path.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    region = models.ForeignKey(
        "registry.Region", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    school = models.ForeignKey(
        "registry.School", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("school")
    )
    # Programme roles (and a principal taking part in a programme) carry their programme and,
    # for school roles, the cohort their school is in.
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("programme"),
    )
    cohort = models.ForeignKey(
        "programmes.Cohort",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("cohort"),
    )
    starts_on = models.DateField(_("starts on"), default=timezone.localdate)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="regional_analyst") | Q(region__isnull=False),
                name="membership_regional_analyst_has_region",
                violation_error_message=_("A regional analyst needs a region."),
            ),
            models.CheckConstraint(
                condition=~Q(role="school_principal") | Q(school__isnull=False),
                name="membership_principal_has_school",
                violation_error_message=_("A school principal needs a school."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="membership_ends_after_start",
                violation_error_message=_("A membership cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(role__in=[role.value for role in PROGRAMME_ROLES]) | Q(programme__isnull=False),
                name="membership_programme_role_has_programme",
                violation_error_message=_("A programme role needs a programme."),
            ),
            models.CheckConstraint(
                condition=~Q(role__in=[role.value for role in SCHOOL_PROGRAMME_ROLES])
                | (Q(school__isnull=False) & Q(cohort__isnull=False)),
                name="membership_school_programme_role_has_school",
                violation_error_message=_("A school facilitator or teacher needs a school and a cohort."),
            ),
            models.CheckConstraint(
                condition=Q(cohort__isnull=True) | Q(programme__isnull=False),
                name="membership_cohort_has_programme",
                violation_error_message=_("A cohort is only given with its programme."),
            ),
        ]
        indexes = [models.Index(fields=["user", "role"]), models.Index(fields=["programme", "role"])]

    def __str__(self) -> str:
        scope = self.school or self.region
        return f"{self.user} · {self.get_role_display()}" + (f" · {scope}" if scope else "")

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.cohort is not None and self.programme_id and self.cohort.programme_id != self.programme_id:
            raise ValidationError({"cohort": _("This cohort belongs to another programme.")})


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only a SHA-256 hash is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(pgettext_lazy("of a thing", "name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
