"""Portfolio endpoints of the JSON API: the offline queue's batch of journal entries (issue 13).

Mounted by ``api/urls.py`` with token and session authentication (the session with Django's CSRF
check); permissions are the project page's journal form's, per entry.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router
from ninja.errors import HttpError
from pydantic import BaseModel

from shamy.accounts.models import User
from shamy.portfolios.services.device import MAX_BATCH, DeviceJournalEntry, journal_entries_from_device

router = Router(tags=["portfolios"])


class Out(BaseModel):
    """Plain pydantic models: the endpoints build plain dicts."""


class ErrorShape(Out):
    """The API's one error shape (``api.errors``; restated here: the API package sits above this app)."""

    detail: str
    code: str


ERROR_RESPONSES: dict[int, type[Out]] = {401: ErrorShape, 403: ErrorShape, 422: ErrorShape}
OutcomeName = Literal["applied", "conflict", "duplicate", "refused"]


class JournalEntryIn(BaseModel):
    key: uuid.UUID = Field(description="The device's idempotency key for this entry (a UUID it generated).")
    project: int = Field(description="The development project's id.")
    text: str = Field(min_length=1, max_length=20000)
    device_time: datetime.datetime = Field(description="When it was written on the device (ISO 8601).")
    stage: int | None = Field(None, description="The project's stage as the device last saw it (methodology stage id).")


class JournalBatchIn(BaseModel):
    entries: list[JournalEntryIn] = Field(max_length=MAX_BATCH)


class JournalResultOut(Out):
    key: uuid.UUID
    outcome: OutcomeName = Field(
        description="applied (kept, perhaps with a note), duplicate (received before), refused (see detail)"
    )
    first_outcome: OutcomeName
    detail: str
    first_detail: str = Field(description="For a duplicate, what the first arrival said.")
    entry: int | None = Field(None, description="The journal entry's id.")


class JournalBatchOut(Out):
    results: list[JournalResultOut]


@router.post(
    "/portfolios/journal-entries",
    response={200: JournalBatchOut, **ERROR_RESPONSES},
    url_name="journal-entry-batch",
    summary="Apply a batch of project journal entries queued on a device",
)
def journal_entry_batch(request: HttpRequest, batch: JournalBatchIn) -> dict[str, object]:
    """Each entry once by its key; an entry for a project that moved stage meanwhile is kept with a note."""
    user = request.user
    if not isinstance(user, User):
        raise HttpError(401, "")
    try:
        results = journal_entries_from_device(
            actor=user,
            entries=[
                DeviceJournalEntry(
                    key=item.key,
                    project_id=item.project,
                    text=item.text,
                    device_at=item.device_time,
                    stage_id=item.stage,
                )
                for item in batch.entries
            ],
        )
    except ValueError as error:
        raise HttpError(422, str(error)) from error
    return {"results": [result.as_dict() for result in results]}
