"""Gatherings of a programme (workshops, in-school sessions, network events, webinars,
conferences), who is expected at them, who came, their materials and the presentations
teachers give at network events with colleagues' feedback.

The people expected at a gathering are its :class:`Attendance` rows; marking attendance
fills the row's ``status``.
"""

from __future__ import annotations

import datetime
from functools import cache

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from shamy.core.rules import RestrictedQuerySet
from shamy.core.translated import localized


class GatheringKind(models.TextChoices):
    INDUCTION = "induction", _("Induction workshop")
    IN_SCHOOL = "in_school", _("In-school session")
    NETWORK = "network", _("Regional network event")
    WEBINAR = "webinar", _("Webinar")
    CONFERENCE = "conference", _("Final conference")


# Earlier wordings of a kind's name that titles may still hold (the Russian "In-school session").
_FORMER_KIND_NAMES = {"in_school": ("Школьная сессия",)}


@cache
def _kind_names(kind: str) -> frozenset[str]:
    """The kind's name in every language of the site, case-folded."""
    label = GatheringKind(kind).label
    names = set(_FORMER_KIND_NAMES.get(kind, ()))
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(str(label))
    return frozenset(name.strip().casefold() for name in names)


def title_for_display(title: str, kind: str) -> str:
    """A title that only names the gathering's kind ("Мектептегі сессия", the default of the
    series form and the demo) reads in the page's language; any other title stays as written."""
    if kind in GatheringKind.values and title.strip().casefold() in _kind_names(kind):
        return str(GatheringKind(kind).label)
    return title


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


# Present and late count the gathering's whole duration towards participation hours.
ATTENDED = (AttendanceStatus.PRESENT.value, AttendanceStatus.LATE.value)


class GatheringSeries(models.Model):
    """A regular series of in-school sessions (e.g. every second Wednesday until May)."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="+", verbose_name=_("programme")
    )
    cohort = models.ForeignKey(
        "programmes.Cohort", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("cohort")
    )
    school = models.ForeignKey("registry.School", on_delete=models.CASCADE, related_name="+", verbose_name=_("school"))
    title = models.CharField(_("title"), max_length=200)
    first_on = models.DateField(_("first session"))
    until = models.DateField(_("until"))
    interval_weeks = models.PositiveSmallIntegerField(_("every how many weeks"), default=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("series of sessions")
        verbose_name_plural = _("series of sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(until__gte=models.F("first_on")),
                name="series_until_after_first",
                violation_error_message=_("The series cannot end before its first session."),
            ),
            models.CheckConstraint(
                condition=Q(interval_weeks__gte=1) & Q(interval_weeks__lte=8),
                name="series_interval_range",
                violation_error_message=_("Sessions repeat every 1 to 8 weeks."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return title_for_display(self.title, GatheringKind.IN_SCHOOL)


class GatheringQuerySet(RestrictedQuerySet["Gathering"]):
    """Rules in ``attendance/permissions.py``."""


class Gathering(models.Model):
    """A workshop, session, network event, webinar or conference at a time and place."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="gatherings", verbose_name=_("programme")
    )
    cohort = models.ForeignKey(
        "programmes.Cohort",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="gatherings",
        verbose_name=_("cohort"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=GatheringKind.choices)
    title = models.CharField(_("title"), max_length=200)
    # The title in kk/ru/en when it comes from translated content (an operator's training topic):
    # shown in the reader's language (display_title); ``title`` keeps one language for search and
    # calendars.
    title_translations = models.JSONField(_("title in each language"), default=dict, blank=True)
    school = models.ForeignKey(
        "registry.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gatherings",
        verbose_name=_("school"),
    )
    region = models.ForeignKey(
        "registry.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gatherings",
        verbose_name=_("region"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    recording_url = models.URLField(_("recording link"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    series = models.ForeignKey(
        GatheringSeries,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="gatherings",
        verbose_name=_("series"),
    )
    leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="led_gatherings", blank=True, verbose_name=_("led by")
    )
    expected = models.ManyToManyField(
        "registry.Person", through="Attendance", related_name="gatherings", verbose_name=_("expected people")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    # A cancelled gathering stays on record (and in calendars, as cancelled) but counts for nothing.
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    # The iCalendar SEQUENCE (RFC 5545 3.8.7.4): raised by one on every recorded change of the
    # gathering (edit, reschedule, cancel, restore), so calendar apps replace their copy.
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GatheringQuerySet.as_manager()

    class Meta:
        verbose_name = _("gathering")
        verbose_name_plural = _("gatherings")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["programme", "starts_at"]),
            models.Index(fields=["school", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="gathering_ends_after_start",
                violation_error_message=_("A gathering must end after it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="in_school") | Q(school__isnull=False),
                name="gathering_in_school_has_school",
                violation_error_message=_("An in-school session needs its school."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="network") | Q(region__isnull=False),
                name="gathering_network_has_region",
                violation_error_message=_("A network event needs its region."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="webinar") | ~Q(online_url=""),
                name="gathering_webinar_has_link",
                violation_error_message=_("A webinar needs its online link."),
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=False) | Q(cancel_reason=""),
                name="gathering_reason_only_when_cancelled",
                violation_error_message=_("Only a cancelled gathering has a reason for cancelling."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        """The title in the page's language: from ``title_translations`` when the title comes from
        translated content, else the kind's name when it only names the kind (title_for_display)."""
        return localized(self.title_translations) or title_for_display(self.title, self.kind)

    @property
    def duration_hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def marking_opens_at(self) -> datetime.datetime:
        """When attendance may first be marked: the programme's number of minutes before the
        start (reads ``programme``: select it with the gathering)."""
        return self.starts_at - datetime.timedelta(minutes=self.programme.marking_opens_minutes)

    @property
    def marking_is_open(self) -> bool:
        return timezone.now() >= self.marking_opens_at


class AttendanceQuerySet(RestrictedQuerySet["Attendance"]):
    """Rules in ``attendance/permissions.py``: the rows of visible gatherings."""


class Attendance(models.Model):
    """One expected person at a gathering; ``status`` is empty until the lead marks it.

    ``school`` is the school the person takes part for (copied when they are added), so rates
    by school and region are one grouped query.
    """

    gathering = models.ForeignKey(
        Gathering, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("gathering")
    )
    person = models.ForeignKey(
        "registry.Person", on_delete=models.CASCADE, related_name="attendances", verbose_name=_("person")
    )
    school = models.ForeignKey(
        "registry.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("school"),
    )
    status = models.CharField(_("status"), max_length=10, choices=AttendanceStatus.choices, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    marked_at = models.DateTimeField(_("marked at"), null=True, blank=True)
    # The conflict rule of offline capture: of two marks of one row, the one made later on its
    # device stands (ties: the greater idempotency key). A mark made online counts at the server's
    # time and has no key. Kept when a mark is cleared, so an older mark cannot come back.
    marked_on_device_at = models.DateTimeField(_("marked on the device at"), null=True, blank=True)
    mark_key = models.UUIDField(_("idempotency key of the mark"), null=True, blank=True)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["gathering_id", "person__sort_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["gathering", "person"], name="attendance_unique_person"),
        ]
        indexes = [models.Index(fields=["person", "status"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.gathering}"


def material_path(instance: Material, filename: str) -> str:
    return f"gatherings/{instance.gathering_id}/{filename}"


class MaterialQuerySet(RestrictedQuerySet["Material"]):
    """Rules in ``attendance/permissions.py``: the rows of visible gatherings."""


class Material(models.Model):
    gathering = models.ForeignKey(
        Gathering, on_delete=models.CASCADE, related_name="materials", verbose_name=_("gathering")
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=material_path, max_length=300)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = MaterialQuerySet.as_manager()

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title


class PresentationQuerySet(RestrictedQuerySet["Presentation"]):
    """Rules in ``attendance/permissions.py``: the rows of visible gatherings."""


class Presentation(models.Model):
    """A teacher presenting their progress at a network event (or the final conference)."""

    gathering = models.ForeignKey(
        Gathering, on_delete=models.CASCADE, related_name="presentations", verbose_name=_("gathering")
    )
    presenter = models.ForeignKey(
        "registry.Person", on_delete=models.CASCADE, related_name="presentations", verbose_name=_("presenter")
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PresentationQuerySet.as_manager()

    class Meta:
        verbose_name = _("presentation")
        verbose_name_plural = _("presentations")
        ordering = ["gathering_id", "created_at", "id"]

    def __str__(self) -> str:
        return self.title


class Feedback(models.Model):
    """A colleague's feedback on a presentation, visible to the event's participants."""

    presentation = models.ForeignKey(
        Presentation, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("presentation")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("author")
    )
    text = models.TextField(_("feedback"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]
