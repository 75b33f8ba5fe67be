"""Reads for projects, portfolios and published summaries. Project reads start from
``DevelopmentProject.objects.restrict(actor, "view")``; aggregates are computed in SQL."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from shamy.access.context import Access, Actor, access_for
from shamy.access.roles import Role
from shamy.accounts.models import User
from shamy.core.db import kazakh_order
from shamy.core.inputs import parse_id, parse_int
from shamy.core.rules import allowed, require
from shamy.core.suppression import complete, primary, threshold
from shamy.core.text import kazakh_sort_key, search_query_key
from shamy.portfolios import permissions, quotes
from shamy.portfolios.models import (
    Comment,
    DevelopmentProject,
    Draft,
    Evidence,
    EvidenceKind,
    FocusTheme,
    JournalEntry,
    Portfolio,
    PortfolioSection,
    PortfolioStatus,
    ProjectStep,
    PublicSummary,
    SharingConsent,
    SummaryLanguage,
    Thread,
)
from shamy.programmes.models import Cohort, CohortSchool, MethodologyStage, Programme
from shamy.registry.models import Person, Region, School

DEFAULT_STUCK_WEEKS = 3
MAX_STUCK_WEEKS = 52


def _project_rows(queryset: QuerySet[DevelopmentProject]) -> QuerySet[DevelopmentProject]:
    return queryset.select_related("teacher", "school", "theme", "stage", "cohort__programme", "portfolio")


def project_list_own(*, actor: User) -> QuerySet[DevelopmentProject]:
    """The actor's own projects and those they collaborate on."""
    own = DevelopmentProject.objects.restrict(actor, "view").filter(permissions.own_projects(actor.pk))
    return _project_rows(own).order_by("-last_activity_at", "id")


# --- What ``@checked`` fetches with the URL's object (its ``shape``) ----------------------------


def project_page(projects: QuerySet[DevelopmentProject]) -> QuerySet[DevelopmentProject]:
    """A project with what its pages and its rules read (teacher, collaborators, cohort...)."""
    return _project_rows(projects).prefetch_related("collaborators")


def step_page(steps: QuerySet[ProjectStep]) -> QuerySet[ProjectStep]:
    return steps.select_related(
        "project__teacher",
        "project__school",
        "project__theme",
        "project__stage",
        "project__cohort__programme",
        "project__portfolio",
    ).prefetch_related("project__collaborators")


def portfolio_page(portfolios: QuerySet[Portfolio]) -> QuerySet[Portfolio]:
    return portfolios.select_related(
        "project__teacher", "project__school", "project__theme", "project__stage", "project__cohort__programme"
    ).prefetch_related(
        Prefetch(
            "sections", queryset=PortfolioSection.objects.prefetch_related("evidence").select_related("updated_by")
        ),
        "project__collaborators",
    )


def section_page(sections: QuerySet[PortfolioSection]) -> QuerySet[PortfolioSection]:
    return sections.select_related(
        "portfolio__project__teacher", "portfolio__project__cohort", "updated_by"
    ).prefetch_related("portfolio__project__collaborators", "evidence")


def evidence_page(evidence: QuerySet[Evidence]) -> QuerySet[Evidence]:
    return evidence.select_related("project__teacher", "project__cohort", "project__portfolio").prefetch_related(
        "project__collaborators"
    )


@dataclass
class SectionSources:
    """The project's records offered beside a section editor, each as a ready :class:`Quote`."""

    journal: list[quotes.Quote]
    steps: list[quotes.Quote]
    evidence: list[quotes.Quote]

    def __bool__(self) -> bool:
        return bool(self.journal or self.steps or self.evidence)


def section_sources(*, project: DevelopmentProject) -> SectionSources:
    """Journal entries (newest first), plan steps and evidence of the section's own project, in
    three queries whatever their number. The caller has checked that the actor edits the section."""
    return SectionSources(
        journal=[quotes.journal_quote(entry) for entry in JournalEntry.objects.filter(project=project)],
        steps=[quotes.step_quote(step) for step in ProjectStep.objects.filter(project=project)],
        evidence=[quotes.evidence_quote(item) for item in Evidence.objects.filter(project=project)],
    )


def section_quote(*, project: DevelopmentProject, token: str) -> quotes.Quote | None:
    """The record named by ``token`` ("journal:12"), if it belongs to ``project``."""
    parsed = quotes.parse_token(token)
    if parsed is None:
        return None
    kind, pk = parsed
    if kind == "journal":
        entry = JournalEntry.objects.filter(project=project, pk=pk).first()
        return quotes.journal_quote(entry) if entry else None
    if kind == "step":
        step = ProjectStep.objects.filter(project=project, pk=pk).first()
        return quotes.step_quote(step) if step else None
    item = Evidence.objects.filter(project=project, pk=pk).first()
    return quotes.evidence_quote(item) if item else None


def public_photos(*, summary: PublicSummary) -> list[Evidence]:
    """Photos of a published project that may be shown publicly: the teacher ticked "may be
    published", and a photo showing pupils also has the parents' consent on file."""
    return list(
        Evidence.objects.filter(project_id=summary.project_id, kind=EvidenceKind.PHOTO, publication_consent=True)
        .exclude(file="")
        .filter(Q(shows_pupils=False) | Q(parental_consent=True))
        .order_by("created_at", "id")
    )


def public_photo_get(*, summary: PublicSummary, evidence_id: int) -> Evidence:
    """One publishable photo of a published project (public: no rule), else 404."""
    for photo in public_photos(summary=summary):
        if photo.pk == evidence_id:
            return photo
    raise Http404


def portfolio_export_evidence(*, portfolio: Portfolio) -> list[Evidence]:
    """Every piece of evidence of the portfolio's project, oldest first (the export's list)."""
    return list(Evidence.objects.filter(project_id=portfolio.project_id).order_by("created_at", "id"))


def with_programme(cohorts: QuerySet[Cohort]) -> QuerySet[Cohort]:
    return cohorts.select_related("programme")


# --- The project page ------------------------------------------------------------------------


def project_detail_context(*, user: Actor, project: DevelopmentProject) -> dict[str, Any]:
    """Everything on the project page, in a fixed number of queries."""
    threads = permissions.thread_participants(user, project)
    comments = (
        Comment.objects.filter(project=project, thread__in=sorted(threads)).select_related("author")
        if threads
        else Comment.objects.none()
    )
    stages = programme_stages(programme_id=project.cohort.programme_id)
    index = next((i for i, stage in enumerate(stages) if stage.pk == project.stage_id), 0)
    return {
        "stages": stages,
        "stage_index": index,
        "next_stage": stages[index + 1] if index + 1 < len(stages) else None,
        "previous_stage": stages[index - 1] if index > 0 else None,
        "steps": list(project.steps.all()),
        "journal": list(project.journal.select_related("author", "written_at_stage", "arrived_at_stage")),
        "evidence": list(project.evidence.all()),
        "comments": list(comments),
        # The school's own thread first, then the link facilitator's (the order of ``Thread``).
        "threads": [thread for thread in Thread.values if thread in threads],
    }


def programme_stages(*, programme_id: int) -> list[MethodologyStage]:
    """The methodology stages of the programme of an object already checked, in order."""
    return list(MethodologyStage.objects.filter(programme_id=programme_id).order_by("order", "id"))


def stage_to_move_to(*, project: DevelopmentProject, stage_id: int) -> MethodologyStage | None:
    """A stage of the project's own programme (None for another programme's or a missing one)."""
    return MethodologyStage.objects.filter(programme_id=project.cohort.programme_id, pk=stage_id).first()


def drafts(*, access: Access, keys: list[str]) -> dict[str, Draft]:
    """The actor's own autosaved drafts under ``keys``."""
    if not keys:
        return {}
    return {draft.key: draft for draft in Draft.objects.restrict(access, "view").filter(key__in=keys)}


def cohorts_to_start_in(*, access: Access) -> list[Cohort]:
    """The cohorts in which the actor teaches (a new project belongs to one of them)."""
    return list(Cohort.objects.restrict(access, "start-project").select_related("programme"))


def colleagues(*, access: Access, project: DevelopmentProject) -> QuerySet[Person]:
    """People employed now at the project's school, who may join it as collaborators."""
    return (
        Person.objects.restrict(access, "colleagues")
        .filter(employments__school_id=project.school_id, employments__ends_on__isnull=True)
        .exclude(pk=project.teacher_id)
        .distinct()
        .order_by(kazakh_order("surname"), kazakh_order("given_name"), "id")
    )


def sharing_state(*, project: DevelopmentProject) -> tuple[PublicSummary | None, SharingConsent | None]:
    """The project's public summary (published or not) and its standing consent."""
    public = getattr(project, "public_summary", None)
    consent = project.sharing_consents.filter(withdrawn_at__isnull=True).first()
    return public, consent


def theme_list(*, access: Access) -> QuerySet[FocusTheme]:
    return FocusTheme.objects.restrict(access, "edit").order_by("order", "code")


def portfolio_list_submitted(*, actor: Actor) -> QuerySet[Portfolio]:
    """Submitted portfolios of the programmes the actor certifies or coordinates, newest first."""
    programmes = sorted(
        {
            m.programme_id
            for m in access_for(actor).programme_memberships()
            if m.role in (Role.CERTIFIER, Role.COORDINATOR) and m.programme_id is not None
        }
    )
    return (
        Portfolio.objects.restrict(actor, "view")
        .filter(status=PortfolioStatus.SUBMITTED, project__cohort__programme_id__in=programmes)
        .select_related(
            "project__teacher",
            "project__school__region",
            "project__school__district",
            "project__theme",
            "project__cohort__programme",
        )
        .order_by("-submitted_at", "-id")
    )


# --- The school facilitator's board ----------------------------------------------------------


@dataclass
class BoardColumn:
    stage: MethodologyStage
    projects: list[DevelopmentProject] = field(default_factory=list)


def board_schools(*, access: Access, cohort: Cohort) -> list[School]:
    """Schools of the cohort whose board the actor may open (all of them for a coordinator)."""
    return permissions.board_schools(access, cohort)


@dataclass
class BoardIndex:
    boards: list[CohortSchool]
    overview_programmes: list[Programme]
    support_programmes: list[Programme]


def board_index(*, access: Access) -> BoardIndex:
    """Every school board the actor may open, and the programmes whose overviews they may read."""
    links = CohortSchool.objects.restrict(access, "board").select_related("cohort__programme", "school__district")
    ordered = sorted(
        links, key=lambda link: (link.cohort.programme_id, link.cohort_id, kazakh_sort_key(link.school.name))
    )
    programmes = list(Programme.objects.restrict(access, "view"))
    return BoardIndex(
        boards=ordered,
        overview_programmes=[p for p in programmes if allowed(access, p, "project-overview")],
        support_programmes=[p for p in programmes if allowed(access, p, "project-support")],
    )


def board_columns(*, actor: Actor, cohort: Cohort, school: School) -> list[BoardColumn]:
    """The school's projects in the cohort, one column per methodology stage (two queries)."""
    columns = {
        stage.pk: BoardColumn(stage)
        for stage in MethodologyStage.objects.filter(programme_id=cohort.programme_id).order_by("order", "id")
    }
    projects = (
        DevelopmentProject.objects.restrict(actor, "view")
        .filter(cohort=cohort, school=school)
        .select_related("teacher", "theme")
        .annotate(evidence_count=Count("evidence", distinct=True))
        .order_by(kazakh_order("teacher__surname"), "id")
    )
    for project in projects:
        if project.stage_id in columns:
            columns[project.stage_id].projects.append(project)
    return list(columns.values())


# --- The link facilitator's view -------------------------------------------------------------


def stuck_weeks(raw: str | None) -> int:
    """N of "no activity for N weeks" from a query parameter (default 3, 1..52)."""
    value = parse_int(raw, minimum=0, maximum=9999)
    if value is None:
        return DEFAULT_STUCK_WEEKS
    return min(max(value, 1), MAX_STUCK_WEEKS)


@dataclass
class SchoolProgress:
    school: School
    total: int = 0
    stuck: list[DevelopmentProject] = field(default_factory=list)
    stage_counts: dict[int, int] = field(default_factory=dict)


def link_overview(*, actor: Actor, programme: Programme, weeks: int) -> list[SchoolProgress]:
    """Every school assigned to the link facilitator (all schools for a coordinator), each with
    project counts per stage and the projects without activity for ``weeks`` weeks."""
    if access_for(actor).is_coordinator(programme.pk):
        schools = School.objects.filter(cohort_links__cohort__programme=programme).distinct()
    else:
        schools = School.objects.filter(pk__in=sorted(access_for(actor).link_school_ids(programme)))
    rows = {
        school.pk: SchoolProgress(school)
        for school in schools.select_related("region", "district").order_by(
            "region__kato", kazakh_order("name_kk"), "id"
        )
    }
    projects = DevelopmentProject.objects.restrict(actor, "view").filter(
        cohort__programme=programme, school_id__in=sorted(rows)
    )
    for row in projects.values("school_id", "stage_id").annotate(count=Count("id")).order_by():
        progress = rows[row["school_id"]]
        progress.stage_counts[row["stage_id"]] = row["count"]
        progress.total += row["count"]
    threshold = timezone.now() - datetime.timedelta(weeks=weeks)
    stuck = (
        projects.filter(last_activity_at__lt=threshold)
        .select_related("teacher", "stage")
        .order_by("last_activity_at", "id")
    )
    for project in stuck:
        rows[project.school_id].stuck.append(project)
    return list(rows.values())


# --- The coordinator's view (aggregates only) -------------------------------------------------


@dataclass
class AggregateRow:
    """One row of the overview. A count is None where it is suppressed (see
    :func:`suppress_overview`): shown to those who see aggregates only, it came from too few
    projects, or another hidden count could be worked out from it."""

    label: str
    region_id: int | None
    school_id: int | None
    total: int | None
    stuck: int | None
    endorsed: int | None
    submitted: int | None
    published: int | None
    stage_counts: list[int | None]
    district: str = ""  # a school row's district: two schools of one name are told apart


OVERVIEW_COLUMNS = ("total", "stuck", "endorsed", "submitted", "published")


def suppress_overview(
    regions: list[AggregateRow], schools: list[AggregateRow], nation: AggregateRow, minimum: int
) -> None:
    """Primary and secondary suppression of the overview table, in place (issue 12, point 8).

    Counts under ``minimum`` (but not 0) are hidden, then further counts so that none can be
    worked out: in each row the stages add up to the projects; in each column a region's schools
    add up to the region, and the regions to the programme's total."""
    rows = [*regions, *schools, nation]
    stages = len(nation.stage_counts)
    columns = [*OVERVIEW_COLUMNS, *(f"stage:{index}" for index in range(stages))]

    def get(row: AggregateRow, column: str) -> int | None:
        if column.startswith("stage:"):
            return row.stage_counts[int(column[6:])]
        return getattr(row, column)  # type: ignore[no-any-return]

    values = {(id(row), column): get(row, column) for row in rows for column in columns}
    hidden = primary(values, minimum)  # type: ignore[arg-type]
    stage_columns = [column for column in columns if column.startswith("stage:")]
    lines = [[(id(row), column) for column in [*stage_columns, "total"]] for row in rows]
    for region in regions:
        members = [row for row in schools if row.region_id == region.region_id]
        lines += [[(id(row), column) for row in [*members, region]] for column in columns]
    lines += [[(id(row), column) for row in [*regions, nation]] for column in columns]
    totals = {(id(row), "total") for row in rows} | {
        (id(row), column) for row in [*regions, nation] for column in columns
    }
    hidden = complete(values, lines, hidden, totals=totals)  # type: ignore[arg-type]
    for row in rows:
        for column in columns:
            if (id(row), column) not in hidden:
                continue
            if column.startswith("stage:"):
                row.stage_counts[int(column[6:])] = None
            else:
                setattr(row, column, None)


def programme_overview(
    *, actor: Actor, programme: Programme, weeks: int = DEFAULT_STUCK_WEEKS
) -> tuple[list[MethodologyStage], list[AggregateRow], list[AggregateRow], AggregateRow]:
    """Counts per region and per school of the programme's projects, by stage, in SQL, and the
    programme's total row.

    For coordinators, observers and national readers; the caller checks
    ``can_view_programme_overview``. No project rows or names leave this function. Only the
    programme's coordinators (who see its projects anyway) get the counts of small groups; for
    observers and national readers, who see aggregates only, they are suppressed as on every
    published table (:func:`suppress_overview`).
    """
    require(actor, programme, "project-overview")
    stages = programme_stages(programme_id=programme.pk)
    threshold = timezone.now() - datetime.timedelta(weeks=weeks)
    measures: dict[str, Any] = {
        "total": Count("id"),
        "stuck": Count("id", filter=Q(last_activity_at__lt=threshold)),
        "endorsed": Count("id", filter=Q(endorsed_at__isnull=False)),
        "submitted": Count("id", filter=Q(portfolio__status="submitted")),
        "published": Count(
            "id",
            filter=Q(public_summary__published_at__isnull=False, public_summary__consent__withdrawn_at__isnull=True),
        ),
    }
    for stage in stages:
        measures[f"stage_{stage.pk}"] = Count("id", filter=Q(stage_id=stage.pk))
    base = DevelopmentProject.objects.filter(cohort__programme=programme)

    def rows(group: list[str]) -> list[dict[str, Any]]:
        return list(base.values(*group).annotate(**measures).order_by(*group))

    regions = {
        region.pk: region
        for region in Region.objects.filter(schools__cohort_links__cohort__programme=programme).distinct()
    }
    schools = {
        school.pk: school
        for school in School.objects.filter(cohort_links__cohort__programme=programme)
        .select_related("district")
        .distinct()
    }

    def build(row: dict[str, Any], label: str, region_id: int | None, school_id: int | None) -> AggregateRow:
        return AggregateRow(
            label=label,
            region_id=region_id,
            school_id=school_id,
            total=row["total"],
            stuck=row["stuck"],
            endorsed=row["endorsed"],
            submitted=row["submitted"],
            published=row["published"],
            stage_counts=[row[f"stage_{stage.pk}"] for stage in stages],
        )

    region_rows = [
        build(row, str(regions.get(row["school__region_id"], "")), row["school__region_id"], None)
        for row in rows(["school__region_id"])
    ]
    school_rows = [
        build(row, str(schools.get(row["school_id"], "")), row["school__region_id"], row["school_id"])
        for row in rows(["school__region_id", "school_id"])
    ]
    for row in school_rows:
        school = schools.get(row.school_id)  # type: ignore[arg-type]
        row.district = school.district.name if school is not None and school.district is not None else ""
    nation = AggregateRow(
        label="",
        region_id=None,
        school_id=None,
        **{column: sum(getattr(row, column) for row in region_rows) for column in OVERVIEW_COLUMNS},
        stage_counts=[sum(row.stage_counts[index] or 0 for row in region_rows) for index in range(len(stages))],
    )
    minimum = overview_threshold(actor=actor, programme=programme)
    if minimum is not None:
        suppress_overview(region_rows, school_rows, nation, minimum)
    return stages, region_rows, school_rows, nation


def overview_threshold(*, actor: Actor, programme: Programme) -> int | None:
    """The smallest count the overview shows this actor: None for the programme's coordinators
    (who see its projects anyway) and system administrators; the platform's threshold for those
    who see aggregates only (observers and donors, national readers)."""
    access = access_for(actor)
    if access.is_coordinator(programme) or access.is_system_admin:
        return None
    return threshold()


# --- Published summaries (public) ----------------------------------------------------------------


@dataclass(frozen=True)
class PublicFilters:
    theme: str = ""
    region: int | None = None
    language: str = ""
    search: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, Any]) -> PublicFilters:
        language = str(query.get("language") or "").strip()
        return cls(
            theme=str(query.get("theme") or "").strip()[:40],
            region=parse_id(query.get("region")),
            language=language if language in SummaryLanguage.values else "",
            search=str(query.get("q") or "").strip()[:100],
        )


def public_summary_list(*, filters: PublicFilters) -> QuerySet[PublicSummary]:
    """Published summaries, newest first. Region filtering only matches teachers who agreed to
    show their school, so a filter cannot reveal what the teacher withheld."""
    summaries = PublicSummary.objects.published().select_related(
        "consent", "project__teacher", "project__school__region", "project__theme"
    )
    if filters.theme:
        summaries = summaries.filter(project__theme__code=filters.theme)
    if filters.region:
        summaries = summaries.filter(project__school__region_id=filters.region, consent__show_school=True)
    if filters.language:
        summaries = summaries.filter(language=filters.language)
    if filters.search:
        summaries = summaries.filter(search_text__contains=search_query_key(filters.search))
    return summaries.order_by("-published_at", "-id")


def public_summary_get(*, public_id: str) -> PublicSummary:
    """A published summary (public: no rule), else 404."""
    return get_object_or_404(
        PublicSummary.objects.published().select_related(
            "consent", "project__teacher", "project__school__region", "project__theme", "project__cohort__programme"
        ),
        public_id=public_id,
    )


def public_filter_choices() -> tuple[list[FocusTheme], list[Region]]:
    themes = list(FocusTheme.objects.filter(projects__public_summary__published_at__isnull=False).distinct())
    regions = list(
        Region.objects.filter(
            schools__development_projects__public_summary__published_at__isnull=False,
            schools__development_projects__public_summary__consent__show_school=True,
        )
        .distinct()
        .order_by("kato")
    )
    return themes, regions
