from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shamy.analytics.sources import source_text
from shamy.core.rules import RestrictedQuerySet
from shamy.core.translated import localized
from shamy.registry.models import District, Region, School


class Unit(models.TextChoices):
    COUNT = "count", _("number")
    PERCENT = "percent", _("per cent")
    RATIO = "ratio", _("ratio")
    SCORE = "score", _("score")
    HOURS = "hours", _("hours")


class Direction(models.TextChoices):
    HIGHER_BETTER = "higher_better", _("Higher is better")
    HIGHER_WORSE = "higher_worse", _("Higher is worse")


class SourceKind(models.TextChoices):
    COMPUTED = "computed", _("Computed from the registry")
    IMPORTED = "imported", _("Imported from a file")


class Indicator(models.Model):
    """One measure, defined once. Computed indicators are seeded by a data migration and
    evaluated by :mod:`shamy.analytics.indicators`; imported ones hold :class:`IndicatorValue` rows."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.JSONField(
        pgettext_lazy("of a thing", "name"), default=dict, help_text=_('{"kk": ..., "ru": ..., "en": ...}')
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    direction = models.CharField(_("direction"), max_length=15, choices=Direction.choices)
    source_kind = models.CharField(_("how it is obtained"), max_length=10, choices=SourceKind.choices)
    definition = models.JSONField(_("definition"), default=dict)
    source = models.CharField(_("source"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(pgettext_lazy("order in a list", "position"), default=100)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localized(self.name) or self.code

    @property
    def definition_text(self) -> str:
        return localized(self.definition)

    @property
    def source_text(self) -> str:
        return source_text(self.source)


class Level(models.TextChoices):
    REGION = "region", _("Region")
    DISTRICT = "district", _("District")
    SCHOOL = "school", _("School")


class LocalityPart(models.TextChoices):
    ALL = "all", _("All schools")
    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")


class IndicatorValue(models.Model):
    """An imported outcome value (exam results, scores, attendance) for a place and a year.

    ``region`` is always set (denormalised from the district or school) so regional panels
    aggregate every level in one query; ``weight`` is the number of people the value was
    computed from, used to weight aggregation and to suppress small cells.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField(_("school year"), validators=[MinValueValidator(1990)])
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("region"))
    district = models.ForeignKey(
        District, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("district")
    )
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("school")
    )
    locality = models.CharField(_("locality"), max_length=5, choices=LocalityPart.choices, default=LocalityPart.ALL)
    value = models.FloatField(_("value"))
    people = models.PositiveIntegerField(_("people counted"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        indexes = [models.Index(fields=["indicator", "year", "region"])]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "locality", "region"],
                condition=Q(level="region"),
                name="indicator_value_unique_region",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "locality", "district"],
                condition=Q(level="district"),
                name="indicator_value_unique_district",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "school"],
                condition=Q(level="school"),
                name="indicator_value_unique_school",
            ),
            models.CheckConstraint(
                condition=(Q(level="region") & Q(district__isnull=True) & Q(school__isnull=True))
                | (Q(level="district") & Q(district__isnull=False) & Q(school__isnull=True))
                | (Q(level="school") & Q(school__isnull=False)),
                name="indicator_value_level_matches_place",
                violation_error_message=_("The place does not match the level."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year} {self.level}"


def new_share_token() -> str:
    return secrets.token_urlsafe(18)


class ScenarioQuerySet(RestrictedQuerySet["Scenario"]):
    """Rules in ``analytics/permissions.py``."""


class Scenario(models.Model):
    """Saved weights for the "where to expand next" need score, shareable by link."""

    name = models.CharField(pgettext_lazy("of a thing", "name"), max_length=200)
    weights = models.JSONField(_("weights"), default=dict)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("owner")
    )
    share_token = models.CharField(max_length=40, unique=True, default=new_share_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScenarioQuerySet.as_manager()

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class TargetMetric(models.TextChoices):
    HIGH_SPEED_INTERNET = "high_speed_internet", _("Schools connected to high-speed internet since the start")
    FUTURE_SCHOOLS_BUILT = "future_schools_built", _("Future Schools built")
    RURAL_MODERNISED = "rural_modernised", _("Rural schools modernised since the start")


class Target(models.Model):
    """A national target with a deadline, e.g. high-speed internet for 2,000 more schools by 2026."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.JSONField(pgettext_lazy("of a thing", "name"), default=dict)
    metric = models.CharField(_("what is counted"), max_length=30, choices=TargetMetric.choices)
    goal = models.PositiveIntegerField(_("goal"))
    starts_on = models.DateField(_("counted from"))
    deadline = models.DateField(_("deadline"))
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["deadline", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gt=models.F("starts_on")),
                name="target_deadline_after_start",
                violation_error_message=_("The deadline must be after the start."),
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localized(self.name) or self.code

    @property
    def source_text(self) -> str:
        return source_text(self.source)


class AnalyticsSettings(models.Model):
    """One row: switches a system administrator controls. Changed only through a service (audited)."""

    public_enabled = models.BooleanField(_("public national aggregates"), default=False)
    suppression_threshold = models.PositiveSmallIntegerField(
        _("smallest number of people shown"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("A figure computed from fewer people than this is suppressed."),
    )
    registry_year = models.PositiveSmallIntegerField(
        _("reference year of the registry"),
        default=2022,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_(
            "The school year the registry's schools, pupils and teachers describe (2022 means 2022/23). "
            "Registry figures are shown only under this year; other years show the official series or no data."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("analytics settings")
        verbose_name_plural = _("analytics settings")

    def __str__(self) -> str:
        return str(_("Analytics settings"))

    @classmethod
    def current(cls) -> AnalyticsSettings:
        row = cls.objects.order_by("pk").first()
        return row if row is not None else cls(pk=1)

    def as_dict(self) -> dict[str, Any]:
        return {
            "public_enabled": self.public_enabled,
            "suppression_threshold": self.suppression_threshold,
            "registry_year": self.registry_year,
        }


class TeacherTallyState(models.Model):
    """Whether one region's teacher counts (:class:`TeacherTally`) are current, and for which day.

    Kept by ``shamy.analytics.tally``: every write that can change a count marks its regions not
    current in the write's own transaction, and recounts them once it commits. A region that is
    not current (or counted for another day) is read live, so the figures never depend on it.
    """

    region = models.OneToOneField(
        "registry.Region", on_delete=models.CASCADE, primary_key=True, related_name="+", verbose_name=_("region")
    )
    counted_on = models.DateField(_("counted on"))
    current = models.BooleanField(_("current"), default=False)

    class Meta:
        verbose_name = _("teacher count state")
        verbose_name_plural = _("teacher count states")

    def __str__(self) -> str:
        return f"{self.region_id} {self.counted_on} {'current' if self.current else 'stale'}"


class TeacherTally(models.Model):
    """Distinct teachers employed on ``state.counted_on`` in one group of the analytics panels:
    a region's (``level`` region) or one of its districts' (``level`` district; no district: the
    region's schools without one) schools of one locality, by qualification category. The same
    ``COUNT(DISTINCT person)`` the panels would run over every employment, stored."""

    state = models.ForeignKey(TeacherTallyState, on_delete=models.CASCADE, related_name="rows")
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    district = models.ForeignKey("registry.District", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    locality = models.CharField(_("locality"), max_length=10)
    qualification = models.CharField(_("qualification category"), max_length=12)
    teachers = models.PositiveIntegerField(_("teachers"))

    class Meta:
        verbose_name = _("teacher count")
        verbose_name_plural = _("teacher counts")
        indexes = [models.Index(fields=["state", "level"])]

    def __str__(self) -> str:
        return f"{self.state_id} {self.level} {self.district_id} {self.locality} {self.qualification}: {self.teachers}"


class SchoolTally(models.Model):
    """The registry snapshot's school sums of one group of the analytics panels, stored beside the
    teacher counts of its region (same state, same recount): the schools of one district of the
    region (no district: the region's schools without one) and one locality. The region's sums are
    those of its districts. ``modernised`` counts the schools modernised in the five school years
    up to the registry year the state was counted for. Programme reach is not stored (it depends
    on the school year and the programme): the panels count it live."""

    state = models.ForeignKey(TeacherTallyState, on_delete=models.CASCADE, related_name="school_rows")
    district = models.ForeignKey("registry.District", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    locality = models.CharField(_("locality"), max_length=10)
    schools = models.PositiveIntegerField(_("schools"))
    pupils = models.PositiveBigIntegerField(_("pupils"))
    teachers = models.PositiveBigIntegerField(_("teachers"))
    small = models.PositiveIntegerField(_("small-class schools"))
    high_speed = models.PositiveIntegerField(_("schools with high-speed internet"))
    modernised = models.PositiveIntegerField(_("schools modernised in the last five years"))
    future_planned = models.PositiveIntegerField(_("Future Schools planned"))
    future_built = models.PositiveIntegerField(_("Future Schools built"))

    class Meta:
        verbose_name = _("school sums")
        verbose_name_plural = _("school sums")

    def __str__(self) -> str:
        return f"{self.state_id} {self.district_id} {self.locality}: {self.schools}"
