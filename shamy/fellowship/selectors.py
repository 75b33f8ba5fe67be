"""Reads for the fellowship: need scores (from the equity analytics), the solver's input, reach,
the cohort dashboard and the recruitment funnel."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from shamy.access.context import Access, AnalyticsScope
from shamy.analytics import need
from shamy.analytics.dashboard import need_candidates
from shamy.analytics.selectors import current_school_year
from shamy.attendance.models import ATTENDED, Attendance, Gathering, title_for_display
from shamy.core.db import kazakh_order
from shamy.core.rules import allowed
from shamy.fellowship.models import (
    CLOSED_STAGES,
    IN_EDUCATION,
    PIPELINE,
    Agreement,
    AgreementStatus,
    AlumniPathway,
    Application,
    Fellow,
    FellowshipCohort,
    Placement,
    PlacementRule,
    PlacementStatus,
    Pupil,
    Review,
    Stage,
    StageChange,
    SupportVisit,
    Vacancy,
)
from shamy.fellowship.services.support import TRAINING_KINDS
from shamy.registry.models import Region, School

# The need ranking is a national aggregate of registry counts: every coordinator's solve uses the
# same scores, whatever their own analytics scope.
NEED_SCOPE = AnalyticsScope(national=True)


def school_need_scores(schools: Iterable[School]) -> dict[int, float]:
    """Each school's need score, 0..100: its district's score in the equity analytics' need
    ranking of its region (default weights), or its region's national score when the school has
    no district or its district has no data. Reuses ``analytics.need.rank``; no second formula."""
    schools = list(schools)
    year = current_school_year()
    national = {
        r.place.pk: r.score
        for r in need.rank(
            need_candidates(scope=NEED_SCOPE, region=None, year=year, programme=None), need.DEFAULT_WEIGHTS
        )
    }
    by_region: dict[int, dict[int, float | None]] = {}
    regions = {s.region_id for s in schools}
    for region in Region.objects.filter(pk__in=sorted(regions)):
        ranked = need.rank(
            need_candidates(scope=NEED_SCOPE, region=region, year=year, programme=None), need.DEFAULT_WEIGHTS
        )
        by_region[region.pk] = {r.place.pk: r.score for r in ranked}
    scores = {}
    for school in schools:
        score = by_region.get(school.region_id, {}).get(school.district_id) if school.district_id else None
        if score is None:
            score = national.get(school.region_id)
        scores[school.pk] = round(float(score), 1) if score is not None else 0.0
    return scores


def with_cohort(rows: QuerySet[Any]) -> QuerySet[Any]:
    """The ``shape`` of ``@checked`` for fellowship cohorts."""
    return rows.select_related("cohort__programme")


def with_application_cohort(rows: QuerySet[Any]) -> QuerySet[Any]:
    return rows.select_related("cohort__cohort")


def with_placement_people(rows: QuerySet[Any]) -> QuerySet[Any]:
    return rows.select_related("fellow__cohort__cohort", "school", "mentor")


def open_cohort_or_404(cohort_id: int) -> FellowshipCohort:
    """A cohort taking applications: public (the application form needs no sign-in)."""
    return get_object_or_404(FellowshipCohort.objects.select_related("cohort"), pk=cohort_id, applications_open=True)


def signed_regions(programme_id: int) -> QuerySet[Region]:
    """Regions whose schools may host the programme's fellows (a signed agreement)."""
    signed = Agreement.objects.filter(programme_id=programme_id, status=AgreementStatus.SIGNED).values("region_id")
    return Region.objects.filter(pk__in=signed).order_by(kazakh_order("name_kk"), "id")


@dataclass
class Home:
    cohorts: list[FellowshipCohort]
    readable: set[int]
    reviews: list[Review]
    placements: list[Placement]


def fellowship_home(access: Access) -> Home:
    """The start page: the cohorts the actor sees (and which open a dashboard), the reviews
    assigned to them, and the placements they take part in as fellow or mentor."""
    cohorts = list(FellowshipCohort.objects.restrict(access, "view").select_related("cohort__programme"))
    readable = set(FellowshipCohort.objects.restrict(access, "read").values_list("pk", flat=True))
    reviews = list(
        Review.objects.filter(reviewer_id=access.user_id)
        .select_related("application__cohort__cohort")
        .order_by("submitted_at", "application_id")
    )
    placements = list(
        Placement.objects.restrict(access, "view")
        .filter(Q(fellow__user_id=access.user_id) | Q(mentor_id=access.user_id))
        .select_related("fellow", "school")
        .order_by("-starts_on", "pk")
    )
    return Home(cohorts, readable, reviews, placements)


def pipeline(access: Access, cohort: FellowshipCohort, stage: str) -> QuerySet[Application]:
    """The cohort's submitted applications the actor may see, with their reviewers, by stage."""
    rows = (
        Application.objects.restrict(access, "view")
        .filter(cohort=cohort)
        .exclude(stage=Stage.DRAFT)
        .prefetch_related(Prefetch("reviews", queryset=Review.objects.select_related("reviewer")))
        .order_by("stage", kazakh_order("full_name"), "pk")
    )
    return rows.filter(stage=stage) if stage in Stage.values else rows


def stage_counts(cohort: FellowshipCohort) -> list[tuple[str, str, int]]:
    counts = dict(
        Application.objects.filter(cohort=cohort).values_list("stage").annotate(n=Count("id")).values_list("stage", "n")
    )
    return [(s.value, str(s.label), counts.get(s.value, 0)) for s in Stage if s != Stage.DRAFT]


def application_reviews(access: Access, application: Application) -> tuple[list[Review], Review | None]:
    """The reviews the actor may read (all for coordinators, their own for a reviewer) and theirs."""
    reviews = list(application.reviews.select_related("reviewer"))
    mine = next((r for r in reviews if r.reviewer_id == access.user_id), None)
    if not allowed(access, application.cohort, "manage"):
        reviews = [mine] if mine else []
    return reviews, mine


def placement_rules(cohort: FellowshipCohort) -> QuerySet[PlacementRule]:
    return PlacementRule.objects.filter(cohort=cohort).select_related("fellow", "vacancy__school")


def fellow_and_vacancy_or_404(cohort: FellowshipCohort, fellow_id: int, vacancy_id: int) -> tuple[Fellow, Vacancy]:
    fellow = get_object_or_404(Fellow, pk=fellow_id, cohort=cohort)
    vacancy = get_object_or_404(Vacancy, pk=vacancy_id, programme_id=cohort.cohort.programme_id)
    return fellow, vacancy


def placement_page(placement: Placement) -> dict[str, Any]:
    """Check-ins, classes with their pupil counts, and the children the placement reached."""
    return {
        "check_ins": list(placement.check_ins.select_related("author")),
        "classes": list(placement.classes.annotate(pupil_count=Count("pupils")).order_by("school_year", "name")),
        "reach": reach(Placement.objects.filter(pk=placement.pk)),
    }


def current_pathway(fellow: Fellow) -> AlumniPathway | None:
    return fellow.pathways.order_by("-reported_on", "-id").first()


def open_vacancies(cohort: FellowshipCohort) -> list[Vacancy]:
    return list(
        Vacancy.objects.filter(programme_id=cohort.cohort.programme_id, is_open=True, placement__isnull=True)
        .select_related("school__region", "school__district")
        .order_by("pk")
    )


def fellows_to_place(cohort: FellowshipCohort) -> list[Fellow]:
    """Fellows of the cohort without a placement yet."""
    return list(cohort.fellows.filter(placements__isnull=True).prefetch_related("accepted_regions").order_by("pk"))


def placement_input(cohort: FellowshipCohort, weights: dict[str, float] | None = None) -> dict[str, Any]:
    """The solver's documented constraint-form input for a cohort: its unplaced fellows, the
    programme's open vacancies with each school's need score and the fellows already serving in
    its district, and the coordinator's locks and bans."""
    fellows = fellows_to_place(cohort)
    vacancies = open_vacancies(cohort)
    scores = school_need_scores(v.school for v in vacancies)
    nearby = dict(
        Placement.objects.filter(
            status=PlacementStatus.ACTIVE, fellow__cohort__cohort__programme_id=cohort.cohort.programme_id
        )
        .values_list("school__district_id")
        .annotate(n=Count("id"))
        .values_list("school__district_id", "n")
    )
    rules = PlacementRule.objects.filter(cohort=cohort)
    data: dict[str, Any] = {
        "fellows": [
            {
                "id": str(f.pk),
                "subjects": list(f.subjects),
                "languages": list(f.languages),
                "accepted_regions": [str(r.pk) for r in f.accepted_regions.all()],
                "ranked_regions": [str(r) for r in f.ranked_regions],
                "needs_housing": f.needs_housing,
            }
            for f in fellows
        ],
        "vacancies": [
            {
                "id": str(v.pk),
                "school": str(v.school_id),
                "subject": v.subject,
                "language": v.language,
                "region": str(v.school.region_id),
                "district": str(v.school.district_id or ""),
                "need_score": scores[v.school_id],
                "housing": v.housing,
                "fellows_nearby": nearby.get(v.school.district_id, 0) if v.school.district_id else 0,
            }
            for v in vacancies
        ],
        "locked": [[str(r.fellow_id), str(r.vacancy_id)] for r in rules if r.kind == PlacementRule.Kind.LOCK],
        "forbidden": [[str(r.fellow_id), str(r.vacancy_id)] for r in rules if r.kind == PlacementRule.Kind.FORBID],
    }
    if weights is not None:
        data["weights"] = weights
    return data


# --- reach -----------------------------------------------------------------------------------------


@dataclass
class Reach:
    direct: int = 0  # distinct pupils in the classes fellows teach
    indirect: int = 0  # pupils of the distinct schools fellows serve
    schools: int = 0
    fellows_placed: int = 0
    fellows_retained: int = 0


def reach(placements: Iterable[Placement] | Any) -> Reach:
    """Children reached by a set of placements: each child once, however many fellows teach them
    (distinct pupils), and each school's pupils once, however many fellows serve it (distinct
    schools). Two queries."""
    ids = (
        [p.pk for p in placements]
        if not hasattr(placements, "values_list")
        else list(placements.values_list("pk", flat=True))
    )
    direct = Pupil.objects.filter(classes__placement_id__in=ids).distinct().count()
    schools = School.objects.filter(pk__in=Placement.objects.filter(pk__in=ids).values("school_id"))
    totals = schools.aggregate(n=Count("id"), pupils=Sum("pupils"))
    placed = Placement.objects.filter(pk__in=ids)
    return Reach(
        direct=direct,
        indirect=totals["pupils"] or 0,
        schools=totals["n"] or 0,
        fellows_placed=placed.values("fellow_id").distinct().count(),
        fellows_retained=placed.exclude(status=PlacementStatus.LEFT_EARLY).values("fellow_id").distinct().count(),
    )


@dataclass
class RegionRow:
    region: Region
    reach: Reach
    left_early: int = 0


def cohort_dashboard(cohort: FellowshipCohort) -> tuple[Reach, list[RegionRow]]:
    """The cohort by region: fellows placed and retained, children reached directly and
    indirectly, schools. A fixed number of queries per region."""
    placements = Placement.objects.filter(fellow__cohort=cohort)
    total = reach(placements)
    rows = []
    region_ids = sorted(set(placements.values_list("school__region_id", flat=True)))
    for region in Region.objects.filter(pk__in=region_ids).order_by(kazakh_order("name_kk"), "id"):
        in_region = placements.filter(school__region=region)
        rows.append(
            RegionRow(region, reach(in_region), left_early=in_region.filter(status=PlacementStatus.LEFT_EARLY).count())
        )
    return total, rows


# --- the funnel --------------------------------------------------------------------------------------


@dataclass
class FunnelRow:
    stage: str
    label: str
    reached: int  # applications that ever reached this stage
    now: int  # applications in it now
    conversion: float | None  # share of the previous stage's that reached this one
    median_days: float | None  # median time spent in the stage (completed stays)


def funnel(cohort: FellowshipCohort) -> list[FunnelRow]:
    """Per pipeline stage: how many ever reached it, how many are there now, the conversion from
    the stage before, and the median days spent in it."""
    applications = Application.objects.filter(cohort=cohort).exclude(stage=Stage.DRAFT)
    now_counts = dict(applications.values_list("stage").annotate(n=Count("id")).values_list("stage", "n"))
    changes = list(
        StageChange.objects.filter(application__cohort=cohort)
        .order_by("application_id", "at", "id")
        .values_list("application_id", "from_stage", "to_stage", "at")
    )
    ever: dict[str, set[int]] = defaultdict(set)
    durations: dict[str, list[float]] = defaultdict(list)
    entered: dict[int, datetime.datetime] = {}
    for application_id, from_stage, to_stage, at in changes:
        if to_stage in PIPELINE:
            ever[to_stage].add(application_id)
        if application_id in entered and from_stage in PIPELINE:
            durations[from_stage].append((at - entered[application_id]).total_seconds() / 86400)
        entered[application_id] = at
    # Skipped stages count as reached (a bulk move from screened to offer passed assessment).
    for application_id, stage in applications.values_list("pk", "stage"):
        if stage in PIPELINE:
            for earlier in PIPELINE[: PIPELINE.index(Stage(stage)) + 1]:
                ever[earlier].add(application_id)
    for application_id in {c[0] for c in changes}:
        reached = [s for s in PIPELINE if application_id in ever[s]]
        if reached:
            for earlier in PIPELINE[: PIPELINE.index(Stage(reached[-1])) + 1]:
                ever[earlier].add(application_id)
    rows = []
    previous: int | None = None
    for stage in PIPELINE:
        count = len(ever[stage])
        spent = sorted(durations[stage])
        median = spent[len(spent) // 2] if spent else None
        rows.append(
            FunnelRow(
                stage,
                str(Stage(stage).label),
                count,
                now_counts.get(stage, 0),
                (count / previous) if previous else None,
                median,
            )
        )
        previous = count
    for stage in sorted(CLOSED_STAGES):
        rows.append(
            FunnelRow(stage, str(Stage(stage).label), now_counts.get(stage, 0), now_counts.get(stage, 0), None, None)
        )
    return rows


# --- alumni --------------------------------------------------------------------------------------------


@dataclass
class AlumniFigures:
    alumni: int = 0
    reported: int = 0
    by_pathway: dict[str, int] = field(default_factory=dict)
    in_education: int = 0
    in_rural_schools: int = 0


def alumni_figures(cohort: FellowshipCohort) -> AlumniFigures:
    """Alumni of a cohort by current pathway, the share still in education and in rural schools."""
    alumni = list(cohort.fellows.filter(graduated_on__isnull=False).values_list("pk", flat=True))
    current: dict[int, AlumniPathway] = {}
    for row in AlumniPathway.objects.filter(fellow_id__in=alumni).order_by("fellow_id", "-reported_on", "-id"):
        current.setdefault(row.fellow_id, row)
    figures = AlumniFigures(alumni=len(alumni), reported=len(current))
    for row in current.values():
        figures.by_pathway[row.pathway] = figures.by_pathway.get(row.pathway, 0) + 1
        figures.in_education += row.pathway in IN_EDUCATION
        figures.in_rural_schools += row.in_rural_school
    return figures


def region_need_scores() -> dict[int, float | None]:
    """Each region's score in the equity analytics' national need ranking (default weights)."""
    ranked = need.rank(
        need_candidates(scope=NEED_SCOPE, region=None, year=current_school_year(), programme=None), need.DEFAULT_WEIGHTS
    )
    return {r.place.pk: r.score for r in ranked}


def expansion(programme_id: int) -> list[dict[str, Any]]:
    """Each region of the programme's agreements: its status on the way from prospective to a
    first cohort, with targets and actual numbers, and the region's need score beside it."""
    scores = region_need_scores()
    rows = []
    for agreement in Agreement.objects.filter(programme_id=programme_id).select_related("region"):
        vacancies = Vacancy.objects.filter(programme_id=programme_id, school__region=agreement.region)
        placements = Placement.objects.filter(
            fellow__cohort__cohort__programme_id=programme_id, school__region=agreement.region
        )
        fellows = placements.values("fellow_id").distinct().count()
        schools = placements.values("school_id").distinct().count()
        if fellows:
            step = "first_cohort"
        elif vacancies.exists():
            step = "first_vacancies"
        elif agreement.status == AgreementStatus.SIGNED:
            step = "signed"
        else:
            step = "prospective"
        rows.append(
            {
                "agreement": agreement,
                "step": step,
                "vacancies": vacancies.count(),
                "fellows": fellows,
                "schools": schools,
                "need_score": scores.get(agreement.region_id),
            }
        )
    return rows


def user_by_email(email: str) -> Any:
    """An active account by e-mail (any case), or None: who a coordinator names as a reviewer."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(email__iexact=email.strip(), is_active=True).first()


def vacancy_choices(access: Access) -> tuple[QuerySet[School], QuerySet[Any]]:
    """The schools the actor may post for, and the fellowship programmes with a signed agreement
    in one of those schools' regions."""
    from shamy.fellowship.permissions import vacancy_schools
    from shamy.programmes.models import Programme

    allowed_schools = vacancy_schools(access)
    schools = School.objects.none() if allowed_schools is False else School.objects.all()
    if isinstance(allowed_schools, Q):
        schools = schools.filter(allowed_schools)
    signed = Agreement.objects.filter(status=AgreementStatus.SIGNED)
    schools = schools.filter(region_id__in=signed.values("region_id")).order_by(kazakh_order("name_kk"), "id")
    programmes = Programme.objects.filter(
        pk__in=signed.filter(region_id__in=schools.values("region_id")).values("programme_id")
    )
    return schools, programmes


def vacancies_posted(access: Access) -> list[Vacancy]:
    """Vacancies of the schools the actor may post for, with the fellow placed (if any)."""
    schools, _programmes = vacancy_choices(access)
    return list(
        Vacancy.objects.filter(school__in=schools)
        .select_related("school", "placement__fellow")
        .order_by("-created_at", "pk")[:200]
    )


# --- support: mentor visits and trainings (gatherings of the attendance app) --------------------------


def _hours(gathering: Gathering) -> float:
    return round((gathering.ends_at - gathering.starts_at).total_seconds() / 3600, 2)


@dataclass
class VisitRow:
    visit: SupportVisit
    mentor: str
    hours: float


@dataclass
class TrainingRow:
    gathering: Gathering
    title: str
    hours: float
    status: str  # the fellow's mark, in words ("" when not marked)
    attended: bool


@dataclass
class Support:
    visits: list[VisitRow]
    trainings: list[TrainingRow]
    visit_hours: float
    training_hours: float  # hours of the trainings the fellow attended (present or late)


def placement_support(placement: Placement) -> Support:
    """The fellow's mentor visits (with notes) and the programme's trainings they were expected
    at, with their marks and hours, from the attendance app's gatherings. Three queries."""
    visits = [
        VisitRow(visit, ", ".join(str(lead) for lead in visit.gathering.leads.all()), _hours(visit.gathering))
        for visit in placement.visits.select_related("gathering").prefetch_related("gathering__leads")
    ]
    trainings: list[TrainingRow] = []
    person_id = placement.fellow.person_id
    if person_id is not None:
        rows = (
            Attendance.objects.filter(
                person_id=person_id,
                gathering__programme_id=placement.fellow.cohort.cohort.programme_id,
                gathering__fellowship_visit__isnull=True,
                gathering__cancelled_at__isnull=True,
            )
            .select_related("gathering")
            .order_by("gathering__starts_at", "pk")
        )
        trainings = [
            TrainingRow(
                row.gathering,
                title_for_display(row.gathering.title, row.gathering.kind),
                _hours(row.gathering),
                row.get_status_display() if row.status else "",
                row.status in ATTENDED,
            )
            for row in rows
        ]
    return Support(
        visits=visits,
        trainings=trainings,
        visit_hours=round(sum(row.hours for row in visits), 2),
        training_hours=round(sum(row.hours for row in trainings if row.attended), 2),
    )


@dataclass
class CohortTraining:
    gathering: Gathering
    title: str
    hours: float
    expected: int
    attended: int


@dataclass
class CohortSupport:
    trainings: list[CohortTraining]
    visits: int
    visit_hours: float
    fellows_visited: int
    training_hours: float  # fellow-hours of training attended


def cohort_support(cohort: FellowshipCohort) -> CohortSupport:
    """The cohort's trainings (expected and attended) and its mentor visits, in two queries."""
    gatherings = (
        Gathering.objects.filter(
            cohort_id=cohort.cohort_id,
            kind__in=[kind.value for kind in TRAINING_KINDS],
            fellowship_visit__isnull=True,
            cancelled_at__isnull=True,
        )
        .annotate(
            expected_count=Count("attendances"),
            attended_count=Count("attendances", filter=Q(attendances__status__in=ATTENDED)),
        )
        .order_by("starts_at", "pk")
    )
    trainings = [
        CohortTraining(
            g,
            title_for_display(g.title, g.kind),
            _hours(g),
            g.expected_count,  # type: ignore[attr-defined]
            g.attended_count,  # type: ignore[attr-defined]
        )
        for g in gatherings
    ]
    visits = list(
        SupportVisit.objects.filter(placement__fellow__cohort=cohort)
        .select_related("gathering")
        .values_list("placement__fellow_id", "gathering__starts_at", "gathering__ends_at")
    )
    return CohortSupport(
        trainings=trainings,
        visits=len(visits),
        visit_hours=round(sum((end - start).total_seconds() for _f, start, end in visits) / 3600, 2),
        fellows_visited=len({fellow for fellow, _s, _e in visits}),
        training_hours=round(sum(t.hours * t.attended for t in trainings), 2),
    )


# --- editing -------------------------------------------------------------------------------------


def programmes_coordinated(access: Access) -> QuerySet[Any]:
    """Active programmes the actor coordinates: where they may open a fellowship cohort."""
    from shamy.access.roles import Role
    from shamy.programmes.models import Programme, ProgrammeStatus

    ids = sorted({m.programme_id for m in access.memberships if m.role == Role.COORDINATOR and m.programme_id})
    return Programme.objects.filter(status=ProgrammeStatus.ACTIVE, pk__in=ids).order_by(kazakh_order("name_kk"), "id")


def cohort_initial(fellowship: FellowshipCohort) -> dict[str, Any]:
    cohort = fellowship.cohort
    return {
        "name_kk": cohort.name_kk,
        "name_ru": cohort.name_ru,
        "name_en": cohort.name_en,
        "starts_on": cohort.starts_on,
        "ends_on": cohort.ends_on,
        "target_fellows": fellowship.target_fellows,
        "applications_open": fellowship.applications_open,
        "applications_close_on": fellowship.applications_close_on,
    }
