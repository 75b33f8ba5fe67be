"""Survey endpoints of the JSON API: aggregate results, suppressed exactly like the results page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from pydantic import BaseModel

from shamy.core.inputs import ApiCode, ApiId
from shamy.surveys.selectors import ResultFilters, survey_for_api, survey_results
from shamy.surveys.stats import PairedResult

router = Router(tags=["surveys"])


class PairedOut(BaseModel):
    pairs: int
    mean_before: float | None
    mean_after: float | None
    mean_change: float | None
    ci95_low: float | None
    ci95_high: float | None
    cohen_dz: float | None
    share_improved: float | None
    wilcoxon_p: float | None


class ShareOut(BaseModel):
    code: str
    label: str
    count: int


class RowOut(BaseModel):
    code: str
    label: str
    mean: float | None
    paired: PairedOut | None


class QuestionOut(BaseModel):
    id: int
    kind: str
    text: dict[str, str]
    suppressed: bool
    answered: int | None
    mean: float | None
    shares: list[ShareOut]
    rows: list[RowOut]
    paired: PairedOut | None


class ResultsOut(BaseModel):
    survey: int
    title: dict[str, str]
    phase: str
    anonymous: bool
    suppressed: bool
    threshold: int
    responses: int | None
    sent_to: int | None
    matched_pairs: int | None
    questions: list[QuestionOut]


def _paired(result: PairedResult | None) -> dict[str, Any] | None:
    if result is None:
        return None
    return {
        "pairs": result.n,
        "mean_before": result.mean_pre,
        "mean_after": result.mean_post,
        "mean_change": result.mean_change,
        "ci95_low": result.ci_low,
        "ci95_high": result.ci_high,
        "cohen_dz": result.cohen_dz,
        "share_improved": result.share_improved,
        "wilcoxon_p": result.wilcoxon_p,
    }


@router.get("/surveys/{survey_id}/results", response=ResultsOut, url_name="survey-results")
def survey_results_read(
    request: HttpRequest, survey_id: ApiId, region: ApiId | None = None, locality: ApiCode = "", role: ApiCode = ""
) -> dict[str, Any]:
    """A survey's aggregate results (coordinators, observers and national readers). Answers of
    anonymous surveys are suppressed below the analytics threshold, as on the page; no endpoint
    lists respondents."""
    survey = survey_for_api(user=request.user, survey_id=survey_id)
    filters = ResultFilters.from_query({"region": region or "", "locality": locality, "role": role})
    results = survey_results(survey=survey, filters=filters)
    questions = []
    for item in results.questions:
        hidden = item.suppressed
        questions.append(
            {
                "id": item.question.pk,
                "kind": item.question.kind,
                "text": item.question.text,
                "suppressed": hidden,
                "answered": None if hidden else item.answered,
                "mean": item.mean,
                "shares": [{"code": s.code, "label": s.label, "count": s.count} for s in item.shares],
                "rows": [
                    {"code": r.code, "label": r.label, "mean": r.mean, "paired": _paired(r.paired)} for r in item.rows
                ],
                "paired": _paired(item.paired),
            }
        )
    return {
        "survey": survey.pk,
        "title": survey.title,
        "phase": survey.phase,
        "anonymous": survey.anonymous,
        "suppressed": results.suppressed,
        "threshold": results.threshold,
        "responses": None if results.suppressed else results.responses,
        "sent_to": results.recipients,
        "matched_pairs": results.pairs,
        "questions": questions,
    }
