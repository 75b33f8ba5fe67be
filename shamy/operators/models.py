"""School operators (DOMAIN.md, programme 3): the operator agreement of each school and its
five-year handover to the state, Saturday training days, and the training-of-trainers cascade.

Training days reuse the programmes' gatherings: every training session is one
:class:`shamy.attendance.models.Gathering` (an in-school session at its venue), so sign-ups are
its :class:`~shamy.attendance.models.Attendance` rows, attendance is taken on the attendance
app's phone page and hours add up where every other gathering's do. The operator's programme is a
:class:`shamy.programmes.models.Programme`; its coordinators run the training and the handover.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shamy.core.rules import RestrictedQuerySet
from shamy.core.translated import localized
from shamy.operators.recurrence import RuleError, parse_rule
from shamy.programmes.models import check_programme_country

# The agreement's default term: the operator runs the school for five years, then hands it over.
DEFAULT_TERM_YEARS = 5


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def validate_rule(rule: str) -> None:
    """The recurrence rule must parse and be one this app can plan (``recurrence.parse_rule``)."""
    try:
        parse_rule(rule, datetime.date(2025, 9, 6))
    except RuleError as error:
        raise ValidationError(str(error)) from error


# --- Operator schools and the handover -----------------------------------------------------------


class AgreementQuerySet(RestrictedQuerySet["OperatorAgreement"]):
    """Rules: ``operators.OperatorAgreement`` "view" in ``permissions.py``."""


class OperatorAgreement(models.Model):
    """A school an operator runs on the state subsidy for a term (five years), then hands over."""

    school = models.OneToOneField(
        "registry.School", on_delete=models.PROTECT, related_name="operator_agreement", verbose_name=_("school")
    )
    operator = models.ForeignKey(
        "registry.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("operator")
    )
    # The operator's programme: its coordinators run the school's training days and its handover.
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="+", verbose_name=_("programme")
    )
    starts_on = models.DateField(_("agreement starts on"))
    ends_on = models.DateField(_("agreement ends on"))
    planned_handover_on = models.DateField(_("planned handover"))
    handed_over_on = models.DateField(_("handed over on"), null=True, blank=True)
    # Who runs the school afterwards (a regional education department).
    received_by = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received by"),
    )
    handover_note = models.TextField(_("state after the handover"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("operator agreement")
        verbose_name_plural = _("operator agreements")
        ordering = ["planned_handover_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="agreement_ends_after_start",
                violation_error_message=_("An agreement cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(planned_handover_on__gt=models.F("starts_on")),
                name="agreement_handover_after_start",
                violation_error_message=_("The handover must come after the agreement starts."),
            ),
            models.CheckConstraint(
                condition=Q(handed_over_on__isnull=True) | Q(handed_over_on__gte=models.F("starts_on")),
                name="agreement_handed_over_after_start",
                violation_error_message=_("A school cannot be handed over before the agreement starts."),
            ),
            models.CheckConstraint(
                condition=Q(handed_over_on__isnull=True) | Q(received_by__isnull=False),
                name="agreement_handover_has_receiver",
                violation_error_message=_("A handed-over school needs the body that received it."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.operator} · {self.school}"

    def clean(self) -> None:
        if self.programme_id and self.school_id:
            check_programme_country(
                programme=self.programme, place=self.school, country=self.school.region.country, field="school"
            )

    @property
    def is_handed_over(self) -> bool:
        return self.handed_over_on is not None

    def days_to_handover(self, today: datetime.date) -> int:
        return (self.planned_handover_on - today).days


class ChecklistItem(models.TextChoices):
    STAFF = "staff", _("Staff handed over")
    RECORDS = "records", _("Records handed over")
    TRAINING = "training", _("Training history handed over")


class HandoverCheck(models.Model):
    """One ticked item of an agreement's handover checklist."""

    agreement = models.ForeignKey(
        OperatorAgreement, on_delete=models.CASCADE, related_name="checks", verbose_name=_("agreement")
    )
    item = models.CharField(_("item"), max_length=12, choices=ChecklistItem.choices)
    done_on = models.DateField(_("done on"))
    note = models.TextField(_("note"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("handover checklist item")
        verbose_name_plural = _("handover checklist items")
        ordering = ["agreement_id", "item"]
        constraints = [models.UniqueConstraint(fields=["agreement", "item"], name="handover_check_unique_item")]

    def __str__(self) -> str:
        return f"{self.agreement} · {self.get_item_display()}"


# --- Training days -----------------------------------------------------------------------------


class SchoolBreak(models.Model):
    """A school break the ministry sets for one school year (entered per year)."""

    school_year = models.PositiveSmallIntegerField(
        _("school year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    name = models.JSONField(_("name"), default=dict)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("school break")
        verbose_name_plural = _("school breaks")
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="school_break_ends_after_start",
                violation_error_message=_("A break cannot end before it starts."),
            ),
            models.UniqueConstraint(fields=["starts_on", "ends_on"], name="school_break_unique_dates"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localized(self.name)


class ClosurePolicy(models.TextChoices):
    SKIP = "skip", _("Skip the date")
    MOVE = "move", _("Move to the next free week")


class TrainingSchedule(models.Model):
    """A recurring schedule of training days at one school, stored as an RFC 5545 RRULE."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="+", verbose_name=_("programme")
    )
    school = models.ForeignKey("registry.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school"))
    title = models.CharField(_("title"), max_length=200)
    rule = models.CharField(_("recurrence rule (RRULE)"), max_length=300, validators=[validate_rule])
    first_on = models.DateField(_("first day"))
    until = models.DateField(_("until"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    on_closure = models.CharField(
        _("on a holiday or break"), max_length=4, choices=ClosurePolicy.choices, default=ClosurePolicy.MOVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("training schedule")
        verbose_name_plural = _("training schedules")
        ordering = ["first_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__gte=models.F("first_on")),
                name="schedule_until_after_first",
                violation_error_message=_("The schedule cannot end before its first day."),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="schedule_ends_after_start",
                violation_error_message=_("A training day must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DayStatus(models.TextChoices):
    PLANNED = "planned", _("As planned")
    MOVED = "moved", _("Moved (holiday or break)")
    EDITED = "edited", _("Date changed by hand")
    SKIPPED = "skipped", _("Skipped (holiday or break)")
    CANCELLED = "cancelled", _("Cancelled")


# Days that take place (the others stay on record, with their reason).
HELD = (DayStatus.PLANNED.value, DayStatus.MOVED.value, DayStatus.EDITED.value)


class TrainingDayQuerySet(RestrictedQuerySet["TrainingDay"]):
    """Rules: ``operators.TrainingDay`` "view" in ``permissions.py``."""


class TrainingDay(models.Model):
    """One date of a schedule: as the rule planned it, moved off a holiday, edited or skipped."""

    schedule = models.ForeignKey(
        TrainingSchedule, on_delete=models.CASCADE, related_name="days", verbose_name=_("schedule")
    )
    planned_on = models.DateField(_("planned date"))
    on = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=10, choices=DayStatus.choices, default=DayStatus.PLANNED)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = TrainingDayQuerySet.as_manager()

    class Meta:
        verbose_name = _("training day")
        verbose_name_plural = _("training days")
        ordering = ["on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "planned_on"], name="training_day_unique_planned"),
            # Two days of one schedule never fall on the same date (skipped and cancelled ones hold none).
            models.UniqueConstraint(
                fields=["schedule", "on"],
                condition=Q(status__in=HELD),
                name="training_day_unique_date",
                violation_error_message=_("The schedule already has a training day on this date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.schedule} · {self.on}"

    @property
    def is_held(self) -> bool:
        return self.status in HELD


class Topic(models.Model):
    """What a training session is about (hours are added up per topic)."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="+", verbose_name=_("programme")
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.JSONField(_("name"), default=dict)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["programme_id", "code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="topic_unique_code")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localized(self.name) or self.code


# --- Trainers and the cascade ------------------------------------------------------------------


class Trainer(models.Model):
    """A certified trainer. Generation 0 are an international partner's own trainers; everyone
    else was certified after a training-of-trainers course by an earlier trainer, one generation
    further down."""

    person = models.OneToOneField(
        "registry.Person", on_delete=models.PROTECT, related_name="trainer", verbose_name=_("person")
    )
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="+", verbose_name=_("programme")
    )
    generation = models.PositiveSmallIntegerField(_("generation"))
    partner = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("international partner"),
    )
    certified_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certified",
        verbose_name=_("certified by"),
    )
    course = models.ForeignKey(
        "TrainingSession",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certified_trainers",
        verbose_name=_("training-of-trainers course"),
    )
    certified_on = models.DateField(_("certified on"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("trainer")
        verbose_name_plural = _("trainers")
        ordering = ["generation", "person__sort_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(generation=0) & Q(certified_by__isnull=True) & Q(partner__isnull=False))
                | (Q(generation__gt=0) & Q(certified_by__isnull=False)),
                name="trainer_generation_matches_certifier",
                violation_error_message=_(
                    "A partner's own trainer is generation 0; every other trainer is certified by an earlier one."
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(self.person)


class SessionKind(models.TextChoices):
    TEACHERS = "teachers", _("Training of teachers")
    TRAINERS = "trainers", _("Training of trainers")


class TrainingSessionQuerySet(RestrictedQuerySet["TrainingSession"]):
    """Rules: ``operators.TrainingSession`` "view" in ``permissions.py``."""


class TrainingSession(models.Model):
    """One session of training: in a room on a training day, or a training-of-trainers course
    or a trainer's session in a state school on its own. Its gathering holds the time, place,
    sign-ups and attendance; the session records who trained (the cascade reads it)."""

    gathering = models.OneToOneField(
        "attendance.Gathering", on_delete=models.CASCADE, related_name="training_session", verbose_name=_("gathering")
    )
    day = models.ForeignKey(
        TrainingDay,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("training day"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SessionKind.choices, default=SessionKind.TEACHERS)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("topic"))
    trainer = models.ForeignKey(Trainer, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("trainer"))
    room = models.CharField(_("room"), max_length=60, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), default=25, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["gathering__starts_at", "room", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="training_session_capacity_positive",
                violation_error_message=_("A session holds at least one person."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.gathering)


class SessionRating(models.Model):
    """A participant's score of a session (1–5): fidelity down the cascade."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("session")
    )
    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("person"))
    score = models.PositiveSmallIntegerField(_("score"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("session rating")
        verbose_name_plural = _("session ratings")
        ordering = ["session_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="session_rating_unique_person"),
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5),
                name="session_rating_score_range",
                violation_error_message=_("A score is from 1 to 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.score}"


# --- Summit and events --------------------------------------------------------------------------


class EventQuerySet(RestrictedQuerySet["Event"]):
    """Rules: ``operators.Event`` "view" (staff pages) in ``permissions.py``; the public page
    reads only events open for registration."""


class Event(models.Model):
    """A summit or another event with a capacity (about 600), public registration, a quota of
    places kept for state-school teachers, tickets and check-in."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="+", verbose_name=_("programme")
    )
    slug = models.SlugField(_("address"), max_length=60, unique=True)
    title = models.JSONField(_("title"), default=dict)
    description = models.JSONField(_("description"), default=dict, blank=True)
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    place = models.CharField(_("place"), max_length=300)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    state_quota = models.PositiveIntegerField(
        _("places kept for state-school teachers"), default=0, help_text=_("Part of the capacity.")
    )
    registration_open = models.BooleanField(_("registration open"), default=True)
    volunteers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name=_("check-in volunteers")
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=_("An event must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(state_quota__lte=models.F("capacity")),
                name="event_quota_within_capacity",
                violation_error_message=_("The state-school quota cannot exceed the capacity."),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        if self.programme_id and self.region_id:
            check_programme_country(
                programme=self.programme, place=self.region, country=self.region.country, field="region"
            )

    @property
    def label(self) -> str:
        return localized(self.title) or self.slug

    @property
    def description_text(self) -> str:
        return localized(self.description) if self.description else ""


class EventSession(models.Model):
    """One session of an event's programme: a track, a title, speakers, a time."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("event"))
    track = models.CharField(_("track"), max_length=100, blank=True)
    title = models.JSONField(_("title"), default=dict)
    speakers = models.CharField(_("speakers"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        verbose_name = _("event session")
        verbose_name_plural = _("event sessions")
        ordering = ["starts_at", "track", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localized(self.title)


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class SchoolSide(models.TextChoices):
    OPERATOR = "operator", _("Operator's school")
    STATE = "state", _("State school")
    OTHER = "other", _("Other")


class RegistrationQuerySet(RestrictedQuerySet["Registration"]):
    """Rules: ``operators.Registration`` "view" in ``permissions.py``."""


class Registration(models.Model):
    """One person's place at an event (or on its waiting list), with the ticket's code."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event"))
    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=2, default="kk")
    school = models.ForeignKey(
        "registry.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("school"),
    )
    side = models.CharField(_("school type"), max_length=10, choices=SchoolSide.choices)
    status = models.CharField(_("status"), max_length=10, choices=RegistrationStatus.choices)
    code = models.CharField(_("ticket code"), max_length=32, unique=True)
    created_at = models.DateTimeField(_("registered at"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("moved up from the waiting list at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_door = models.CharField(_("door"), max_length=40, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["event_id", "created_at", "id"]
        indexes = [models.Index(fields=["event", "status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~Q(status="cancelled"),
                name="registration_unique_email",
                violation_error_message=_("This e-mail address is already registered for the event."),
            ),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | Q(status="confirmed"),
                name="registration_checked_in_is_confirmed",
                violation_error_message=_("Only a confirmed registration is checked in."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} · {self.event}"


class ScanOutcome(models.TextChoices):
    CHECKED_IN = "checked_in", _("Checked in")
    ALREADY = "already", _("Already checked in")
    NOT_CONFIRMED = "not_confirmed", _("No confirmed place")
    UNKNOWN = "unknown", _("Unknown ticket")


class Scan(models.Model):
    """One scan at a door, as the device recorded it. ``client_id`` is the device's id for the
    scan: a scan synced twice is stored once."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="scans", verbose_name=_("event"))
    client_id = models.UUIDField(_("scan id"), unique=True)
    code = models.CharField(_("ticket code"), max_length=64)
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, null=True, blank=True, related_name="scans"
    )
    door = models.CharField(_("door"), max_length=40, blank=True)
    scanned_at = models.DateTimeField(_("scanned at"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=14, choices=ScanOutcome.choices)
    volunteer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        ordering = ["event_id", "scanned_at", "id"]

    def __str__(self) -> str:
        return f"{self.code} · {self.outcome}"


class EventFeedback(models.Model):
    """The survey after the event: one answer per registration."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("registration")
    )
    score = models.PositiveSmallIntegerField(_("score"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("event feedback")
        verbose_name_plural = _("event feedback")

    def __str__(self) -> str:
        return f"{self.registration} · {self.score}"
