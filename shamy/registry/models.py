from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Collate
from django.utils.translation import gettext_lazy as _

from shamy.core.countries import Country
from shamy.core.rules import RestrictedQuerySet
from shamy.core.text import SORT_NAME_LENGTH, kazakh_sort_name
from shamy.core.translated import localized
from shamy.registry.validators import validate_bin, validate_iin


class Locality(models.TextChoices):
    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")


class InstructionLanguage(models.TextChoices):
    KAZAKH = "kk", _("Kazakh")
    RUSSIAN = "ru", _("Russian")
    BOTH = "kk_ru", _("Kazakh and Russian")
    OTHER = "other", _("Other language")


class Internet(models.TextChoices):
    NONE = "none", _("No internet")
    BASIC = "basic", _("Basic")
    HIGH_SPEED = "high_speed", _("High-speed")


class Ownership(models.TextChoices):
    STATE = "state", _("State")
    PRIVATE = "private", _("Private")
    OPERATOR = "operator", _("Run by an operator")


class FutureSchool(models.TextChoices):
    NONE = "none", _("Not in the programme")
    PLANNED = "planned", _("Planned")
    UNDER_CONSTRUCTION = "under_construction", _("Under construction")
    BUILT = "built", _("Built")


class QualificationCategory(models.TextChoices):
    NONE = "none", _("No category")
    TEACHER = "teacher", _("Teacher (pedagogue)")
    MODERATOR = "moderator", _("Teacher-moderator")
    EXPERT = "expert", _("Teacher-expert")
    RESEARCHER = "researcher", _("Teacher-researcher")
    MASTER = "master", _("Teacher-master")


class Position(models.TextChoices):
    TEACHER = "teacher", _("Teacher")
    PRINCIPAL = "principal", _("Principal")
    OTHER = "other", _("Other staff")


class OrganisationKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    REGIONAL_DEPARTMENT = "regional_department", _("Regional education department")
    NGO = "ngo", _("NGO")
    UNIVERSITY = "university", _("University")
    SCHOOL_OPERATOR = "school_operator", _("School operator")
    INTERNATIONAL = "international", _("International organisation")


# Subjects taught, a fixed vocabulary so filters and analytics can group by them.
SUBJECTS: dict[str, object] = {
    "kazakh": _("Kazakh language and literature"),
    "russian": _("Russian language and literature"),
    "english": _("English"),
    "mathematics": _("Mathematics"),
    "physics": _("Physics"),
    "chemistry": _("Chemistry"),
    "biology": _("Biology"),
    "geography": _("Geography"),
    "history": _("History of Kazakhstan"),
    "informatics": _("Informatics"),
    "primary": _("Primary classes"),
    "physical_education": _("Physical education"),
    "arts": _("Art and music"),
    "technology": _("Technology"),
    "self_knowledge": _("Self-knowledge"),
}
PERSON_LANGUAGES: dict[str, object] = {"kk": _("Kazakh"), "ru": _("Russian"), "en": _("English"), "other": _("Other")}


class Named:
    """Mixin for models with ``name_kk``/``name_ru`` (and optionally ``name_en``) columns."""

    name_kk: str
    name_ru: str

    @property
    def name(self) -> str:
        return localized({"kk": self.name_kk, "ru": self.name_ru, "en": getattr(self, "name_en", "")})

    def __str__(self) -> str:
        return self.name


class ScopedQuerySet(RestrictedQuerySet):  # type: ignore[type-arg]
    """Registry rows narrowed by the actor's registry scope (rules in ``registry/permissions.py``).

    ``region_path`` and ``school_path`` say how a row reaches its region and school; the "view"
    rule of each registry model reads them.
    """

    region_path = "region_id"
    school_path: str | None = None

    def in_country(self, country: str) -> Self:
        """Rows of one country's registry: their region's country, read as a subquery of the
        regions table (no join). What a programme's pick-lists offer (issue 17: a programme works
        in its own country only); who may read the rows at all is still the rules' matter."""
        if self.model is Region:
            return self.filter(country=country)
        rows = Q(**{f"{self.region_path}__in": Region.objects.filter(country=country).values("pk")})
        if "__" in self.region_path:  # through a to-many relation (a person's employments): no repeats
            return self.filter(pk__in=self.model._default_manager.filter(rows).values("pk"))
        return self.filter(rows)


class RegionQuerySet(ScopedQuerySet):
    region_path = "id"
    school_path = "schools__id"
    distinct_on_restrict = True


class Region(Named, models.Model):
    """A first-level unit: a region (oblys) or a city of republican significance."""

    class Kind(models.TextChoices):
        REGION = "region", _("Region")
        CITY = "city", _("City of republican significance")

    country = models.CharField(_("country"), max_length=2, choices=Country.choices, default=Country.KAZAKHSTAN)
    kato = models.CharField(_("KATO code"), max_length=2)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REGION)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["kato"]
        constraints = [models.UniqueConstraint(fields=["country", "kato"], name="region_unique_kato")]


class DistrictQuerySet(ScopedQuerySet):
    region_path = "region_id"
    school_path = "schools__id"
    distinct_on_restrict = True


class District(Named, models.Model):
    """A district (audan) or a city of regional significance within a region."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="districts", verbose_name=_("region"))
    kato = models.CharField(_("KATO code"), max_length=9, unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    is_city = models.BooleanField(_("city of regional significance"), default=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["kato"]


class OrganisationQuerySet(RestrictedQuerySet["Organisation"]):
    pass


class Organisation(Named, models.Model):
    """A partner: ministry, regional department, NGO, university, school operator, international body."""

    kind = models.CharField(_("type"), max_length=30, choices=OrganisationKind.choices)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, default=Country.KAZAKHSTAN)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="organisations", verbose_name=_("region")
    )
    bin = models.CharField(_("BIN"), max_length=12, null=True, blank=True, unique=True, validators=[validate_bin])
    website = models.URLField(_("website"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_ru"]


class SchoolQuerySet(ScopedQuerySet):
    region_path = "region_id"
    school_path = "id"


class School(Named, models.Model):
    external_id = models.CharField(_("external ID"), max_length=64, null=True, blank=True, unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    bin = models.CharField(_("BIN"), max_length=12, null=True, blank=True, unique=True, validators=[validate_bin])
    kato = models.CharField(_("KATO code"), max_length=9, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="schools", verbose_name=_("region"))
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="schools", verbose_name=_("district")
    )
    locality = models.CharField(_("locality"), max_length=10, choices=Locality.choices)
    is_small_class = models.BooleanField(_("small-class school"), default=False)
    language = models.CharField(
        _("language of instruction"),
        max_length=10,
        choices=InstructionLanguage.choices,
        default=InstructionLanguage.KAZAKH,
    )
    grade_from = models.PositiveSmallIntegerField(
        _("first grade"), default=1, validators=[MinValueValidator(0), MaxValueValidator(12)]
    )
    grade_to = models.PositiveSmallIntegerField(
        _("last grade"), default=11, validators=[MinValueValidator(0), MaxValueValidator(12)]
    )
    pupils = models.PositiveIntegerField(_("pupils"), default=0)
    teachers = models.PositiveIntegerField(_("teachers"), default=0)
    internet = models.CharField(_("internet"), max_length=12, choices=Internet.choices, default=Internet.NONE)
    internet_connected_on = models.DateField(_("internet connected on"), null=True, blank=True)
    modernised_year = models.PositiveSmallIntegerField(
        _("year last modernised"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    ownership = models.CharField(_("ownership"), max_length=10, choices=Ownership.choices, default=Ownership.STATE)
    operator = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="operated_schools",
        verbose_name=_("operator"),
    )
    handover_on = models.DateField(_("handover to the state"), null=True, blank=True)
    future_school = models.CharField(
        _("Future School status"), max_length=20, choices=FutureSchool.choices, default=FutureSchool.NONE
    )
    future_school_planned_year = models.PositiveSmallIntegerField(_("Future School planned for"), null=True, blank=True)
    future_school_built_year = models.PositiveSmallIntegerField(_("Future School built in"), null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    search_text = models.TextField(editable=False, default="")
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["region_id", "name_ru", "id"]
        indexes = [
            models.Index(fields=["region", "locality"]),
            models.Index(fields=["district"]),
            models.Index(fields=["name_ru"]),
            # The school list's default order (Kazakh alphabetical, then id): with this index the first
            # page is an index scan, not a sort of every school (119 ms -> 1 ms on PostgreSQL, national demo).
            models.Index(Collate("name_kk", "shamy_kk"), "id", name="registry_school_name_kk_kazakh"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade_from__lte=models.F("grade_to")),
                name="school_grades_ordered",
                violation_error_message=_("The first grade must not be after the last grade."),
            ),
            models.CheckConstraint(
                condition=~Q(ownership="operator") | Q(operator__isnull=False),
                name="school_operator_named",
                violation_error_message=_("A school run by an operator needs the operator."),
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__gte=40) & Q(latitude__lte=56) & Q(longitude__gte=46) & Q(longitude__lte=88)),
                name="school_coordinates_in_kazakhstan",
                violation_error_message=_("Coordinates must both be given and lie within Kazakhstan."),
            ),
        ]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.district is not None and self.region_id and self.district.region_id != self.region_id:
            raise ValidationError({"district": _("This district is not in the chosen region.")})
        if self.future_school == FutureSchool.BUILT and not self.future_school_built_year:
            raise ValidationError({"future_school_built_year": _("Give the year the Future School was built.")})


class PersonQuerySet(ScopedQuerySet):
    region_path = "employments__school__region_id"
    school_path = "employments__school_id"
    distinct_on_restrict = True

    def bulk_create(self, objs, *args, **kwargs):  # type: ignore[no-untyped-def,override]
        # Bulk inserts skip save(): the stored sort key is filled here instead.
        objs = list(objs)
        for person in objs:
            person.sort_name = person.sort_name_from_names()
        return super().bulk_create(objs, *args, **kwargs)


class SchoolCount(models.Model):
    """How many schools one region has, counted ahead: the school list's total for a whole
    country or region without counting every school (``shamy.registry.school_counts``).

    Every write that can change it marks it not current in the write's own transaction, and it
    is counted again once that transaction commits; a region that is not current is read live.
    """

    region = models.OneToOneField(
        Region, on_delete=models.CASCADE, primary_key=True, related_name="school_count", verbose_name=_("region")
    )
    schools = models.PositiveIntegerField(_("schools"), default=0)
    current = models.BooleanField(_("current"), default=False)

    class Meta:
        verbose_name = _("school count")
        verbose_name_plural = _("school counts")

    def __str__(self) -> str:
        return f"{self.region_id}: {self.schools} {'current' if self.current else 'stale'}"


class Person(models.Model):
    """Someone who works in schools or for a partner. Names are never translated."""

    external_id = models.CharField(_("external ID"), max_length=64, null=True, blank=True, unique=True)
    surname = models.CharField(_("surname"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    iin = models.CharField(_("IIN"), max_length=12, null=True, blank=True, unique=True, validators=[validate_iin])
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    subjects = models.JSONField(_("subjects"), default=list, blank=True)
    qualification = models.CharField(
        _("qualification category"),
        max_length=12,
        choices=QualificationCategory.choices,
        default=QualificationCategory.NONE,
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("account"),
    )
    search_text = models.TextField(editable=False, default="")
    # Surname then given name in the Kazakh alphabet's order, spelt so that a plain ORDER BY
    # follows it on both databases (shamy.core.text.kazakh_sort_name); kept by save() and
    # bulk_create().
    sort_name = models.CharField(max_length=SORT_NAME_LENGTH, editable=False, default="")
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["sort_name", "id"]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sort_name = self.sort_name_from_names()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"surname", "given_name"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "sort_name"}
        super().save(*args, **kwargs)

    def sort_name_from_names(self) -> str:
        return kazakh_sort_name(self.surname, self.given_name)

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.surname, self.given_name, self.patronymic) if part)


class Employment(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="employments", verbose_name=_("person"))
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="employments", verbose_name=_("school"))
    position = models.CharField(_("position"), max_length=12, choices=Position.choices, default=Position.TEACHER)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("employment")
        verbose_name_plural = _("employments")
        ordering = ["-starts_on"]
        indexes = [models.Index(fields=["school", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="employment_ends_after_start",
                violation_error_message=_("An employment cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_position_display()} · {self.school}"
