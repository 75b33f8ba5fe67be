"""Project journal entries written offline on a device and sent later (issue 13).

Each entry carries an idempotency key: applied at most once per user
(``shamy.offline.services.keys.apply_once``). An entry for a project that moved stage between the
writing and the arrival is kept, with a note naming both stages (shown on the project page).
Entries add up, so there is no conflict between two writers.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shamy.accounts.models import User
from shamy.audit.services.entries import audit_record, snapshot
from shamy.core.rules import allowed
from shamy.offline.models import Outcome
from shamy.offline.services.keys import ItemResult, Refused, apply_once, device_time
from shamy.portfolios.models import DevelopmentProject, JournalEntry
from shamy.portfolios.services.drafts import draft_discard

MAX_BATCH = 200
KIND = "portfolios.journal_entry"


@dataclass(frozen=True)
class DeviceJournalEntry:
    key: uuid.UUID
    project_id: int
    text: str
    device_at: datetime.datetime
    stage_id: int | None = None  # the project's stage as the device saw it


def _apply(actor: User, item: DeviceJournalEntry) -> ItemResult:
    project = (
        DevelopmentProject.objects.restrict(actor, "view").select_related("stage").filter(pk=item.project_id).first()
    )
    if project is None:
        raise Refused(_("This project is not found, or not visible to your account."))
    if not allowed(actor, project, "edit"):
        raise Refused(_("You may not write in this project's journal."))
    moved = item.stage_id is not None and item.stage_id != project.stage_id
    entry = JournalEntry(
        project=project,
        author=actor,
        text=item.text.strip(),
        written_on=timezone.localdate(item.device_at),
        written_on_device_at=item.device_at,
        written_at_stage_id=item.stage_id if moved else None,
        arrived_at_stage=project.stage if moved else None,
    )
    try:
        entry.full_clean()
    except ValidationError as error:
        raise Refused(" ".join(error.messages)) from error
    entry.save()
    DevelopmentProject.objects.filter(pk=project.pk).update(last_activity_at=timezone.now())
    draft_discard(actor=actor, key=f"journal:{project.pk}")
    after = {**(snapshot(entry) or {}), "received_at": timezone.now().isoformat()}
    audit_record(actor=actor, action="portfolios.journal_entry.created", target=entry, after=after)
    detail = (
        _("Saved, with a note: the project moved to the stage “%(stage)s” meanwhile.") % {"stage": project.stage.title}
        if moved
        else _("Saved.")
    )
    return ItemResult(key=item.key, outcome=Outcome.APPLIED, detail=detail, extra={"entry": entry.pk})


def journal_entries_from_device(*, actor: User, entries: Iterable[DeviceJournalEntry]) -> list[ItemResult]:
    """Apply a device's queued journal entries, each at most once (by key), each in its own
    transaction. Same permission as the project page's journal form (rule "edit"), per entry:
    otherwise refused. An entry whose project moved stage meanwhile is kept with a note.
    Records ``portfolios.journal_entry.created`` with the device and server times. Raises
    ValueError for a batch over ``MAX_BATCH``."""
    items = list(entries)
    if len(items) > MAX_BATCH:
        raise ValueError(f"at most {MAX_BATCH} entries at once")
    now = timezone.now()
    results = []
    for item in items:
        entry = DeviceJournalEntry(
            key=item.key,
            project_id=item.project_id,
            text=item.text,
            device_at=device_time(item.device_at, now=now),
            stage_id=item.stage_id,
        )
        with transaction.atomic():
            results.append(
                apply_once(
                    actor=actor,
                    key=entry.key,
                    kind=KIND,
                    device_at=entry.device_at,
                    apply=lambda entry=entry: _apply(actor, entry),  # type: ignore[misc]
                )
            )
    return results
