"""Survey endpoints of the JSON API: aggregate results, suppressed exactly like the results page; the
offline queue's batch of answers (issue 13)."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Router
from pydantic import BaseModel

from shamy.core.inputs import ApiCode, ApiId
from shamy.offline.http import batch_answer
from shamy.surveys.selectors import ResultFilters, survey_for_api, survey_results
from shamy.surveys.services.device import MAX_BATCH, DeviceAnswer, answers_from_device
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


# --- The offline queue's batch of answers (issue 13) -------------------------------------------

OutcomeName = Literal["applied", "conflict", "duplicate", "refused"]
# Mounted by ``api/urls.py`` with token and session authentication: the answering page's queue
# replays with its session (CSRF-checked); other clients use a token.
device_router = Router(tags=["surveys"])


class ErrorShape(BaseModel):
    """The API's one error shape (``api.errors``; restated here: the API package sits above this app)."""

    detail: str
    code: str


class AnswerIn(BaseModel):
    key: uuid.UUID = Field(description="The device's idempotency key for these answers (a UUID it generated).")
    survey: int = Field(ge=1, le=2**31 - 1, description="The survey's id.")
    fields: dict[Annotated[str, Field(max_length=60)], list[Annotated[str, Field(max_length=5000)]]] = Field(
        max_length=500,
        description="The answering form's fields as the page posts them: each name with its values.",
    )
    submit: bool = Field(True, description="true: send the answers (checked like the page); false: save a draft.")
    device_time: datetime.datetime = Field(description="When they were given on the device (ISO 8601).")


class AnswerBatchIn(BaseModel):
    answers: list[AnswerIn] = Field(max_length=MAX_BATCH)


class AnswerResultOut(BaseModel):
    key: uuid.UUID
    outcome: OutcomeName = Field(
        description="applied, conflict (answers were sent before: the first stand), duplicate, refused (see detail)"
    )
    first_outcome: OutcomeName
    detail: str
    first_detail: str = Field(description="For a duplicate, what the first arrival said.")
    survey: int | None = Field(None, description="The survey's id.")


class AnswerBatchOut(BaseModel):
    results: list[AnswerResultOut]


@device_router.post(
    "/surveys/answers",
    response={200: AnswerBatchOut, 401: ErrorShape, 403: ErrorShape, 422: ErrorShape},
    url_name="survey-answer-batch",
    summary="Apply a batch of survey answers queued on a device",
)
def answer_batch(request: HttpRequest, batch: AnswerBatchIn) -> dict[str, object]:
    """Each answer once by its key, with the answering page's permission; answers sent after a first
    submission are a conflict (the first stand)."""
    return batch_answer(
        request,
        lambda user: answers_from_device(
            actor=user,
            items=[
                DeviceAnswer(
                    key=item.key,
                    survey_id=item.survey,
                    fields=item.fields,
                    device_at=item.device_time,
                    submit=item.submit,
                )
                for item in batch.answers
            ],
        ),
    )
