"""Project journal entries, step updates and portfolio section texts written offline on a device
and sent later (issue 13).

Each item carries an idempotency key: applied at most once per user
(``shamy.offline.services.keys.apply_once``). The rules when they arrive:

- a journal entry for a project that moved stage between the writing and the arrival is kept, with
  a note naming both stages (shown on the project page). Entries add up: no conflict between writers;
- a step marked done or not done: the change made later on its device stands, whatever order the
  changes arrive in (a tap online counts at the server's time; a tie goes to the greater key). The
  earlier change is answered "conflict" with the state that stands and who set it; both are audited;
- a section's text: the same rule, the later written text stands. The earlier text is not lost: it
  is kept as its writer's draft of the section (the editor restores it, to merge by hand), and the
  answer says so. A section of a portfolio submitted meanwhile is refused (the device keeps the item).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from shamy.accounts.models import User
from shamy.audit.services.entries import audit_record, snapshot
from shamy.core.rules import allowed
from shamy.offline.models import Outcome
from shamy.offline.services.keys import EARLIEST_DEVICE_TIME, ItemResult, Refused, apply_batch
from shamy.portfolios.models import DevelopmentProject, Draft, JournalEntry, PortfolioSection, ProjectStep
from shamy.portfolios.services.drafts import MAX_DRAFT_LENGTH, draft_discard
from shamy.portfolios.services.projects import _touch

MAX_BATCH = 200
KIND = "portfolios.journal_entry"
STEP_KIND = "portfolios.step_update"
SECTION_KIND = "portfolios.section_text"
_NO_KEY = uuid.UUID(int=0)  # a change made online has no key: it loses a tie at the same instant


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
    return apply_batch(
        actor=actor,
        items=entries,
        kind=KIND,
        limit=MAX_BATCH,
        noun="entries",
        apply=lambda item: _apply(actor, item),
    )


@dataclass(frozen=True)
class DeviceStepUpdate:
    key: uuid.UUID
    step_id: int
    done: bool
    device_at: datetime.datetime


STEP_FIELDS = ["done_on", "done_changed_at", "done_changed_by", "done_change_key"]


def _step_standing(step: ProjectStep) -> tuple[datetime.datetime, uuid.UUID]:
    """The (time, key) of the change of "done" that stands; any change beats a step never changed."""
    return (step.done_changed_at or EARLIEST_DEVICE_TIME, step.done_change_key or _NO_KEY)


def _step_state(step: ProjectStep) -> str:
    return _("done") if step.done_on else _("not done")


def _apply_step(actor: User, item: DeviceStepUpdate) -> ItemResult:
    step = (
        ProjectStep.objects.restrict(actor, "view")
        .select_for_update(of=("self",))
        .select_related("project")
        .filter(pk=item.step_id)
        .first()
    )
    if step is None:
        raise Refused(_("This step is not found, or not visible to your account."))
    if not allowed(actor, step, "edit"):
        raise Refused(_("You may not change this project's plan."))
    now = timezone.now()
    change = {
        "done_on": timezone.localdate(item.device_at).isoformat() if item.done else None,
        "done_changed_at": item.device_at.isoformat(),
        "done_changed_by": actor.pk,
        "done_change_key": str(item.key),
        "received_at": now.isoformat(),
    }
    if (item.device_at, item.key) <= _step_standing(step):
        # The later change stays; the overruled one is on record beside it.
        audit_record(
            actor=actor,
            action="portfolios.step.update_overruled",
            target=step,
            before=snapshot(step, STEP_FIELDS),
            after=change,
        )
        by = step.done_changed_by.get_full_name() if step.done_changed_by else ""
        return ItemResult(
            key=item.key,
            outcome=Outcome.CONFLICT,
            detail=_("“%(step)s” stays %(state)s: %(name)s changed it later.")
            % {"step": step.title, "state": _step_state(step), "name": by or _("someone")},
            extra={"step": step.pk, "done": step.done_on is not None},
        )
    before = snapshot(step, STEP_FIELDS)
    step.done_on = timezone.localdate(item.device_at) if item.done else None
    step.done_changed_at, step.done_changed_by, step.done_change_key = item.device_at, actor, item.key
    step.save(update_fields=STEP_FIELDS)
    _touch(step.project)
    audit_record(actor=actor, action="portfolios.step.updated", target=step, before=before, after=change)
    return ItemResult(
        key=item.key,
        outcome=Outcome.APPLIED,
        detail=_("Saved."),
        extra={"step": step.pk, "done": item.done},
    )


def step_updates_from_device(*, actor: User, updates: Iterable[DeviceStepUpdate]) -> list[ItemResult]:
    """Apply a device's queued step updates (done / not done), each at most once (by key), each in
    its own transaction. Same permission as the project page's buttons (the step's "edit" rule),
    per update: otherwise refused. The change made later on its device stands (see the module).
    Raises ValueError for a batch over ``MAX_BATCH``."""
    return apply_batch(
        actor=actor,
        items=updates,
        kind=STEP_KIND,
        limit=MAX_BATCH,
        noun="step updates",
        apply=lambda item: _apply_step(actor, item),
    )


@dataclass(frozen=True)
class DeviceSectionText:
    key: uuid.UUID
    section_id: int
    body: str
    device_at: datetime.datetime


SECTION_FIELDS = ["body", "version", "body_written_at", "body_key"]


def _section_standing(section: PortfolioSection) -> tuple[datetime.datetime, uuid.UUID]:
    """The (time, key) of the text that stands; any text beats one never saved (texts saved before
    this existed have their last save's time, filled in by migration 0005)."""
    return (section.body_written_at or EARLIEST_DEVICE_TIME, section.body_key or _NO_KEY)


def _keep_as_draft(actor: User, section: PortfolioSection, body: str, at: datetime.datetime) -> None:
    """The overruled text, as its writer's draft of the section (the editor restores it)."""
    Draft.objects.update_or_create(
        user=actor, key=f"section:{section.pk}", defaults={"text": body[:MAX_DRAFT_LENGTH], "saved_at": at}
    )


def _apply_section(actor: User, item: DeviceSectionText) -> ItemResult:
    section = (
        PortfolioSection.objects.restrict(actor, "view")
        .select_for_update(of=("self",))
        .select_related("portfolio__project", "updated_by")
        .filter(pk=item.section_id)
        .first()
    )
    if section is None:
        raise Refused(_("This section is not found, or not visible to your account."))
    project = section.portfolio.project
    if not allowed(actor, project, "edit"):
        raise Refused(_("You may not write in this portfolio."))
    if section.portfolio.is_submitted:
        raise Refused(_("The portfolio was submitted meanwhile: the text was not saved. Copy it before discarding it."))
    now = timezone.now()
    change = {
        "body": item.body,
        "body_written_at": item.device_at.isoformat(),
        "body_key": str(item.key),
        "received_at": now.isoformat(),
    }
    if (item.device_at, item.key) <= _section_standing(section):
        audit_record(
            actor=actor,
            action="portfolios.section.update_overruled",
            target=section,
            before=snapshot(section, SECTION_FIELDS),
            after=change,
        )
        _keep_as_draft(actor, section, item.body, item.device_at)
        by = section.updated_by.get_full_name() if section.updated_by else ""
        return ItemResult(
            key=item.key,
            outcome=Outcome.CONFLICT,
            detail=_(
                "“%(section)s” was saved later by %(name)s, so that text stands. Yours is kept as your "
                "draft: open the section to compare and merge."
            )
            % {"section": section.title, "name": by or _("someone")},
            extra={"section": section.pk, "version": section.version},
        )
    before = snapshot(section, SECTION_FIELDS)
    section.body = item.body
    section.version += 1
    section.updated_by = actor
    section.body_written_at, section.body_key = item.device_at, item.key
    try:
        section.full_clean()
    except ValidationError as error:
        raise Refused(" ".join(error.messages)) from error
    section.save()
    _touch(project)
    draft_discard(actor=actor, key=f"section:{section.pk}")
    audit_record(actor=actor, action="portfolios.section.updated", target=section, before=before, after=change)
    return ItemResult(
        key=item.key,
        outcome=Outcome.APPLIED,
        detail=_("Saved."),
        extra={"section": section.pk, "version": section.version},
    )


def section_texts_from_device(*, actor: User, texts: Iterable[DeviceSectionText]) -> list[ItemResult]:
    """Apply a device's queued section texts, each at most once (by key), each in its own
    transaction. Same permission as the section editor (the project's "edit" rule, a portfolio not
    submitted), per text: otherwise refused. The text written later stands; an earlier one is kept
    as its writer's draft (see the module). Raises ValueError for a batch over ``MAX_BATCH``."""
    return apply_batch(
        actor=actor,
        items=texts,
        kind=SECTION_KIND,
        limit=MAX_BATCH,
        noun="section texts",
        apply=lambda item: _apply_section(actor, item),
    )
