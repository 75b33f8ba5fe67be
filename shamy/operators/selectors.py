"""Reads: operator agreements and the handover comparison, training days and hours, the cascade."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from shamy.access.context import Actor, access_for
from shamy.accounts.models import User
from shamy.analytics.peers import PeerComparison, school_beside_peers
from shamy.analytics.selectors import current_school_year, registry_year, threshold
from shamy.attendance.models import ATTENDED, Attendance
from shamy.core.db import kazakh_order
from shamy.core.inputs import parse_year
from shamy.core.suppression import complete, primary
from shamy.operators.cascade import Cascade, Edge, TrainerNode, count_cascade
from shamy.operators.models import (
    ChecklistItem,
    Event,
    EventFeedback,
    EventSession,
    OperatorAgreement,
    Registration,
    SchoolBreak,
    SessionRating,
    Topic,
    Trainer,
    TrainingDay,
    TrainingSession,
)
from shamy.programmes.models import Programme
from shamy.registry.models import Locality, Person, Region, School

APPROACHING_DAYS = 365

# --- Agreements --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementFilters:
    status: str = "approaching"  # approaching | operated | handed_over | all

    STATUSES = ("approaching", "operated", "handed_over", "all")

    @classmethod
    def from_query(cls, query: Mapping[str, Any]) -> AgreementFilters:
        status = str(query.get("status") or "approaching")
        return cls(status=status if status in cls.STATUSES else "approaching")


def agreement_list(
    *, actor: Actor, filters: AgreementFilters, today: datetime.date | None = None
) -> QuerySet[OperatorAgreement]:
    """Agreements the actor may see: approaching handover (within a year, not yet handed over),
    all still operated, handed over, or all. With their school, region, operator and checklist
    count (no query per row)."""
    today = today or timezone.localdate()
    rows = OperatorAgreement.objects.restrict(actor, "view").select_related(
        "school__region", "school__district", "operator", "received_by"
    )
    if filters.status == "approaching":
        rows = rows.filter(
            handed_over_on__isnull=True, planned_handover_on__lte=today + datetime.timedelta(days=APPROACHING_DAYS)
        )
    elif filters.status == "operated":
        rows = rows.filter(handed_over_on__isnull=True)
    elif filters.status == "handed_over":
        rows = rows.filter(handed_over_on__isnull=False)
    return rows.annotate(checks_done=Count("checks")).order_by("planned_handover_on", "id")


def checklist(agreement: OperatorAgreement) -> list[dict[str, Any]]:
    done = {check.item: check for check in agreement.checks.select_related("done_by")}
    return [{"item": value, "label": label, "check": done.get(value)} for value, label in ChecklistItem.choices]


# --- The handover comparison --------------------------------------------------------------------


@dataclass
class HandoverComparison:
    """The handed-over school beside similar state schools (the equity analytics' group and
    figures, :mod:`shamy.analytics.peers`), in the last school year wholly before the handover,
    the first wholly after it (once it has begun) and the registry's reference year."""

    handover: datetime.date
    before: int
    after: int
    after_started: bool
    peers: PeerComparison

    def role(self, year: int) -> str:
        """What a column's school year is to the handover."""
        if year == self.before:
            return "before"
        if year == self.after:
            return "after"
        return "registry"


def handover_years(handover: datetime.date) -> tuple[int, int]:
    """The last school year (1 September to 31 August) wholly before ``handover`` and the first
    wholly after it: the school was run by the operator all through the one, by the state all
    through the other."""
    containing = handover.year if handover.month >= 9 else handover.year - 1
    after = containing if handover == datetime.date(containing, 9, 1) else containing + 1
    return containing - 1, after


def handover_comparison(agreement: OperatorAgreement) -> HandoverComparison | None:
    """After the handover: the school's indicators and its similar state schools', the year before
    and the year after, read from the equity analytics (one definition of the group and of each
    indicator, under its suppression rule). A fixed number of queries."""
    handover = agreement.handed_over_on
    if handover is None:
        return None
    before, after = handover_years(handover)
    after_started = after <= current_school_year()
    years = {before, registry_year()} | ({after} if after_started else set())
    return HandoverComparison(
        handover=handover,
        before=before,
        after=after,
        after_started=after_started,
        peers=school_beside_peers(school=agreement.school, years=years),
    )


def school_break_list() -> QuerySet[SchoolBreak]:
    """School breaks are public facts (the ministry's calendar): the latest first."""
    return SchoolBreak.objects.order_by("-starts_on", "id")[:60]


# --- Training days -------------------------------------------------------------------------------


def training_day_list(
    *, actor: Actor, programme: Programme, when: str = "upcoming", today: datetime.date | None = None
) -> QuerySet[TrainingDay]:
    today = today or timezone.localdate()
    rows = (
        TrainingDay.objects.restrict(actor, "view")
        .filter(schedule__programme=programme)
        .select_related("schedule__school__district")
        .annotate(session_count=Count("sessions"))
    )
    if when == "upcoming":
        rows = rows.filter(on__gte=today)
    elif when == "past":
        rows = rows.filter(on__lt=today)
    return rows.order_by("on", kazakh_order("schedule__school__name_kk"), "id")


@dataclass
class SessionRow:
    session: TrainingSession
    signed_up: int
    mine: str | None  # None: not signed up; "" signed up, not marked; else the status


def day_sessions(*, actor: Actor, day: TrainingDay) -> list[SessionRow]:
    """The day's sessions in time and room order, each with its sign-ups and the actor's own."""
    person = access_for(actor).person
    sessions = list(
        TrainingSession.objects.filter(day=day)
        .select_related("gathering__programme", "topic", "trainer__person")
        .prefetch_related("gathering__leads")
        .annotate(signed=Count("gathering__attendances"))
        .order_by("gathering__starts_at", "room", "id")
    )
    mine: dict[int, str] = {}
    if person is not None:
        mine = dict(
            Attendance.objects.filter(person=person, gathering__training_session__day=day).values_list(
                "gathering_id", "status"
            )
        )
    return [SessionRow(session, session.signed, mine.get(session.gathering_id)) for session in sessions]  # type: ignore[attr-defined]


def sessions_of_days(*, day_ids: list[int]) -> QuerySet[TrainingSession]:
    """The sessions of these (already visible) days, with their sign-up count."""
    return (
        TrainingSession.objects.filter(day__in=day_ids)
        .select_related("gathering", "topic", "trainer")
        .annotate(signed=Count("gathering__attendances"))
        .order_by("gathering__starts_at", "room", "id")
    )


def _training_attended(programme: Programme, year: int | None) -> QuerySet[Attendance]:
    rows = Attendance.objects.filter(
        gathering__programme=programme,
        gathering__training_session__isnull=False,
        gathering__cancelled_at__isnull=True,
        status__in=ATTENDED,
    )
    if year is not None:
        zone = timezone.get_current_timezone()
        rows = rows.filter(
            gathering__starts_at__gte=datetime.datetime(year, 9, 1, tzinfo=zone),
            gathering__starts_at__lt=datetime.datetime(year + 1, 9, 1, tzinfo=zone),
        )
    return rows


_LENGTH = ExpressionWrapper(F("gathering__ends_at") - F("gathering__starts_at"), output_field=DurationField())


def _as_hours(value: datetime.timedelta | None) -> float:
    return round(value.total_seconds() / 3600, 1) if value is not None else 0.0


def hours_by_teacher(*, programme: Programme, year: int | None) -> list[dict[str, Any]]:
    """Training hours per person over the school year (present or late counts the whole session)."""
    rows = (
        _training_attended(programme, year)
        .order_by()
        .values("person_id", "person__surname", "person__given_name", "school__name_kk", "school__name_ru")
        .annotate(total=Sum(_LENGTH), sessions=Count("id"))
        .order_by("-total", kazakh_order("person__surname"), "person_id")
    )
    return [{**row, "hours": _as_hours(row["total"])} for row in rows]


def hours_by_topic(*, programme: Programme, year: int | None) -> list[dict[str, Any]]:
    rows = (
        _training_attended(programme, year)
        .order_by()
        .values("gathering__training_session__topic_id")
        .annotate(total=Sum(_LENGTH), people=Count("person_id", distinct=True))
    )
    topics = Topic.objects.in_bulk([row["gathering__training_session__topic_id"] for row in rows])
    result = [
        {
            "topic": topics.get(row["gathering__training_session__topic_id"]),
            "hours": _as_hours(row["total"]),
            "people": row["people"],
        }
        for row in rows
    ]
    return sorted(result, key=lambda row: (-row["hours"], str(row["topic"])))


def person_training_hours(*, person_id: int) -> float:
    rows = Attendance.objects.filter(
        person_id=person_id,
        gathering__training_session__isnull=False,
        gathering__cancelled_at__isnull=True,
        status__in=ATTENDED,
    )
    return _as_hours(rows.aggregate(total=Sum(_LENGTH))["total"])


# --- The cascade ---------------------------------------------------------------------------------


def operator_school_ids(programme: Programme) -> set[int]:
    """Schools of the programme's operators (agreements of any operator that runs a school in
    this programme, handed over or not): "their own" for the reach beyond them."""
    operators = OperatorAgreement.objects.filter(programme=programme).values("operator_id")
    return set(OperatorAgreement.objects.filter(operator_id__in=operators).values_list("school_id", flat=True))


@dataclass
class CascadeView:
    cascade: Cascade
    trainers: dict[int, Trainer]  # person id -> trainer
    regions: dict[int, Region]
    fidelity_by_generation: dict[int, tuple[float | None, int]] = field(default_factory=dict)
    fidelity_by_trainer: dict[int, tuple[float | None, int]] = field(default_factory=dict)
    minimum: int = 0
    ratings_hidden: bool = False  # some feedback averages are suppressed (too few ratings)

    def tree(self) -> list[tuple[int, Trainer, int]]:
        """Depth-first (depth, trainer, people trained) from the generation-0 trainers down."""
        rows: list[tuple[int, Trainer, int]] = []

        def walk(parent: int | None, depth: int) -> None:
            for person_id in self.cascade.children.get(parent, []):
                rows.append((depth, self.trainers[person_id], self.cascade.trained_by.get(person_id, 0)))
                walk(person_id, depth + 1)

        walk(None, 0)
        return rows


def cascade_for(*, programme: Programme) -> CascadeView:
    """The programme's cascade: trainers per generation, teachers reached per generation (each
    once), reach into schools beyond the operator's by region, and feedback scores per trainer and
    generation."""
    trainers = {
        trainer.person_id: trainer
        for trainer in Trainer.objects.filter(programme=programme).select_related("person", "certified_by")
    }
    nodes = [
        TrainerNode(t.person_id, t.generation, t.certified_by.person_id if t.certified_by else None)
        for t in trainers.values()
    ]
    edges = [
        Edge(trainer_id, trainee_id, school_id, region_id)
        for trainer_id, trainee_id, school_id, region_id in Attendance.objects.filter(
            gathering__training_session__trainer__programme=programme,
            gathering__cancelled_at__isnull=True,
            status__in=ATTENDED,
        )
        .values_list("gathering__training_session__trainer__person_id", "person_id", "school_id", "school__region_id")
        .order_by()
    ]
    cascade = count_cascade(nodes, edges, operator_school_ids(programme))
    regions = Region.objects.in_bulk([r for r in cascade.beyond_by_region if r is not None])
    by_trainer = {
        row["session__trainer__person_id"]: (row["average"], row["ratings"])
        for row in SessionRating.objects.filter(session__trainer__programme=programme)
        .values("session__trainer__person_id")
        .annotate(average=Avg("score"), ratings=Count("id"))
        .order_by()
    }
    by_generation = {
        row["session__trainer__generation"]: (row["average"], row["ratings"])
        for row in SessionRating.objects.filter(session__trainer__programme=programme)
        .values("session__trainer__generation")
        .annotate(average=Avg("score"), ratings=Count("id"))
        .order_by()
    }
    minimum = threshold()
    hidden = suppress_ratings(by_trainer, by_generation, trainers, minimum)
    return CascadeView(
        cascade=cascade,
        trainers=trainers,
        regions=regions,
        fidelity_by_generation=by_generation,
        fidelity_by_trainer=by_trainer,
        minimum=minimum,
        ratings_hidden=hidden,
    )


def suppress_ratings(
    by_trainer: dict[int, tuple[float | None, int]],
    by_generation: dict[int, tuple[float | None, int]],
    trainers: dict[int, Trainer],
    minimum: int,
) -> bool:
    """Drop, in place, the feedback averages computed from fewer than ``minimum`` ratings, and
    those a hidden one could be worked out from: a generation's average is its trainers' ratings
    pooled, so a trainer hidden alone would be the generation's sum minus the others'. True if any
    average was dropped."""
    values: dict[tuple[str, int], float | None] = {("t", p): n for p, (_a, n) in by_trainer.items()}
    values |= {("g", g): n for g, (_a, n) in by_generation.items()}
    lines = [
        [("t", p) for p in by_trainer if p in trainers and trainers[p].generation == generation] + [("g", generation)]
        for generation in by_generation
    ]
    totals = {("g", g) for g in by_generation}
    hidden = complete(values, lines, primary(values, minimum), totals=totals)
    for kind, key in hidden:
        (by_trainer if kind == "t" else by_generation).pop(key, None)
    return bool(hidden)


def reach_by_locality(*, programme: Programme, year: int | None = None) -> dict[str, int]:
    """Distinct teachers of state schools beyond the operator's reached by the cascade, urban and
    rural (in one school year, or ever)."""
    own = operator_school_ids(programme)
    attended = Attendance.objects.filter(
        gathering__training_session__trainer__programme=programme,
        gathering__cancelled_at__isnull=True,
        status__in=ATTENDED,
        school__isnull=False,
    )
    if year is not None:
        zone = timezone.get_current_timezone()
        attended = attended.filter(
            gathering__starts_at__gte=datetime.datetime(year, 9, 1, tzinfo=zone),
            gathering__starts_at__lt=datetime.datetime(year + 1, 9, 1, tzinfo=zone),
        )
    rows = (
        attended.exclude(school_id__in=sorted(own))
        .exclude(person__trainer__isnull=False)
        .values("school__locality")
        .annotate(people=Count("person_id", distinct=True))
        .order_by()
    )
    counts = {Locality.URBAN.value: 0, Locality.RURAL.value: 0}
    for row in rows:
        counts[row["school__locality"]] = row["people"]
    return counts


def programme_for_training(*, user: Actor, programme_id: int) -> Programme:
    """The programme under the programmes' "view" rule (404 otherwise): for the API."""
    return get_object_or_404(Programme.objects.restrict(user, "view"), pk=programme_id)


def operator_programmes(*, actor: Actor) -> QuerySet[Programme]:
    """Programmes the actor may open that run operator schools."""
    with_agreements = OperatorAgreement.objects.values("programme_id")
    return (
        Programme.objects.restrict(actor, "view").filter(pk__in=with_agreements).order_by(kazakh_order("name_kk"), "id")
    )


def programmes_for_agreements() -> QuerySet[Programme]:
    """Active programmes an agreement may name (the system administrator's form)."""
    return Programme.objects.filter(status="active").order_by(kazakh_order("name_kk"), "id")


def schedulable_operator_schools(*, programme: Programme) -> QuerySet[School]:
    """The programme's operator schools not yet handed over."""
    return School.objects.filter(
        operator_agreement__programme=programme, operator_agreement__handed_over_on__isnull=True
    ).order_by(kazakh_order("name_kk"), "id")


def topics_of(*, programme: Programme) -> QuerySet[Topic]:
    return Topic.objects.filter(programme=programme)


def trainers_of(*, programme: Programme) -> QuerySet[Trainer]:
    """The programme's trainers by generation, then in Kazakh alphabetical order."""
    return (
        Trainer.objects.filter(programme=programme)
        .select_related("person")
        .order_by("generation", kazakh_order("person__surname"), kazakh_order("person__given_name"), "id")
    )


def course_graduates(*, course: TrainingSession) -> QuerySet[Person]:
    """People who attended a training-of-trainers course (present or late) and are not trainers yet."""
    return Person.objects.filter(
        attendances__gathering=course.gathering, attendances__status__in=ATTENDED, trainer__isnull=True
    ).order_by(kazakh_order("surname"), kazakh_order("given_name"), "id")


def school_year_from(value: str | None) -> int:
    """The school year asked for (its first calendar year), else the current one."""
    today = timezone.localdate()
    current = today.year if today.month >= 9 else today.year - 1
    return parse_year(value, minimum=2000, maximum=2100) or current


# --- Events ----------------------------------------------------------------------------------------


def public_event(*, slug: str) -> Event:
    """An event's public page: any event by its address (its title, place, times and programme are public)."""
    return get_object_or_404(Event.objects.select_related("region"), slug=slug)


def events_of(*, actor: Actor, programme: Programme) -> list[Event]:
    """The programme's events whose staff pages the actor may open."""
    return list(Event.objects.restrict(actor, "view").filter(programme=programme).order_by("-starts_at")[:10])


def event_sessions(*, event: Event) -> QuerySet[EventSession]:
    return EventSession.objects.filter(event=event).order_by("starts_at", "track", "id")


def event_session(*, event: Event, session_id: int) -> EventSession:
    """One session of an (already checked) event; 404 if it belongs to another."""
    return get_object_or_404(EventSession.objects.select_related("event__programme"), pk=session_id, event=event)


def event_volunteers(*, event: Event) -> QuerySet[User]:
    return event.volunteers.order_by(kazakh_order("full_name"), "email", "id")


def event_volunteer(*, event: Event, user_id: int) -> User:
    """One volunteer of an (already checked) event; 404 if not one of its volunteers."""
    return get_object_or_404(event.volunteers.all(), pk=user_id)


def ticket(*, code: str) -> Registration:
    """A ticket by its code: the code is the holder's key (it is in their e-mail and QR code)."""
    return get_object_or_404(Registration.objects.select_related("event", "school"), code=code)


def registration_schools(*, event: Event) -> QuerySet[School]:
    """Schools to choose from when registering: the event's region and the operator's schools."""
    operator_schools = OperatorAgreement.objects.filter(programme_id=event.programme_id).values("school_id")
    return School.objects.filter(Q(region_id=event.region_id) | Q(pk__in=operator_schools)).order_by(
        kazakh_order("name_kk"), "id"
    )


@dataclass
class EventFigures:
    registered: int
    confirmed: int
    waiting: int
    cancelled: int
    attended: int
    state_confirmed: int
    state_attended: int
    feedback_average: float | None
    feedback_count: int
    feedback_hidden: bool = False  # fewer answers than the platform's smallest group: no average
    minimum: int = 0

    @property
    def state_share(self) -> float | None:
        return round(100 * self.state_attended / self.attended, 1) if self.attended else None


def event_figures(*, event: Event) -> EventFigures:
    counts = Registration.objects.filter(event=event).aggregate(
        registered=Count("id"),
        confirmed=Count("id", filter=Q(status="confirmed")),
        waiting=Count("id", filter=Q(status="waiting")),
        cancelled=Count("id", filter=Q(status="cancelled")),
        attended=Count("id", filter=Q(checked_in_at__isnull=False)),
        state_confirmed=Count("id", filter=Q(status="confirmed", side="state")),
        state_attended=Count("id", filter=Q(checked_in_at__isnull=False, side="state")),
    )
    feedback = EventFeedback.objects.filter(registration__event=event).aggregate(
        average=Avg("score"), count=Count("id")
    )
    # The survey's average, like every rating average on the platform, is shown only when it
    # comes from at least the analytics' smallest group (one setting, ``threshold()``).
    minimum = threshold()
    hidden = 0 < feedback["count"] < minimum
    return EventFigures(
        **counts,
        feedback_average=round(feedback["average"], 2) if feedback["average"] is not None and not hidden else None,
        feedback_count=feedback["count"],
        feedback_hidden=hidden,
        minimum=minimum,
    )


def registration_search(*, actor: Actor, event: Event, query: str) -> list[Registration]:
    """The door's manual fallback: confirmed registrations by name or e-mail (at most 20)."""
    text = query.strip()
    if len(text) < 2:
        return []
    rows = Registration.objects.restrict(actor, "view").filter(event=event, status="confirmed")
    return list(
        rows.filter(Q(full_name__icontains=text) | Q(email__icontains=text)).order_by(kazakh_order("full_name"), "id")[
            :20
        ]
    )


def check_in_roster(*, actor: Actor, event: Event) -> list[dict[str, str]]:
    """The confirmed places' names and ticket codes, for the door's name search without a
    connection (the page brings them along; the device's cached copy is deleted at sign-out)."""
    rows = Registration.objects.restrict(actor, "view").filter(event=event, status="confirmed")
    return [
        {"name": name, "code": code}
        for name, code in rows.order_by(kazakh_order("full_name"), "id").values_list("full_name", "code")
    ]


# --- Indicators ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorCell:
    value: float | None
    people: int
    suppressed: bool


@dataclass
class IndicatorRow:
    label: str
    cells: dict[str, IndicatorCell]  # "urban", "rural", "all"


def _cell(value: float | None, people: int, minimum: int) -> IndicatorCell:
    if people < minimum:
        return IndicatorCell(None, people, suppressed=people > 0)
    return IndicatorCell(value, people, suppressed=False)


def programme_indicators(*, programme: Programme, year: int) -> tuple[list[IndicatorRow], int]:
    """The programme's indicators for a school year, urban and rural, with the equity analytics'
    suppression threshold: a figure about fewer people than the threshold is not shown.

    - training hours per participant (operator training and the cascade's sessions);
    - teachers trained (distinct people who attended at least one session);
    - state-school teachers reached by the cascade (beyond the operator's schools, not trainers).
    """
    minimum = threshold()
    attended = _training_attended(programme, year).filter(school__isnull=False)
    rows = (
        attended.order_by()
        .values("school__locality")
        .annotate(people=Count("person_id", distinct=True), total=Sum(_LENGTH))
    )
    by_locality = {row["school__locality"]: (row["people"], _as_hours(row["total"])) for row in rows}
    everyone = attended.aggregate(people=Count("person_id", distinct=True), total=Sum(_LENGTH))
    by_locality["all"] = (everyone["people"], _as_hours(everyone["total"]))
    hours, trained = {}, {}
    for key in ("urban", "rural", "all"):
        people, total = by_locality.get(key, (0, 0.0))
        hours[key] = _cell(round(total / people, 1) if people else None, people, minimum)
        trained[key] = _cell(float(people), people, minimum)
    reach = reach_by_locality(programme=programme, year=year)
    reached = {
        "urban": _cell(float(reach["urban"]), reach["urban"], minimum),
        "rural": _cell(float(reach["rural"]), reach["rural"], minimum),
        "all": _cell(float(reach["urban"] + reach["rural"]), reach["urban"] + reach["rural"], minimum),
    }
    return [
        IndicatorRow(_("Training hours per participant"), hours),
        IndicatorRow(_("Teachers trained"), trained),
        IndicatorRow(_("State-school teachers reached by the cascade"), reached),
    ], minimum


def event_for_api(*, user: Actor, event_id: int) -> Event:
    """An event under its "view" rule, else 404."""
    return get_object_or_404(Event.objects.restrict(user, "view"), pk=event_id)


def registrations_of(*, actor: Actor, event: Event, status: str = "") -> QuerySet[Registration]:
    rows = Registration.objects.restrict(actor, "view").filter(event=event).order_by("created_at", "id")
    return rows.filter(status=status) if status else rows
