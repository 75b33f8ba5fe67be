"""Operator endpoints of the JSON API: agreements, training days and the cascade (read only).

Permissions are the pages': the same selectors and predicates. An invisible programme or
object is a 404, a visible one the caller may not read a 403.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router
from ninja.errors import HttpError
from pydantic import BaseModel

from shamy.core.inputs import MAX_OFFSET, ApiId
from shamy.core.rules import allowed
from shamy.offline.http import batch_answer
from shamy.operators import permissions, selectors
from shamy.operators.models import TrainingSession
from shamy.operators.services import events as event_services

router = Router(tags=["operators"])
MAX_LIMIT = 200


class Out(BaseModel):
    """Plain pydantic models: the endpoints build plain dicts."""


class ErrorShape(Out):
    """The API's one error shape (``api.errors``; restated here: the API package sits above this app)."""

    detail: str
    code: str


ERROR_RESPONSES: dict[int, type[Out]] = {401: ErrorShape, 403: ErrorShape, 404: ErrorShape}


class AgreementOut(Out):
    id: int
    school_id: int
    school: str
    region_kato: str
    operator: str
    starts_on: datetime.date
    planned_handover_on: datetime.date
    handed_over_on: datetime.date | None
    checklist_done: int


class SessionOut(Out):
    id: int
    gathering_id: int
    kind: str
    topic: str
    room: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    trainer_generation: int
    capacity: int
    signed_up: int
    cancelled: bool


class TrainingDayOut(Out):
    id: int
    date: datetime.date
    planned_date: datetime.date
    status: str
    reason: str
    school_id: int
    sessions: list[SessionOut]


class TrainingDayPageOut(Out):
    count: int
    items: list[TrainingDayOut]


class GenerationOut(Out):
    generation: int
    trainers: int
    teachers_reached: int = Field(description="Teachers first reached by this generation (each counted once).")
    beyond_operator: int
    feedback_average: float | None
    feedback_count: int


class RegionReachOut(Out):
    region_kato: str | None
    teachers: int
    schools: int


class CascadeOut(Out):
    generations: list[GenerationOut]
    teachers_reached: int
    beyond_teachers: int
    beyond_schools: int
    beyond_by_region: list[RegionReachOut]


class PageQuery(BaseModel):
    when: str = Field("upcoming", pattern="^(upcoming|past|all)$", max_length=8)
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


@router.get(
    "/operators/agreements", response={200: list[AgreementOut], **ERROR_RESPONSES}, url_name="operator-agreement-list"
)
def agreement_list(request: HttpRequest) -> list[dict[str, object]]:
    if not permissions.can_view_agreements(request.user):
        raise PermissionDenied
    rows = selectors.agreement_list(actor=request.user, filters=selectors.AgreementFilters("all"))
    return [
        {
            "id": row.pk,
            "school_id": row.school_id,
            "school": row.school.name,
            "region_kato": row.school.region.kato,
            "operator": row.operator.name,
            "starts_on": row.starts_on,
            "planned_handover_on": row.planned_handover_on,
            "handed_over_on": row.handed_over_on,
            "checklist_done": row.checks_done,  # type: ignore[attr-defined]
        }
        for row in rows
    ]


@router.get(
    "/operators/programmes/{programme_id}/training-days",
    response={200: TrainingDayPageOut, **ERROR_RESPONSES},
    url_name="operator-training-day-list",
)
def training_day_list(request: HttpRequest, programme_id: ApiId, query: Query[PageQuery]) -> dict[str, object]:
    programme = selectors.programme_for_training(user=request.user, programme_id=programme_id)
    days = selectors.training_day_list(actor=request.user, programme=programme, when=query.when)
    count = days.count()
    page = list(days[query.offset : query.offset + query.limit])
    sessions: dict[int, list[TrainingSession]] = {}
    for session in selectors.sessions_of_days(day_ids=[day.pk for day in page]):
        sessions.setdefault(session.day_id or 0, []).append(session)
    return {
        "count": count,
        "items": [
            {
                "id": day.pk,
                "date": day.on,
                "planned_date": day.planned_on,
                "status": day.status,
                "reason": day.reason,
                "school_id": day.schedule.school_id,
                "sessions": [
                    {
                        "id": session.pk,
                        "gathering_id": session.gathering_id,
                        "kind": session.kind,
                        "topic": session.topic.label,
                        "room": session.room,
                        "starts_at": session.gathering.starts_at,
                        "ends_at": session.gathering.ends_at,
                        "trainer_generation": session.trainer.generation,
                        "capacity": session.capacity,
                        "signed_up": session.signed,  # type: ignore[attr-defined]
                        "cancelled": session.gathering.cancelled_at is not None,
                    }
                    for session in sessions.get(day.pk, [])
                ],
            }
            for day in page
        ],
    }


@router.get(
    "/operators/programmes/{programme_id}/cascade",
    response={200: CascadeOut, **ERROR_RESPONSES},
    url_name="operator-cascade",
)
def cascade(request: HttpRequest, programme_id: ApiId) -> dict[str, object]:
    programme = selectors.programme_for_training(user=request.user, programme_id=programme_id)
    if not permissions.can_view_report(request.user, programme):
        raise PermissionDenied
    view = selectors.cascade_for(programme=programme)
    result = view.cascade
    return {
        "generations": [
            {
                "generation": row.generation,
                "trainers": row.trainers,
                "teachers_reached": row.teachers,
                "beyond_operator": row.beyond,
                "feedback_average": view.fidelity_by_generation.get(row.generation, (None, 0))[0],
                "feedback_count": view.fidelity_by_generation.get(row.generation, (None, 0))[1],
            }
            for row in result.generations
        ],
        "teachers_reached": result.teachers,
        "beyond_teachers": result.beyond_teachers,
        "beyond_schools": result.beyond_schools,
        "beyond_by_region": [
            {
                "region_kato": view.regions[region].kato if region in view.regions else None,
                "teachers": teachers,
                "schools": schools,
            }
            for region, (teachers, schools) in result.beyond_by_region.items()
        ],
    }


class RegistrationOut(Out):
    id: int
    full_name: str
    email: str
    school_id: int | None
    side: str
    status: str
    created_at: datetime.datetime
    checked_in_at: datetime.datetime | None
    checked_in_door: str


class RegistrationPageOut(Out):
    count: int
    items: list[RegistrationOut]


class RegistrationQuery(BaseModel):
    status: str = Field("", pattern="^(|confirmed|waiting|cancelled)$", max_length=9)
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class ScanIn(BaseModel):
    id: str = Field(max_length=64)
    code: str = Field(max_length=200)
    door: str = Field("", max_length=100)
    scanned_at: str = Field(max_length=64)


class ScanBatchIn(BaseModel):
    scans: list[ScanIn] = Field(max_length=500)


class ScanOut(Out):
    id: str
    outcome: str
    label: str
    name: str
    first_door: str
    first_at: str | None


@router.get(
    "/operators/events/{event_id}/registrations",
    response={200: RegistrationPageOut, **ERROR_RESPONSES},
    url_name="operator-registration-list",
)
def registration_list(request: HttpRequest, event_id: ApiId, query: Query[RegistrationQuery]) -> dict[str, object]:
    """An event's registrations: names and e-mails, so only for its coordinator, its check-in
    volunteers and the system administrator (404 for an event you may not see)."""
    event = selectors.event_for_api(user=request.user, event_id=event_id)
    if not allowed(request.user, event, "registrations"):
        raise PermissionDenied
    rows = selectors.registrations_of(actor=request.user, event=event, status=query.status)
    count = rows.count()
    return {
        "count": count,
        "items": [
            {
                "id": row.pk,
                "full_name": row.full_name,
                "email": row.email,
                "school_id": row.school_id,
                "side": row.side,
                "status": row.status,
                "created_at": row.created_at,
                "checked_in_at": row.checked_in_at,
                "checked_in_door": row.checked_in_door,
            }
            for row in rows[query.offset : query.offset + query.limit]
        ],
    }


@router.post(
    "/operators/events/{event_id}/check-ins",
    response={200: list[ScanOut], **ERROR_RESPONSES},
    url_name="operator-check-in-batch",
)
def check_in_batch(request: HttpRequest, event_id: ApiId, batch: ScanBatchIn) -> list[dict[str, object]]:
    """The offline devices' batch: each scan once by its ``id`` (a batch sent twice is stored once),
    a ticket checked in once whatever the door. Needs the event's check-in rule."""
    event = selectors.event_for_api(user=request.user, event_id=event_id)
    if not allowed(request.user, event, "check-in"):
        raise PermissionDenied
    try:
        results = event_services.scans_record_batch(
            actor=request.user,  # type: ignore[arg-type]
            event=event,
            scans=[scan.model_dump() for scan in batch.scans],
        )
    except ValidationError as error:
        raise HttpError(422, " ".join(error.messages)) from error
    return [result.as_dict() for result in results]


# --- The shared offline queue's batch of scans (issue 13) --------------------------------------
# Mounted by ``api/urls.py`` with token and session authentication: the check-in page's queue
# replays with its session (CSRF-checked); other clients use a token.
device_router = Router(tags=["operators"])
OutcomeName = Literal["applied", "conflict", "duplicate", "refused"]


class DeviceScanIn(BaseModel):
    key: uuid.UUID = Field(description="The device's idempotency key for this scan (a UUID it generated).")
    event: int = Field(ge=1, le=2**31 - 1, description="The event's id.")
    code: str = Field(min_length=1, max_length=64, description="The ticket's code, scanned or typed.")
    door: str = Field("", max_length=40)
    device_time: datetime.datetime = Field(description="When it was scanned on the device (ISO 8601).")


class DeviceScanBatchIn(BaseModel):
    scans: list[DeviceScanIn] = Field(max_length=event_services.MAX_BATCH)


class DeviceScanOut(Out):
    key: uuid.UUID
    outcome: OutcomeName = Field(
        description=(
            "applied (checked in), conflict (checked in before at some door: counted once), duplicate, "
            "refused (unknown ticket, no confirmed place, or not your event: see detail)"
        )
    )
    first_outcome: OutcomeName
    detail: str
    first_detail: str = Field(description="For a duplicate, what the first arrival said.")
    scan_outcome: str | None = Field(None, description="checked_in, already, not_confirmed or unknown")
    name: str | None = None
    first_door: str | None = None
    first_at: str | None = None


class DeviceScanBatchOut(Out):
    results: list[DeviceScanOut]


@device_router.post(
    "/operators/check-ins",
    response={200: DeviceScanBatchOut, 401: ErrorShape, 403: ErrorShape, 422: ErrorShape},
    url_name="operator-device-scan-batch",
    summary="Apply a batch of check-in scans queued on a device (any events)",
)
def device_scan_batch(request: HttpRequest, batch: DeviceScanBatchIn) -> dict[str, object]:
    """Each scan once by its key; a ticket checked in once whatever the door. Per scan, the event's
    check-in rule (refused otherwise)."""
    return batch_answer(
        request,
        lambda user: event_services.scans_from_device(
            actor=user,
            scans=[
                event_services.DeviceScan(
                    key=item.key, event_id=item.event, code=item.code, door=item.door, device_at=item.device_time
                )
                for item in batch.scans
            ],
        ),
    )
