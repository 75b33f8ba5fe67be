"""Apply a queued write at most once per idempotency key (the offline replay's guarantee)."""

from __future__ import annotations

import dataclasses
import datetime
import functools
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from shamy.offline.models import AppliedKey, Outcome

if TYPE_CHECKING:
    from shamy.accounts.models import User


@dataclass
class ItemResult:
    """The answer for one queued write: ``outcome`` (applied, conflict, duplicate, refused), a
    sentence for people in the caller's language, and fields of the kind's own (``extra``)."""

    key: uuid.UUID
    outcome: str
    detail: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    first_outcome: str = ""
    first_detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": str(self.key),
            "outcome": self.outcome,
            "first_outcome": self.first_outcome or self.outcome,
            "detail": self.detail,
            "first_detail": self.first_detail or self.detail,
            **self.extra,
        }


class Refused(Exception):  # noqa: N818 (an outcome, not an error of the program)
    """Raised by an apply function: nothing is written and the key is not kept."""

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


# The earliest device time taken as it is: a phone claiming an earlier one has a broken clock.
EARLIEST_DEVICE_TIME = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def device_time(value: datetime.datetime, *, now: datetime.datetime | None = None) -> datetime.datetime:
    """The device's clock as the server takes it: aware (a naive time is the server's zone), in
    UTC (PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 text may carry), never before
    2000 and never later than the server's own clock, so a phone whose clock runs ahead cannot win
    every later conflict."""
    now = now or timezone.now()
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        value = value.astimezone(datetime.UTC)
    except OverflowError:  # e.g. 0001-01-01 with a positive offset: before year 1 in UTC
        return EARLIEST_DEVICE_TIME
    return min(max(value, EARLIEST_DEVICE_TIME), now)


def retention() -> datetime.timedelta:
    """How long applied keys are kept (``OFFLINE_KEY_RETENTION_DAYS``): the window in which a
    device may replay a write."""
    return datetime.timedelta(days=settings.OFFLINE_KEY_RETENTION_DAYS)


def too_old(device_at: datetime.datetime | None, *, now: datetime.datetime | None = None) -> bool:
    """True for a write made on its device before the retention window: its key may already be
    pruned, so applying it could apply it twice. A key is received after its device time, so a
    write inside the window has its key still kept."""
    return device_at is not None and device_at < (now or timezone.now()) - retention()


def prune_keys(*, now: datetime.datetime | None = None) -> int:
    """Delete the applied keys received before the retention window; returns how many. Devices do
    not send, and :func:`apply_once` refuses, writes older than the window, so none of these keys
    can be replayed any more. Housekeeping of the mechanism, not a change to anyone's data: the
    writes themselves and their audit entries stay."""
    cutoff = (now or timezone.now()) - retention()
    deleted, _by_model = AppliedKey.objects.filter(received_at__lt=cutoff).delete()
    return deleted


def _duplicate(existing: AppliedKey) -> ItemResult:
    received = formats.date_format(timezone.localtime(existing.received_at), "SHORT_DATETIME_FORMAT")
    return ItemResult(
        key=existing.key,
        outcome=Outcome.DUPLICATE,
        first_outcome=existing.outcome,
        first_detail=existing.detail,
        detail=_("Already received on %(date)s: not saved a second time.") % {"date": received},
        extra=dict(existing.result),
    )


class _Rollback(Exception):  # noqa: N818
    def __init__(self, result: ItemResult) -> None:
        self.result = result


def apply_once(
    *,
    actor: User,
    key: uuid.UUID,
    kind: str,
    device_at: datetime.datetime | None,
    apply: Callable[[], ItemResult],
) -> ItemResult:
    """Run ``apply`` once for ``(actor, key)``: a key seen before answers ``duplicate`` with the
    first outcome and writes nothing.

    The key is inserted first, in the same transaction as the write, under the unique constraint
    ``offline_key_once_per_user``: of two requests racing with one key, the second waits for
    the first (a row lock on PostgreSQL, the write lock on SQLite) and then fails to insert it; a
    key applied earlier fails the same way. Either failure rolls back this attempt (nothing of it
    is written) and answers with the stored key. The common case, a new key, costs no look-up
    first. ``apply`` raising :class:`Refused` rolls everything back, the key included (a resend is
    judged again); an IntegrityError of the write itself (no stored key) is raised as it is.
    A write made before the retention window (:func:`too_old`) is refused: its key may be pruned.
    """
    if too_old(device_at):
        existing = AppliedKey.objects.filter(user=actor, key=key).first()
        if existing is not None:
            return _duplicate(existing)
        return ItemResult(
            key=key,
            outcome=Outcome.REFUSED,
            detail=_(
                "Made on the device more than %(days)s days ago: too old to be sent safely. "
                "Enter it again if it still matters."
            )
            % {"days": settings.OFFLINE_KEY_RETENTION_DAYS},
        )
    try:
        with transaction.atomic():
            row = AppliedKey.objects.create(
                user=actor, key=key, kind=kind, outcome=Outcome.REFUSED, device_at=device_at
            )
            try:
                result = apply()
            except Refused as refused:
                raise _Rollback(
                    ItemResult(key=key, outcome=Outcome.REFUSED, detail=refused.detail, extra=refused.extra)
                ) from refused
            row.outcome = result.outcome
            row.detail = result.detail[:300]
            row.result = result.extra
            row.save(update_fields=["outcome", "detail", "result"])
            return result
    except _Rollback as rollback:
        return rollback.result
    except IntegrityError:
        # This attempt is rolled back: a stored key is another request's (or an earlier one's).
        existing = AppliedKey.objects.filter(user=actor, key=key).first()
        if existing is None:
            raise
        return _duplicate(existing)


class QueuedWrite(Protocol):
    """What every kind of queued write has: a frozen dataclass with its idempotency key and the
    time it was made on its device."""

    __dataclass_fields__: ClassVar[dict[str, Any]]

    @property
    def key(self) -> uuid.UUID: ...

    @property
    def device_at(self) -> datetime.datetime: ...


Q = TypeVar("Q", bound=QueuedWrite)


def apply_batch(
    *,
    actor: User,
    items: Iterable[Q],
    kind: str,
    limit: int,
    noun: str,
    apply: Callable[[Q], ItemResult],
    check: Callable[[Q], None] | None = None,
) -> list[ItemResult]:
    """Apply a device's batch of queued writes of one ``kind``: the one loop every offline batch
    endpoint shares (attendance marks, journal entries, step updates, section texts, survey
    answers).

    The whole batch is judged first and refused as a whole (``ValueError``, which the endpoints
    answer with 422) before anything is written: more than ``limit`` items ("at most 500 marks at
    once", ``noun`` naming them), or an item ``check`` raises ValueError for. Then, in the order
    given, each item's device time is taken as the server takes it (:func:`device_time`, one
    server clock for the whole batch) and ``apply`` runs through :func:`apply_once`, in its
    transaction, so one refused item does not hold back the others.
    """
    queued = list(items)
    if len(queued) > limit:
        raise ValueError(f"at most {limit} {noun} at once")
    if check is not None:
        for item in queued:
            check(item)
    now = timezone.now()
    results = []
    for item in queued:
        taken = dataclasses.replace(item, device_at=device_time(item.device_at, now=now))
        results.append(
            apply_once(
                actor=actor,
                key=taken.key,
                kind=kind,
                device_at=taken.device_at,
                apply=functools.partial(apply, taken),
            )
        )
    return results
