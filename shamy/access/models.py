"""Memberships: a role held by a user within a scope. The only source of every permission."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shamy.access.roles import COHORT_SCHOOL_ROLES, PROGRAMME_ONLY_ROLES, Role
from shamy.core.countries import Country


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self, on: datetime.date | None = None) -> MembershipQuerySet:
        day = on or timezone.localdate()
        return self.filter(Q(starts_on__lte=day), Q(ends_on__isnull=True) | Q(ends_on__gte=day))


class Membership(models.Model):
    """A role held by a user within a scope (the whole country, a region, a school, a programme).

    Which scope field a role needs is enforced by check constraints, so an invalid grant cannot be
    stored by any code path. The scope's models are named by label, not imported: this app sits
    below the registry and the programmes and knows them only as the tables a grant points to.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    region = models.ForeignKey(
        "registry.Region", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    school = models.ForeignKey(
        "registry.School", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("school")
    )
    # A country administrator's country (ISO code); empty for every other role.
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, blank=True, default="")
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
                condition=(~Q(role="country_admin") & Q(country=""))
                | (Q(role="country_admin") & ~Q(country="") & ~Q(country=Country.OTHER)),
                name="membership_country_only_for_country_admin",
                violation_error_message=_("A country administrator needs a country, and only they have one."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="membership_ends_after_start",
                violation_error_message=_("A membership cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(role__in=sorted(role.value for role in PROGRAMME_ONLY_ROLES)) | Q(programme__isnull=False),
                name="membership_programme_role_has_programme",
                violation_error_message=_("A programme role needs a programme."),
            ),
            models.CheckConstraint(
                condition=~Q(role__in=sorted(role.value for role in COHORT_SCHOOL_ROLES))
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
        indexes = [
            models.Index(fields=["user", "role"], name="access_membership_user_role"),
            models.Index(fields=["programme", "role"], name="access_membership_prog_role"),
        ]

    def __str__(self) -> str:
        scope = self.school or self.region or (self.get_country_display() if self.country else None)
        return f"{self.user} · {self.get_role_display()}" + (f" · {scope}" if scope else "")

    def clean(self) -> None:
        if self.cohort is not None and self.programme_id and self.cohort.programme_id != self.programme_id:
            raise ValidationError({"cohort": _("This cohort belongs to another programme.")})
