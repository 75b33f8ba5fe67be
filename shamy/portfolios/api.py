"""Portfolio endpoints of the JSON API: the offline queue's batches of journal entries, step updates
and section texts (issue 13).

Mounted by ``api/urls.py`` with token and session authentication (the session with Django's CSRF
check); permissions are the pages' own (the journal form, the plan's buttons, the section editor),
per item.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router
from pydantic import BaseModel

from shamy.offline.http import batch_answer
from shamy.portfolios.services.device import (
    MAX_BATCH,
    DeviceJournalEntry,
    DeviceSectionText,
    DeviceStepUpdate,
    journal_entries_from_device,
    section_texts_from_device,
    step_updates_from_device,
)
from shamy.portfolios.services.drafts import MAX_DRAFT_LENGTH

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
    return batch_answer(
        request,
        lambda user: journal_entries_from_device(
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
        ),
    )


ID_BOUND = 2**31 - 1  # the database's integer: a larger id is no id (schemathesis sends them)


class StepUpdateIn(BaseModel):
    key: uuid.UUID = Field(description="The device's idempotency key for this change (a UUID it generated).")
    step: int = Field(ge=1, le=ID_BOUND, description="The project step's id.")
    done: bool = Field(description="true: marked done (on the device's date); false: marked not done.")
    device_time: datetime.datetime = Field(description="When it was changed on the device (ISO 8601).")


class StepBatchIn(BaseModel):
    updates: list[StepUpdateIn] = Field(max_length=MAX_BATCH)


class StepResultOut(Out):
    key: uuid.UUID
    outcome: OutcomeName = Field(
        description="applied, conflict (a change made later stands: see done), duplicate, refused (see detail)"
    )
    first_outcome: OutcomeName
    detail: str
    first_detail: str = Field(description="For a duplicate, what the first arrival said.")
    step: int | None = Field(None, description="The step's id.")
    done: bool | None = Field(None, description="Whether the step is done after this change was judged.")


class StepBatchOut(Out):
    results: list[StepResultOut]


@router.post(
    "/portfolios/step-updates",
    response={200: StepBatchOut, **ERROR_RESPONSES},
    url_name="step-update-batch",
    summary="Apply a batch of project step updates (done / not done) queued on a device",
)
def step_update_batch(request: HttpRequest, batch: StepBatchIn) -> dict[str, object]:
    """Each change once by its key; of two changes of one step, the one made later on its device stands."""
    return batch_answer(
        request,
        lambda user: step_updates_from_device(
            actor=user,
            updates=[
                DeviceStepUpdate(key=item.key, step_id=item.step, done=item.done, device_at=item.device_time)
                for item in batch.updates
            ],
        ),
    )


class SectionTextIn(BaseModel):
    key: uuid.UUID = Field(description="The device's idempotency key for this text (a UUID it generated).")
    section: int = Field(ge=1, le=ID_BOUND, description="The portfolio section's id.")
    body: str = Field(max_length=MAX_DRAFT_LENGTH, description="The section's whole text as written on the device.")
    device_time: datetime.datetime = Field(description="When it was written on the device (ISO 8601).")


class SectionBatchIn(BaseModel):
    texts: list[SectionTextIn] = Field(max_length=MAX_BATCH)


class SectionResultOut(Out):
    key: uuid.UUID
    outcome: OutcomeName = Field(
        description=(
            "applied, conflict (a text written later stands; this one is kept as the sender's draft), "
            "duplicate, refused (see detail)"
        )
    )
    first_outcome: OutcomeName
    detail: str
    first_detail: str = Field(description="For a duplicate, what the first arrival said.")
    section: int | None = Field(None, description="The section's id.")
    version: int | None = Field(None, description="The section's version after this text was judged.")


class SectionBatchOut(Out):
    results: list[SectionResultOut]


@router.post(
    "/portfolios/section-texts",
    response={200: SectionBatchOut, **ERROR_RESPONSES},
    url_name="section-text-batch",
    summary="Apply a batch of portfolio section texts (drafts written offline) queued on a device",
)
def section_text_batch(request: HttpRequest, batch: SectionBatchIn) -> dict[str, object]:
    """Each text once by its key; the text written later on its device stands, an earlier one is kept
    as the sender's draft of the section."""
    return batch_answer(
        request,
        lambda user: section_texts_from_device(
            actor=user,
            texts=[
                DeviceSectionText(key=item.key, section_id=item.section, body=item.body, device_at=item.device_time)
                for item in batch.texts
            ],
        ),
    )
