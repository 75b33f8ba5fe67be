"""Attendance endpoints of the JSON API: the offline queue's batch of marks (issue 13).

Mounted by ``api/urls.py`` with token and session authentication (the session with Django's CSRF
check, so a page's own queue may send it); permissions are the attendance page's, per mark.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router
from pydantic import BaseModel

from shamy.attendance.services.device import MAX_BATCH, DeviceMark, attendance_marks_from_device
from shamy.offline.http import batch_answer

router = Router(tags=["attendance"])


class Out(BaseModel):
    """Plain pydantic models: the endpoints build plain dicts."""


class ErrorShape(Out):
    """The API's one error shape (``api.errors``; restated here: the API package sits above this app)."""

    detail: str
    code: str


ERROR_RESPONSES: dict[int, type[Out]] = {401: ErrorShape, 403: ErrorShape, 422: ErrorShape}

Status = Literal["present", "late", "excused", "absent", ""]
OutcomeName = Literal["applied", "conflict", "duplicate", "refused"]


class MarkIn(BaseModel):
    key: uuid.UUID = Field(description="The device's idempotency key for this mark (a UUID it generated).")
    gathering: int = Field(description="The gathering's id.")
    person: int = Field(description="The registry person's id (someone expected at the gathering).")
    status: Status = Field(description="The mark; an empty string clears it.")
    device_time: datetime.datetime = Field(description="When the mark was made on the device (ISO 8601).")


class MarkBatchIn(BaseModel):
    marks: list[MarkIn] = Field(max_length=MAX_BATCH)


class MarkResultOut(Out):
    key: uuid.UUID
    outcome: OutcomeName = Field(
        description=(
            "applied: the mark stands; conflict: a mark made later on a device stands, this one is "
            "recorded but not applied; duplicate: this key was received before (nothing written); "
            "refused: not saved (see detail), may be sent again"
        )
    )
    first_outcome: OutcomeName = Field(description="For a duplicate, what the first arrival gave.")
    detail: str = Field(description="A sentence for people, in the caller's language.")
    first_detail: str = Field(description="For a duplicate, what the first arrival said.")
    status: str | None = Field(None, description="The mark that stands on the person's row now.")


class MarkBatchOut(Out):
    results: list[MarkResultOut]


@router.post(
    "/attendance/marks",
    response={200: MarkBatchOut, **ERROR_RESPONSES},
    url_name="attendance-mark-batch",
    summary="Apply a batch of attendance marks queued on a device",
)
def mark_batch(request: HttpRequest, batch: MarkBatchIn) -> dict[str, object]:
    """Each mark once by its key, whatever the number of times the batch is sent; a result per mark,
    in the order sent. The rules for two marks of one person are in the README ("Offline use")."""
    return batch_answer(
        request,
        lambda user: attendance_marks_from_device(
            actor=user,
            marks=[
                DeviceMark(
                    key=mark.key,
                    gathering_id=mark.gathering,
                    person_id=mark.person,
                    status=mark.status,
                    device_at=mark.device_time,
                )
                for mark in batch.marks
            ],
        ),
    )
