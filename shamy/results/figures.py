"""Every figure of a programme's results page and donor report, computed once, here.

The results page (the programme's dashboard) and the donor report both call
:func:`programme_figures` and format with :func:`display`, so a figure in the PDF is the one on
the page for the same period, with the same rounding and the same suppression: a figure computed
from fewer people than the analytics threshold is suppressed (as ``shamy.analytics.indicators``
does for teachers and hours per teacher), and so is a survey figure from fewer answers, whether
the survey is anonymous or not (these pages are read by donors).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import DurationField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shamy.access.models import Membership
from shamy.access.roles import Role
from shamy.analytics.models import IndicatorValue
from shamy.analytics.selectors import threshold as suppression_threshold
from shamy.attendance.models import ATTENDED, Attendance, Gathering
from shamy.portfolios.models import Portfolio, PortfolioStatus, PublicSummary
from shamy.programmes.models import CohortSchool, Programme
from shamy.registry.models import School
from shamy.results.models import ResultsIndicator, Source
from shamy.surveys.models import Phase, Survey, SurveyStatus
from shamy.surveys.selectors import QuestionResult, ResultFilters, SurveyResults, survey_results

COUNT, HOURS, SCORE, PERCENT = "count", "hours", "score", "percent"


@dataclass(frozen=True)
class Period:
    starts_on: datetime.date
    ends_on: datetime.date

    @property
    def start(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.starts_on, datetime.time.min))

    @property
    def end(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.ends_on, datetime.time.max))

    @classmethod
    def of_programme(cls, programme: Programme) -> Period:
        return cls(programme.starts_on, min(programme.ends_on, timezone.localdate()))


@dataclass(frozen=True)
class Figure:
    value: float | None
    unit: str
    source: Any
    suppressed: bool = False
    people: int | None = None

    @property
    def shown(self) -> bool:
        return self.value is not None and not self.suppressed


def display(figure: Figure) -> str:
    """The figure as text, rounded by its unit; "suppressed" and "—" instead of fake numbers."""
    if figure.suppressed:
        return _("suppressed")
    if figure.value is None:
        return "—"
    if figure.unit == COUNT:
        return number_format(round(figure.value), 0, force_grouping=True)
    if figure.unit == HOURS:
        return number_format(round(figure.value, 1), 1, force_grouping=True)
    if figure.unit == PERCENT:
        return number_format(round(figure.value), 0) + "%"
    return number_format(round(figure.value, 2), 2)


def _people(value: float | None, people: int, minimum: int, unit: str, source: Any) -> Figure:
    if people < minimum:
        return Figure(None, unit, source, suppressed=True, people=people)
    return Figure(value, unit, source, people=people)


# Certified teachers come from the credentials app, which sits above this one: it registers its
# counter in its AppConfig.ready (as it registers its figures with the analytics), and this module
# imports nothing from it. A counter takes (programme id, start, end) and returns distinct teachers
# certified in that time by the locality of their certified portfolio's school, and all of them:
# {"urban": n, "rural": m, "all": k}.
CertifiedCounter = Callable[[int, datetime.datetime, datetime.datetime], dict[str, int]]
CERTIFIED_COUNTERS: list[CertifiedCounter] = []


def register_certified_counter(counter: CertifiedCounter) -> None:
    if counter not in CERTIFIED_COUNTERS:
        CERTIFIED_COUNTERS.append(counter)


def _certified(programme: Programme, period: Period, minimum: int) -> tuple[Figure, Figure, Figure]:
    """Certified teachers in the period, all and by urban/rural school, each under the suppression
    rule; when one locality is suppressed the other is too (the total would give it away)."""
    source = SOURCES["certified"]
    if not CERTIFIED_COUNTERS:
        return Figure(None, COUNT, source), Figure(None, COUNT, source), Figure(None, COUNT, source)
    counts: dict[str, int] = {}
    for counter in CERTIFIED_COUNTERS:
        for locality, n in counter(programme.pk, period.start, period.end).items():
            counts[locality] = counts.get(locality, 0) + n
    total = counts.get("all", 0)
    urban, rural = counts.get("urban", 0), counts.get("rural", 0)
    if min(urban, rural) < minimum:
        urban_figure = Figure(None, COUNT, source, suppressed=True, people=urban)
        rural_figure = Figure(None, COUNT, source, suppressed=True, people=rural)
    else:
        urban_figure, rural_figure = (
            Figure(urban, COUNT, source, people=urban),
            Figure(rural, COUNT, source, people=rural),
        )
    return _people(total, total, minimum, COUNT, source), urban_figure, rural_figure


@dataclass
class SurveyOutcome:
    survey: Survey
    results: SurveyResults
    items: list[QuestionResult] = field(default_factory=list)


@dataclass
class ProgrammeFigures:
    programme: Programme
    period: Period
    threshold: int
    schools: Figure
    teachers: Figure
    children: Figure
    sessions: Figure
    hours: Figure
    hours_per_teacher: Figure
    portfolios: Figure
    certified: Figure
    certified_urban: Figure
    certified_rural: Figure
    published: Figure
    surveys: list[SurveyOutcome]
    framework: list[tuple[ResultsIndicator, Figure, float | None]]
    summaries: list[PublicSummary]

    def reach(self) -> list[tuple[str, Figure]]:
        return [(_("Schools"), self.schools), (_("Teachers"), self.teachers), (_("Children"), self.children)]

    def activities(self) -> list[tuple[str, Figure]]:
        return [
            (_("Sessions held"), self.sessions),
            (_("Participation hours"), self.hours),
            (_("Hours per teacher"), self.hours_per_teacher),
        ]

    def outcomes(self) -> list[tuple[str, Figure]]:
        return [
            (_("Portfolios submitted"), self.portfolios),
            (_("Certified teachers"), self.certified),
            (_("Certified teachers, urban schools"), self.certified_urban),
            (_("Certified teachers, rural schools"), self.certified_rural),
            (_("Projects published"), self.published),
        ]

    def all_displayed(self) -> dict[str, str]:
        """Every figure by a stable key, formatted: what the page and the PDF must both show."""
        shown = {f"reach:{index}": display(f) for index, (_label, f) in enumerate(self.reach())} | {
            f"activity:{index}": display(f) for index, (_label, f) in enumerate(self.activities())
        }
        shown |= {f"outcome:{index}": display(f) for index, (_label, f) in enumerate(self.outcomes())}
        shown |= {f"framework:{indicator.pk}": display(figure) for indicator, figure, _p in self.framework}
        return shown


SOURCES = {
    "schools": gettext_lazy("Programme cohorts and the school registry"),
    "teachers": gettext_lazy("Active teacher memberships in the programme"),
    "children": gettext_lazy("School registry: pupils of the schools reached"),
    "attendance": gettext_lazy("Attendance records (gatherings not cancelled)"),
    "portfolios": gettext_lazy("Portfolios submitted in the period"),
    "published": gettext_lazy("Public project summaries published with consent"),
    "certified": gettext_lazy("Certificates issued in the period and not revoked (school of the certified portfolio)"),
}


def _duration() -> ExpressionWrapper:
    return ExpressionWrapper(F("gathering__ends_at") - F("gathering__starts_at"), output_field=DurationField())


def _survey_figure(indicator: ResultsIndicator, cache: dict[int, SurveyResults]) -> Figure:
    question = indicator.question
    assert question is not None  # noqa: S101 - guaranteed by a check constraint
    survey = question.survey
    if survey.pk not in cache:
        cache[survey.pk] = survey_results(survey=survey, filters=ResultFilters(), suppress_small=True)
    results = cache[survey.pk]
    source = _("Survey “%(survey)s”, question “%(question)s”") % {"survey": survey.label, "question": question.label}
    item = next((entry for entry in results.questions if entry.question.pk == question.pk), None)
    if item is None:
        return Figure(None, SCORE, source)
    if item.suppressed:
        return Figure(None, SCORE, source, suppressed=True, people=item.answered)
    paired = item.paired
    if paired is None and item.rows:
        # A matrix question: the mean over its rows.
        means = [row.mean for row in item.rows if row.mean is not None]
        changes = [row.paired.mean_change for row in item.rows if row.paired and row.paired.mean_change is not None]
        improved = [
            row.paired.share_improved for row in item.rows if row.paired and row.paired.share_improved is not None
        ]
        if indicator.source == Source.SURVEY_MEAN:
            return Figure(sum(means) / len(means) if means else None, SCORE, source, people=item.answered)
        if indicator.source == Source.SURVEY_CHANGE:
            return Figure(sum(changes) / len(changes) if changes else None, SCORE, source, people=item.answered)
        return Figure(sum(improved) / len(improved) * 100 if improved else None, PERCENT, source, people=item.answered)
    if indicator.source == Source.SURVEY_MEAN:
        return Figure(item.mean, SCORE, source, people=item.answered)
    if indicator.source == Source.SURVEY_CHANGE:
        return Figure(paired.mean_change if paired else None, SCORE, source, people=paired.n if paired else 0)
    share = paired.share_improved if paired else None
    return Figure(share * 100 if share is not None else None, PERCENT, source, people=paired.n if paired else 0)


def _imported_figure(indicator: ResultsIndicator, school_ids: list[int], period: Period) -> Figure:
    imported = indicator.imported_indicator
    assert imported is not None  # noqa: S101 - guaranteed by a check constraint
    rows = IndicatorValue.objects.filter(
        indicator=imported, level="school", school_id__in=school_ids, year__lte=period.ends_on.year
    ).values_list("year", "value", "people")
    latest = max((year for year, _v, _p in rows), default=None)
    source = _("%(indicator)s, school values of %(year)s") % {"indicator": imported.label, "year": latest or "—"}
    chosen = [(value, people or 0) for year, value, people in rows if year == latest]
    weight = sum(people for _v, people in chosen)
    if not chosen:
        return Figure(None, SCORE, source)
    if weight:
        value = sum(v * p for v, p in chosen) / weight
    else:
        value = sum(v for v, _p in chosen) / len(chosen)
    return Figure(value, SCORE, source, people=weight or None)


def progress(indicator: ResultsIndicator, figure: Figure) -> float | None:
    """Share of the way from the baseline (0 if none) to the target, 0–100 (may pass 100)."""
    if not figure.shown or figure.value is None:
        return None
    start = indicator.baseline or 0.0
    if indicator.target == start:
        return None
    return max(0.0, (figure.value - start) / (indicator.target - start) * 100)


def programme_figures(*, programme: Programme, period: Period, summaries: int = 3) -> ProgrammeFigures:
    minimum = suppression_threshold()
    school_ids = sorted(
        set(
            CohortSchool.objects.filter(cohort__programme=programme, joined_on__lte=period.ends_on).values_list(
                "school_id", flat=True
            )
        )
    )
    pupils = School.objects.filter(pk__in=school_ids).aggregate(total=Sum("pupils"))["total"] or 0
    teachers = (
        Membership.objects.filter(programme=programme, role=Role.TEACHER, starts_on__lte=period.ends_on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=period.starts_on))
        .values("user_id")
        .distinct()
        .count()
    )
    gatherings = Gathering.objects.filter(
        programme=programme, cancelled_at__isnull=True, starts_at__gte=period.start, starts_at__lte=period.end
    )
    sessions = gatherings.filter(ends_at__lte=timezone.now()).count()
    attended = Attendance.objects.filter(gathering__in=gatherings, status__in=ATTENDED).aggregate(
        total=Sum(_duration())
    )
    hours = (attended["total"] or datetime.timedelta(0)).total_seconds() / 3600
    participants = (
        Attendance.objects.filter(gathering__in=gatherings, status__in=ATTENDED).values("person_id").distinct().count()
    )
    portfolios = Portfolio.objects.filter(
        project__cohort__programme=programme,
        status=PortfolioStatus.SUBMITTED,
        submitted_at__gte=period.start,
        submitted_at__lte=period.end,
    ).count()
    published_qs = PublicSummary.objects.published().filter(
        project__cohort__programme=programme, published_at__gte=period.start, published_at__lte=period.end
    )
    published = published_qs.count()
    chosen = list(published_qs.select_related("project", "project__school").order_by("-published_at")[:summaries])
    certified, certified_urban, certified_rural = _certified(programme, period, minimum)
    cache: dict[int, SurveyResults] = {}
    outcomes = []
    for survey in (
        Survey.objects.filter(
            programme=programme, phase=Phase.POST, opens_at__lte=period.end, closes_at__gte=period.start
        )
        .exclude(status=SurveyStatus.DRAFT)
        .select_related("pre_survey")
        .order_by("opens_at", "pk")
    ):
        results = survey_results(survey=survey, filters=ResultFilters(), suppress_small=True)
        cache[survey.pk] = results
        items = [item for item in results.questions if item.question.is_numeric]
        outcomes.append(SurveyOutcome(survey, results, items))
    figures = ProgrammeFigures(
        programme=programme,
        period=period,
        threshold=minimum,
        schools=Figure(len(school_ids), COUNT, SOURCES["schools"]),
        teachers=_people(teachers, teachers, minimum, COUNT, SOURCES["teachers"]),
        children=Figure(pupils, COUNT, SOURCES["children"]),
        sessions=Figure(sessions, COUNT, SOURCES["attendance"]),
        hours=Figure(hours, HOURS, SOURCES["attendance"]),
        hours_per_teacher=_people(
            hours / participants if participants else None, participants, minimum, HOURS, SOURCES["attendance"]
        ),
        portfolios=Figure(portfolios, COUNT, SOURCES["portfolios"]),
        certified=certified,
        certified_urban=certified_urban,
        certified_rural=certified_rural,
        published=Figure(published, COUNT, SOURCES["published"]),
        surveys=outcomes,
        framework=[],
        summaries=chosen,
    )
    by_source: dict[str, Figure] = {
        Source.SCHOOLS: figures.schools,
        Source.TEACHERS: figures.teachers,
        Source.CHILDREN: figures.children,
        Source.SESSIONS: figures.sessions,
        Source.HOURS: figures.hours,
        Source.HOURS_PER_TEACHER: figures.hours_per_teacher,
        Source.PORTFOLIOS: figures.portfolios,
        Source.CERTIFIED: figures.certified,
        Source.PUBLISHED: figures.published,
    }
    indicators = ResultsIndicator.objects.filter(programme=programme).select_related(
        "question", "question__survey", "imported_indicator"
    )
    # Outputs before outcomes ("output" sorts after "outcome").
    for indicator in indicators.order_by("-level", "position", "id"):
        if indicator.source in by_source:
            figure = by_source[indicator.source]
        elif indicator.source == Source.IMPORTED:
            figure = _imported_figure(indicator, school_ids, period)
        else:
            figure = _survey_figure(indicator, cache)
        figures.framework.append((indicator, figure, progress(indicator, figure)))
    return figures
