"""Reads for gatherings and attendance. Lists start from ``Gathering.objects.restrict(actor, "view")``;
the rates and hours are aggregated in SQL, one query per table. Lists and calendars show
cancelled gatherings (marked as such); rates and hours leave them out."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils import timezone

from shamy.access.context import Access, Actor, access_for
from shamy.access.models import Membership
from shamy.access.roles import Role
from shamy.accounts.models import User
from shamy.attendance.models import (
    ATTENDED,
    Attendance,
    AttendanceStatus,
    Feedback,
    Gathering,
    GatheringKind,
    Material,
    Presentation,
)
from shamy.core.db import kazakh_order
from shamy.core.inputs import parse_id
from shamy.core.suppression import complete
from shamy.programmes.models import Cohort, Programme, ProgrammeStatus
from shamy.registry.models import District, Person, Region, School

_DURATION = ExpressionWrapper(F("gathering__ends_at") - F("gathering__starts_at"), output_field=DurationField())


def gathering_page(gatherings: QuerySet[Gathering]) -> QuerySet[Gathering]:
    """What a gathering's pages show with it (the ``shape`` of ``@checked``)."""
    return gatherings.select_related("programme", "cohort", "school__district", "region", "series").prefetch_related(
        "leads"
    )


def attendance_page(rows: QuerySet[Attendance]) -> QuerySet[Attendance]:
    return rows.select_related(
        "person", "school", "gathering__programme", "gathering__cohort", "gathering__school", "gathering__region"
    ).prefetch_related("gathering__leads")


def material_page(materials: QuerySet[Material]) -> QuerySet[Material]:
    return materials.select_related("gathering")


def presentation_page(presentations: QuerySet[Presentation]) -> QuerySet[Presentation]:
    return presentations.select_related("gathering__programme", "presenter").prefetch_related("gathering__leads")


def schedulable_schools(*, access: Access, programme: Programme, also: int | None = None) -> QuerySet[School]:
    """Schools of ``programme`` the actor may schedule sessions in (rule "schedule"), plus the
    gathering's own school ``also`` when editing it."""
    if access.is_coordinator(programme):
        ids = access.programme_school_ids(programme)
    else:
        ids = access.programme_school_ids(programme, role=Role.SCHOOL_FACILITATOR) | access.programme_school_ids(
            programme, role=Role.LINK_FACILITATOR
        )
    schools = School.objects.restrict(access, "schedule").filter(pk__in=sorted(ids))
    if also is not None:
        schools = School.objects.filter(Q(pk__in=schools.values("pk")) | Q(pk=also))
    return schools.order_by(kazakh_order("name_kk"), "id")


def school_gatherings(*, access: Access, school: School) -> QuerySet[Gathering]:
    """A school's calendar: its in-school sessions and its region's network events."""
    return (
        Gathering.objects.restrict(access, "view")
        .filter(
            Q(kind=GatheringKind.IN_SCHOOL, school=school) | Q(kind=GatheringKind.NETWORK, region_id=school.region_id)
        )
        .order_by("starts_at", "id")
    )


def series_cohort(*, programme: Programme, school: School) -> Cohort | None:
    """The cohort through which ``school`` takes part in ``programme`` (a series belongs to it)."""
    link = school.cohort_links.filter(cohort__programme=programme).select_related("cohort").first()
    return link.cohort if link else None


def _with_counts(gatherings: QuerySet[Gathering]) -> QuerySet[Gathering]:
    return gatherings.annotate(
        expected_count=Count("attendances", distinct=True),
        attended_count=Count("attendances", filter=Q(attendances__status__in=ATTENDED), distinct=True),
        marked_count=Count("attendances", filter=~Q(attendances__status=""), distinct=True),
    ).select_related("school__district", "region", "cohort", "programme")


@dataclass(frozen=True)
class GatheringFilters:
    kind: str = ""
    school: int | None = None
    when: str = "upcoming"

    @classmethod
    def from_query(cls, query: Any) -> GatheringFilters:

        kind = str(query.get("kind") or "")
        when = str(query.get("when") or "upcoming")
        return cls(
            kind=kind if kind in GatheringKind.values else "",
            school=parse_id(query.get("school")),
            when=when if when in ("upcoming", "past", "all") else "upcoming",
        )


def gathering_list_for_programme(
    *, actor: Actor, programme: Programme, filters: GatheringFilters
) -> QuerySet[Gathering]:
    gatherings = Gathering.objects.restrict(actor, "view").filter(programme=programme)
    if filters.kind:
        gatherings = gatherings.filter(kind=filters.kind)
    if filters.school:
        gatherings = gatherings.filter(school_id=filters.school)
    now = timezone.now()
    if filters.when == "upcoming":
        gatherings = gatherings.filter(ends_at__gte=now).order_by("starts_at", "id")
    elif filters.when == "past":
        gatherings = gatherings.filter(ends_at__lt=now).order_by("-starts_at", "-id")
    else:
        gatherings = gatherings.order_by("starts_at", "id")
    return _with_counts(gatherings)


def my_gatherings(*, actor: Actor) -> QuerySet[Gathering]:
    """Gatherings the actor leads or is expected at, across programmes."""
    condition = Q(leads=actor)
    person = access_for(actor).person
    if person is not None:
        condition |= Q(attendances__person=person)
    mine = Gathering.objects.filter(condition).values("pk")
    return _with_counts(Gathering.objects.restrict(actor, "view").filter(pk__in=mine)).order_by("starts_at", "id")


def attendance_rows(*, gathering: Gathering) -> QuerySet[Attendance]:
    return (
        Attendance.objects.filter(gathering=gathering)
        .select_related("person", "school__district")
        .order_by(kazakh_order("person__surname"), kazakh_order("person__given_name"), "id")
    )


def presentations_for(*, gathering: Gathering) -> list[Presentation]:
    """The gathering's presentations, each with ``presenter_school``: the school the presenter came
    from (their row on the gathering's list), so colleagues at a network event can tell them apart."""
    presentations = list(
        Presentation.objects.filter(gathering=gathering)
        .select_related("presenter")
        .prefetch_related(Prefetch("feedback", queryset=Feedback.objects.select_related("author")))
    )
    schools = {
        row.person_id: row.school
        for row in Attendance.objects.filter(
            gathering=gathering, person_id__in={p.presenter_id for p in presentations}
        ).select_related("school__district")
    }
    for presentation in presentations:
        presentation.presenter_school = schools.get(presentation.presenter_id)  # type: ignore[attr-defined]
    return presentations


def attendance_is_marked(*, gathering: Gathering) -> bool:
    """Whether anyone's attendance at the gathering is marked (its times are then fixed)."""
    return Attendance.objects.filter(gathering=gathering).exclude(status="").exists()


def own_attendance(*, actor: Actor, gathering: Gathering) -> Attendance | None:
    person = access_for(actor).person
    if person is None:
        return None
    return Attendance.objects.filter(gathering=gathering, person=person).first()


# --- Aggregates -----------------------------------------------------------------------


@dataclass
class RateRow:
    key: int | None
    label: str
    present: int
    late: int
    excused: int
    absent: int
    people: int = 0  # distinct people marked
    region: int | None = None  # a school row's region
    hidden: bool = False  # suppressed for those who see aggregates only (see suppress_rates)
    district: str = ""  # a school row's district: two schools of one name are told apart

    @property
    def marked(self) -> int:
        return self.present + self.late + self.excused + self.absent

    @property
    def attended(self) -> int:
        return self.present + self.late

    @property
    def rate(self) -> float | None:
        """Share of marked places where the person came (present or late); None if nothing marked."""
        return self.attended / self.marked if self.marked else None

    @property
    def percent(self) -> str:
        return "—" if self.rate is None else f"{self.rate * 100:.0f}%"


RATE_COLUMNS = ("present", "late", "excused", "absent")


def suppress_rates(by_region: list[RateRow], by_school: list[RateRow], minimum: int) -> None:
    """Hide, in place, the rows an aggregate-only reader (an observer or donor) may not see.

    A school or region whose figures come from fewer than ``minimum`` people is hidden whole
    (its counts and its rate); then further rows, so that no hidden row can be worked out as its
    region's counts minus the region's other schools (secondary suppression)."""
    cells: dict[tuple[str, int, str], float | None] = {}
    hidden: set[tuple[str, int, str]] = set()
    for table, rows in (("region", by_region), ("school", by_school)):
        for index, row in enumerate(rows):
            for column in RATE_COLUMNS:
                cells[(table, index, column)] = getattr(row, column)
                if row.people < minimum:
                    hidden.add((table, index, column))
    lines = []
    for region_index, region in enumerate(by_region):
        members = [index for index, row in enumerate(by_school) if row.region == region.key]
        for column in RATE_COLUMNS:
            lines.append([("school", index, column) for index in members] + [("region", region_index, column)])
    totals = {("region", index, column) for index in range(len(by_region)) for column in RATE_COLUMNS}
    while True:
        hidden = complete(cells, lines, hidden, totals=totals)
        # A row is shown whole or not at all (its rate is computed from all four counts).
        whole = {(table, index, column) for table, index, _c in hidden for column in RATE_COLUMNS}
        if whole == hidden:
            break
        hidden = whole
    for table, rows in (("region", by_region), ("school", by_school)):
        for index, row in enumerate(rows):
            row.hidden = (table, index, "present") in hidden


def _held(rows: QuerySet[Attendance]) -> QuerySet[Attendance]:
    """Rows of gatherings that count: not cancelled and already started. A mark on a gathering
    still ahead (given by mistake) counts for no hours and no rate until it takes place."""
    return rows.filter(gathering__cancelled_at__isnull=True, gathering__starts_at__lte=timezone.now())


def _marked(programme: Programme, until: datetime.datetime | None) -> QuerySet[Attendance]:
    rows = _held(Attendance.objects.filter(gathering__programme=programme)).exclude(status="")
    if until is not None:
        rows = rows.filter(gathering__starts_at__lte=until)
    return rows


_DISTRICT_NAMES = ("school__district__name_kk", "school__district__name_ru", "school__district__name_en")


def _district_name(row: dict[str, Any]) -> str:
    """The localized name of the district of a grouped row's school ("" without one)."""
    return District(
        name_kk=row["school__district__name_kk"] or "",
        name_ru=row["school__district__name_ru"] or "",
        name_en=row["school__district__name_en"] or "",
    ).name


def attendance_rates_by_school(*, programme: Programme, until: datetime.datetime | None = None) -> list[RateRow]:
    """Attendance by the school people take part for: one grouped query."""

    grouped = (
        _marked(programme, until)
        .values(
            "school_id",
            "school__name_kk",
            "school__name_ru",
            "school__region__kato",
            "school__region_id",
            *_DISTRICT_NAMES,
        )
        .annotate(
            people=Count("person_id", distinct=True),
            present=Count("id", filter=Q(status=AttendanceStatus.PRESENT)),
            late=Count("id", filter=Q(status=AttendanceStatus.LATE)),
            excused=Count("id", filter=Q(status=AttendanceStatus.EXCUSED)),
            absent=Count("id", filter=Q(status=AttendanceStatus.ABSENT)),
        )
        .order_by("school__region__kato", kazakh_order("school__name_kk"), "school_id")
    )
    rows = []
    for row in grouped:
        label = (
            School(name_kk=row["school__name_kk"] or "", name_ru=row["school__name_ru"] or "").name
            if row["school_id"]
            else ""
        )
        rows.append(
            RateRow(
                row["school_id"],
                label,
                row["present"],
                row["late"],
                row["excused"],
                row["absent"],
                people=row["people"],
                region=row["school__region_id"],
                district=_district_name(row),
            )
        )
    return rows


def attendance_rates_by_region(*, programme: Programme, until: datetime.datetime | None = None) -> list[RateRow]:
    """Attendance by the region of the school people take part for: one grouped query."""

    grouped = (
        _marked(programme, until)
        .values("school__region_id", "school__region__name_kk", "school__region__name_ru", "school__region__name_en")
        .annotate(
            people=Count("person_id", distinct=True),
            present=Count("id", filter=Q(status=AttendanceStatus.PRESENT)),
            late=Count("id", filter=Q(status=AttendanceStatus.LATE)),
            excused=Count("id", filter=Q(status=AttendanceStatus.EXCUSED)),
            absent=Count("id", filter=Q(status=AttendanceStatus.ABSENT)),
        )
        .order_by(kazakh_order("school__region__name_kk"), "school__region_id")
    )
    return [
        RateRow(
            row["school__region_id"],
            Region(
                name_kk=row["school__region__name_kk"] or "",
                name_ru=row["school__region__name_ru"] or "",
                name_en=row["school__region__name_en"] or "",
            ).name
            if row["school__region_id"]
            else "",
            row["present"],
            row["late"],
            row["excused"],
            row["absent"],
            people=row["people"],
        )
        for row in grouped
    ]


@dataclass
class HoursRow:
    person_id: int
    name: str
    school: str
    hours: float
    attended: int
    district: str = ""


def participation_hours(*, programme: Programme, school_ids: list[int] | None = None) -> list[HoursRow]:
    """Hours per person in a programme: the sum of the durations of the gatherings they
    attended (present or late), computed in the database in one query. Cancelled gatherings
    and gatherings still ahead count for nothing."""

    rows = _held(Attendance.objects.filter(gathering__programme=programme))
    if school_ids is not None:
        rows = rows.filter(school_id__in=school_ids)
    grouped = (
        rows.values(
            "person_id", "person__surname", "person__given_name", "school__name_kk", "school__name_ru", *_DISTRICT_NAMES
        )
        .annotate(
            duration=Sum(_DURATION, filter=Q(status__in=ATTENDED)),
            attended=Count("id", filter=Q(status__in=ATTENDED)),
        )
        .order_by(kazakh_order("person__surname"), kazakh_order("person__given_name"), "person_id")
    )
    result = []
    for row in grouped:
        duration = row["duration"] or datetime.timedelta(0)
        school = School(name_kk=row["school__name_kk"] or "", name_ru=row["school__name_ru"] or "").name
        result.append(
            HoursRow(
                person_id=row["person_id"],
                name=f"{row['person__surname']} {row['person__given_name']}",
                school=school,
                hours=round(duration.total_seconds() / 3600, 2),
                attended=row["attended"],
                district=_district_name(row),
            )
        )
    return result


def person_hours(*, person_id: int, programme: Programme | None = None) -> float:
    """One person's participation hours (present or late) at gatherings held and not cancelled,
    summed in the database."""
    rows = _held(Attendance.objects.filter(person_id=person_id, status__in=ATTENDED))
    if programme is not None:
        rows = rows.filter(gathering__programme=programme)
    duration = rows.aggregate(total=Sum(_DURATION))["total"] or datetime.timedelta(0)
    return round(duration.total_seconds() / 3600, 2)


def expectable_people(*, gathering: Gathering) -> QuerySet[Any]:
    """Programme participants with a registry Person who are not expected yet: for in-school
    sessions those of its school, for network events those of its region."""

    memberships = Membership.objects.active().filter(programme_id=gathering.programme_id, user__person__isnull=False)
    if gathering.kind == "in_school" and gathering.school_id is not None:
        memberships = memberships.filter(school_id=gathering.school_id)
    elif gathering.kind == "network" and gathering.region_id is not None:
        memberships = memberships.filter(school__region_id=gathering.region_id)
    return (
        Person.objects.filter(pk__in=memberships.values("user__person"))
        .exclude(attendances__gathering=gathering)
        .order_by(kazakh_order("surname"), kazakh_order("given_name"), "id")
    )


def expectable_choices(*, gathering: Gathering, limit: int = 500) -> list[tuple[Person, School | None]]:
    """The people who may be added to a gathering, each with the school they take part for, so
    that two people of the same name can be told apart (two queries)."""
    memberships = Membership.objects.active().filter(
        programme_id=gathering.programme_id, user__person=OuterRef("pk"), school__isnull=False
    )
    people = list(
        expectable_people(gathering=gathering).annotate(
            school_for=Subquery(memberships.order_by("school_id").values("school_id")[:1])
        )[:limit]
    )
    schools = School.objects.select_related("district").in_bulk({p.school_for for p in people if p.school_for})
    return [(person, schools.get(person.school_for)) for person in people]  # type: ignore[attr-defined]


def gatherings_to_keep_offline(*, actor: User, days: int = 7) -> QuerySet[Gathering]:
    """The gatherings whose attendance pages a facilitator's phone keeps for offline use: those
    they lead and may mark, from today to ``days`` days ahead, not cancelled (issue 13)."""
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return (
        Gathering.objects.restrict(actor, "view")
        .filter(
            leads=actor,
            cancelled_at__isnull=True,
            programme__status=ProgrammeStatus.ACTIVE,
            starts_at__gte=today,
            starts_at__lt=today + datetime.timedelta(days=days + 1),
        )
        .order_by("starts_at", "id")
    )
