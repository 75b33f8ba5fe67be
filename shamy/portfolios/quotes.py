"""Quoting the project's own records (journal entries, plan steps, evidence) into a portfolio
section, so the teacher does not retype what is already written down.

A quote is a plain-text block: the quoted lines prefixed with "> ", then a line naming the
source and its date ("— From the journal, 05.12.2026"). Section texts are plain text, shown with
their line breaks, so the block reads the same in the editor, on the page and in the export.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from shamy.portfolios.models import Evidence, JournalEntry, ProjectStep

# What the insert buttons send: "<kind>:<id>".
KINDS = ("journal", "step", "evidence")


@dataclass(frozen=True)
class Quote:
    """One record offered for insertion: the text to quote and where it comes from."""

    token: str  # "journal:12"
    text: str
    source: str
    evidence_id: int | None = None

    def block(self) -> str:
        lines = [f"> {line}".rstrip() for line in self.text.strip().splitlines()] or [">"]
        return "\n".join([*lines, f"— {self.source}"])


def _day(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def journal_quote(entry: JournalEntry) -> Quote:
    return Quote(
        token=f"journal:{entry.pk}",
        text=entry.text,
        source=_("From the journal, %(date)s") % {"date": _day(entry.written_on)},
    )


def step_quote(step: ProjectStep) -> Quote:
    if step.done_on:
        source = _("From the plan: due %(due)s, done %(done)s") % {
            "due": _day(step.due_on),
            "done": _day(step.done_on),
        }
    else:
        source = _("From the plan: due %(due)s, not done yet") % {"due": _day(step.due_on)}
    return Quote(token=f"step:{step.pk}", text=step.title, source=source)


def evidence_quote(evidence: Evidence) -> Quote:
    source = _("Evidence “%(title)s” (%(kind)s), added %(date)s") % {
        "title": evidence.title,
        "kind": evidence.get_kind_display(),
        "date": _day(evidence.created_at),
    }
    return Quote(
        token=f"evidence:{evidence.pk}",
        text=evidence.description or evidence.title,
        source=source,
        evidence_id=evidence.pk,
    )


def parse_token(token: str) -> tuple[str, int] | None:
    """("journal", 12) from "journal:12"; None for anything else."""
    kind, _sep, raw = token.partition(":")
    if kind not in KINDS or not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        return None
    return kind, int(raw)


def append_quote(body: str, quote: Quote) -> str:
    """The section text with the quote's block added at the end, after a blank line."""
    text = body.rstrip()
    return f"{text}\n\n{quote.block()}\n" if text else f"{quote.block()}\n"
