"""Reads: surveys one may see, the recipients, and the results aggregated in the database.

Results take a fixed number of queries whatever the number of responses or questions: the
responses counted once, answers grouped by (question, row, choice, number) in one query, texts in
one, and for a post survey the matched pre/post numbers in two. Anonymous results are suppressed
below the analytics' threshold (``shamy.analytics.selectors.threshold``, the same setting and the
same rule as the dashboard: a figure computed from fewer people than N is not shown).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import translation

from shamy.access.context import Actor
from shamy.access.models import Membership
from shamy.analytics.selectors import threshold as suppression_threshold
from shamy.core.inputs import parse_id
from shamy.core.rules import require
from shamy.surveys.answers import Value
from shamy.surveys.models import (
    AUDIENCE_ROLES,
    CHOICE_KINDS,
    LIKERT_POINTS,
    NUMERIC_KINDS,
    TEXT_KINDS,
    Answer,
    Participation,
    Phase,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyStatus,
)
from shamy.surveys.results_cache import RESULTS_CACHE_SECONDS, results_key
from shamy.surveys.stats import PairedResult, paired

if TYPE_CHECKING:
    from shamy.accounts.models import User

MAX_TEXTS = 200


def with_relations(rows: QuerySet[Survey]) -> QuerySet[Survey]:
    """What the survey pages show with a survey (for ``@checked(..., shape=...)``)."""
    return rows.select_related("programme", "cohort", "school", "pre_survey")


def survey_for_api(*, user: Actor, survey_id: int) -> Survey:
    """A survey whose results the caller may read: 404 if not visible, 403 if visible only."""
    survey = get_object_or_404(with_relations(Survey.objects.restrict(user, "view")), pk=survey_id)
    require(user, survey, "results")
    return survey


def survey_list(*, actor: Actor) -> QuerySet[Survey]:
    return (
        Survey.objects.restrict(actor, "view")
        .select_related("programme")
        .annotate(
            answered=Count("responses", filter=Q(responses__submitted_on__isnull=False), distinct=True),
            question_count=Count("questions", distinct=True),
        )
        .order_by("-opens_at", "-id")
    )


def post_survey_of(survey: Survey) -> Survey | None:
    return Survey.objects.filter(pre_survey=survey).first()


def draft_of(*, survey: Survey, key: str) -> Response | None:
    return Response.objects.filter(survey=survey, respondent_key=key).first()


def public_survey(*, token: str) -> Survey | None:
    """A survey open to the public link (not a draft), or None."""
    return Survey.objects.exclude(status=SurveyStatus.DRAFT).filter(public_token=token, public_link=True).first()


def questions_of(survey: Survey) -> list[Question]:
    return list(survey.questions.order_by("position", "id"))


def draft_values(*, survey: Survey, response: Response | None) -> list[Value]:
    if response is None:
        return []
    return [
        Value(a.question_id, a.row_code, a.choice, a.number, a.text)
        for a in Answer.objects.filter(response=response).order_by("id")
    ]


def recipients(survey: Survey) -> QuerySet[Membership]:
    memberships = Membership.objects.active().filter(programme_id=survey.programme_id, role=survey.audience_role)
    if survey.cohort_id is not None:
        memberships = memberships.filter(cohort_id=survey.cohort_id)
    if survey.school_id is not None:
        memberships = memberships.filter(school_id=survey.school_id)
    return memberships


def recipients_without_answer(*, survey: Survey) -> list[User]:
    from shamy.accounts.models import User

    user_ids = recipients(survey).values("user_id")
    answered: Any
    if survey.anonymous:
        answered = Participation.objects.filter(survey=survey).values("user_id")
    else:
        answered = Response.objects.filter(survey=survey, submitted_on__isnull=False, respondent__isnull=False).values(
            "respondent_id"
        )
    return list(User.objects.filter(pk__in=user_ids, is_active=True).exclude(pk__in=answered).order_by("pk"))


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultFilters:
    region_id: int | None = None
    locality: str = ""
    role: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, Any]) -> ResultFilters:
        locality = str(query.get("locality") or "")
        role = str(query.get("role") or "")
        return cls(
            region_id=parse_id(query.get("region")),
            locality=locality if locality in ("urban", "rural") else "",
            role=role if role in dict(AUDIENCE_ROLES) else "",
        )

    @property
    def any(self) -> bool:
        return bool(self.region_id or self.locality or self.role)

    def apply(self, responses: QuerySet[Response]) -> QuerySet[Response]:
        if self.region_id:
            responses = responses.filter(region_id=self.region_id)
        if self.locality:
            responses = responses.filter(locality=self.locality)
        if self.role:
            responses = responses.filter(role=self.role)
        return responses


@dataclass
class Share:
    code: str
    label: str
    count: int
    percent: float | None


@dataclass
class RowResult:
    code: str
    label: str
    answered: int
    mean: float | None
    shares: list[Share] = field(default_factory=list)
    paired: PairedResult | None = None


@dataclass
class QuestionResult:
    question: Question
    answered: int
    suppressed: bool
    mean: float | None = None
    shares: list[Share] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    paired: PairedResult | None = None


@dataclass
class SurveyResults:
    survey: Survey
    filters: ResultFilters
    responses: int
    recipients: int | None
    threshold: int
    suppressed: bool
    questions: list[QuestionResult]
    pairs: int | None = None

    @property
    def response_rate(self) -> float | None:
        if not self.recipients or self.suppressed:
            return None
        return self.responses / self.recipients


def _mean(counts: Mapping[float, int]) -> float | None:
    total = sum(counts.values())
    if not total:
        return None
    return sum(number * count for number, count in counts.items()) / total


def _likert_shares(counts: Mapping[float, int]) -> list[Share]:
    total = sum(counts.values())
    return [
        Share(
            str(point), str(point), counts.get(float(point), 0), counts.get(float(point), 0) / total if total else None
        )
        for point in LIKERT_POINTS
    ]


def _paired_results(
    survey: Survey, questions: list[Question], responses: QuerySet[Response]
) -> tuple[dict[Any, PairedResult], int]:
    """Matched pre/post numbers per (post question, row), paired by respondent: two queries (the
    numeric answers of each side with their respondent), matched in Python."""
    pre = survey.pre_survey
    if pre is None or survey.anonymous:
        return {}, 0
    numeric = {q.pk: q for q in questions if q.kind in NUMERIC_KINDS and q.paired_with_id is not None}
    if not numeric:
        return {}, 0
    to_post = {q.paired_with_id: q.pk for q in numeric.values()}
    before: dict[tuple[int, int, str], float] = {}
    for person, question_id, row, number in Answer.objects.filter(
        response__survey=pre,
        response__submitted_on__isnull=False,
        response__respondent__isnull=False,
        question_id__in=list(to_post),
        number__isnull=False,
    ).values_list("response__respondent_id", "question_id", "row_code", "number"):
        if number is not None:
            before[(person, to_post[question_id], row)] = number
    series: dict[tuple[int, str], tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    people: set[int] = set()
    for person, question_id, row, number in Answer.objects.filter(
        response__in=responses.filter(respondent__isnull=False), question_id__in=list(numeric), number__isnull=False
    ).values_list("response__respondent_id", "question_id", "row_code", "number"):
        start = before.get((person, question_id, row))
        if start is None or number is None:
            continue
        pair = series[(question_id, row)]
        pair[0].append(start)
        pair[1].append(number)
        people.add(person)
    results = {
        key: paired(
            pre_values,
            post_values,
            wilcoxon=numeric[key[0]].kind in (QuestionKind.LIKERT, QuestionKind.MATRIX),
        )
        for key, (pre_values, post_values) in series.items()
    }
    return results, len(people)


def survey_results_key(
    *, survey: Survey, filters: ResultFilters, minimum: int | None = None, suppress_small: bool | None = None
) -> str:
    """The cache key of these results: the survey's and its pre survey's results versions
    (:mod:`shamy.surveys.results_cache`, bumped by every submitted response and survey edit), the
    threshold, the filters, the status and the language. No query (the threshold is cached)."""
    minimum = suppression_threshold() if minimum is None else minimum
    return results_key(
        survey.pk,
        survey.pre_survey_id,
        minimum,
        suppress_small,
        filters.region_id,
        filters.locality,
        filters.role,
        survey.status,
        translation.get_language(),
    )


def survey_results(
    *, survey: Survey, filters: ResultFilters, minimum: int | None = None, suppress_small: bool | None = None
) -> SurveyResults:
    """Every question's aggregate for the submitted responses that match ``filters``.

    Small groups are suppressed in anonymous surveys; ``suppress_small=True`` suppresses them in
    identified ones too (the aggregates shown to donors in results pages and reports).

    Cached under :func:`survey_results_key`: a warm read is one cache read per survey version
    and the entry itself, with no query.
    """
    minimum = suppression_threshold() if minimum is None else minimum
    key = survey_results_key(survey=survey, filters=filters, minimum=minimum, suppress_small=suppress_small)
    cached = cache.get(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    results = _survey_results(survey=survey, filters=filters, minimum=minimum, suppress_small=suppress_small)
    cache.set(key, results, RESULTS_CACHE_SECONDS)
    return results


def _survey_results(
    *, survey: Survey, filters: ResultFilters, minimum: int, suppress_small: bool | None
) -> SurveyResults:
    questions = questions_of(survey)
    responses = filters.apply(Response.objects.filter(survey=survey, submitted_on__isnull=False))
    total = responses.count()
    suppress_small = survey.anonymous if suppress_small is None else suppress_small
    whole_suppressed = suppress_small and total < minimum
    counts: dict[int, dict[tuple[str, str, float | None], int]] = defaultdict(dict)
    if not whole_suppressed:
        grouped = (
            Answer.objects.filter(response__in=responses)
            .exclude(question__kind__in=list(TEXT_KINDS))
            .values_list("question_id", "row_code", "choice", "number")
            .annotate(count=Count("id"))
        )
        people_by_question = dict(
            Answer.objects.filter(response__in=responses)
            .values_list("question_id")
            .annotate(people=Count("response", distinct=True))
        )
        for question_id, row_code, choice, number, count in grouped:
            counts[question_id][(row_code, choice, number)] = count
        texts_by_question: dict[int, list[str]] = defaultdict(list)
        text_rows = (
            Answer.objects.filter(response__in=responses, question__kind__in=list(TEXT_KINDS))
            .exclude(text="")
            .order_by("question_id", "id")
            .values_list("question_id", "text")[: MAX_TEXTS * 10]
        )
        for question_id, text in text_rows:
            if len(texts_by_question[question_id]) < MAX_TEXTS:
                texts_by_question[question_id].append(text)
        paired_results, pairs = _paired_results(survey, questions, responses) if survey.phase == Phase.POST else ({}, 0)
    else:
        people_by_question, texts_by_question, paired_results, pairs = {}, {}, {}, 0
    results = []
    for question in questions:
        people = int(people_by_question.get(question.pk, 0))
        suppressed = whole_suppressed or (suppress_small and people < minimum)
        result = QuestionResult(question=question, answered=people, suppressed=suppressed)
        if not suppressed:
            groups = counts.get(question.pk, {})
            if question.kind in CHOICE_KINDS:
                chosen: dict[str, int] = defaultdict(int)
                for (_row, choice, _number), count in groups.items():
                    chosen[choice] += count
                result.shares = [
                    Share(code, label, chosen.get(code, 0), chosen.get(code, 0) / people if people else None)
                    for code, label in question.choice_labels()
                ]
            elif question.kind == QuestionKind.MATRIX:
                for code, label in question.row_labels():
                    numbers = {n: c for (row, _choice, n), c in groups.items() if row == code and n is not None}
                    result.rows.append(
                        RowResult(
                            code,
                            label,
                            sum(numbers.values()),
                            _mean(numbers),
                            _likert_shares(numbers),
                            paired_results.get((question.pk, code)),
                        )
                    )
            elif question.kind in NUMERIC_KINDS:
                numbers = {n: c for (_row, _choice, n), c in groups.items() if n is not None}
                result.mean = _mean(numbers)
                if question.kind == QuestionKind.LIKERT:
                    result.shares = _likert_shares(numbers)
                result.paired = paired_results.get((question.pk, ""))
            else:
                result.texts = texts_by_question.get(question.pk, [])
        results.append(result)
    recipient_count = None
    if survey.status != SurveyStatus.DRAFT:
        people_sent = recipients(survey)
        if filters.region_id:
            people_sent = people_sent.filter(school__region_id=filters.region_id)
        if filters.locality:
            people_sent = people_sent.filter(school__locality=filters.locality)
        if filters.role and filters.role != survey.audience_role:
            people_sent = people_sent.none()
        recipient_count = people_sent.values("user_id").distinct().count()
    return SurveyResults(
        survey=survey,
        filters=filters,
        responses=total,
        recipients=recipient_count,
        threshold=minimum,
        suppressed=whole_suppressed,
        questions=results,
        pairs=pairs if survey.phase == Phase.POST and not survey.anonymous else None,
    )
