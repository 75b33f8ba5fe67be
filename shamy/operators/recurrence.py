"""Planning training days: the dates of an RFC 5545 recurrence rule (python-dateutil), less the
public holidays of Kazakhstan (the maintained ``holidays`` library) and the school breaks the
ministry sets each year, which are skipped or moved.

Pure functions: no database. The services store what :func:`plan_days` returns.

The rule for a date that falls on a holiday or in a break, with the "move" policy: it moves to
the first date after it, in steps of one week (so a Saturday stays a Saturday), that is neither
closed nor already a training day of the schedule (a planned date that is not closed, or a date
an earlier closed day moved to), and not after the schedule's end. With no such date, or with
the "skip" policy, the day is skipped. Days are handled in date order, so an earlier planned day
gets the earlier free week.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import holidays
from dateutil.rrule import rrule, rrulestr
from django.utils.translation import gettext as _

PLANNED, MOVED, SKIPPED = "planned", "moved", "skipped"
SKIP, MOVE = "skip", "move"
WEEK = datetime.timedelta(days=7)
# A schedule of training days is at most a school year or two of dates.
MAX_OCCURRENCES = 120
# Frequencies a training-day schedule may use (no hourly, minutely or secondly rules).
FREQUENCIES = frozenset({"DAILY", "WEEKLY", "MONTHLY", "YEARLY"})
# Every second Saturday: the operators' training days.
EVERY_SECOND_SATURDAY = "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA"


class RuleError(ValueError):
    """The recurrence rule cannot be used (its message is shown to the user)."""


def _parts(text: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for chunk in text.split(";"):
        name, _sep, value = chunk.partition("=")
        parts[name.strip().upper()] = value.strip().upper()
    return parts


def parse_rule(rule: str, first_on: datetime.date) -> rrule:
    """The rule (``FREQ=WEEKLY;INTERVAL=2;BYDAY=SA``, with or without ``RRULE:``) starting on
    ``first_on``. Raises :class:`RuleError` for text that is not one RRULE, for a rule finer than
    daily, and for a rule that carries its own DTSTART."""
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    if not text:
        raise RuleError(_("Give a recurrence rule."))
    if "\n" in text or "\r" in text or ":" in text:
        raise RuleError(_("Give one recurrence rule, without a start date."))
    parts = _parts(text)
    if parts.get("FREQ") not in FREQUENCIES:
        raise RuleError(_("Training days repeat daily, weekly, monthly or yearly."))
    try:
        parsed = rrulestr("RRULE:" + text, dtstart=datetime.datetime.combine(first_on, datetime.time()))
    except (ValueError, TypeError) as error:
        raise RuleError(_("This is not a valid recurrence rule (RFC 5545).")) from error
    if not isinstance(parsed, rrule):
        raise RuleError(_("Give one recurrence rule, without a start date."))
    return parsed


def occurrences(rule: str, first_on: datetime.date, until: datetime.date) -> list[datetime.date]:
    """The rule's dates from ``first_on`` to ``until`` (both included). Raises RuleError when
    there are more than ``MAX_OCCURRENCES``."""
    parsed = parse_rule(rule, first_on)
    end = datetime.datetime.combine(until, datetime.time())
    dates: list[datetime.date] = []
    for moment in parsed:
        if moment > end:
            break
        dates.append(moment.date())
        if len(dates) > MAX_OCCURRENCES:
            raise RuleError(
                _("The schedule has more than %(limit)s training days; shorten it.") % {"limit": MAX_OCCURRENCES}
            )
    return dates


@dataclass(frozen=True)
class Break:
    starts_on: datetime.date
    ends_on: datetime.date
    reason: str


def kazakhstan_holidays(first: datetime.date, last: datetime.date, language: str = "kk") -> dict[datetime.date, str]:
    """Public holidays of Kazakhstan (days off, with the substituted days the library knows)
    between ``first`` and ``last``, named in Kazakh or English (the library has no Russian)."""
    names = "en_US" if language == "en" else "kk"
    calendar = holidays.country_holidays("KZ", years=range(first.year, last.year + 1), language=names)
    return {day: str(name) for day, name in sorted(calendar.items()) if first <= day <= last}


def closed_days(
    public_holidays: Mapping[datetime.date, str], breaks: Iterable[Break], first: datetime.date, last: datetime.date
) -> dict[datetime.date, str]:
    """Every date between ``first`` and ``last`` with no training, mapped to why (a holiday's
    name wins over a break's)."""
    closed: dict[datetime.date, str] = {}
    for school_break in breaks:
        day = max(school_break.starts_on, first)
        while day <= min(school_break.ends_on, last):
            closed[day] = school_break.reason
            day += datetime.timedelta(days=1)
    for day, name in public_holidays.items():
        if first <= day <= last:
            closed[day] = name
    return closed


@dataclass(frozen=True)
class PlannedDay:
    planned_on: datetime.date
    on: datetime.date
    status: str  # PLANNED, MOVED or SKIPPED
    reason: str = ""


def plan_days(
    dates: Sequence[datetime.date],
    *,
    closed: Mapping[datetime.date, str],
    policy: str,
    until: datetime.date,
) -> list[PlannedDay]:
    """Decide each planned date: kept, moved off a closed date, or skipped (module docstring)."""
    if policy not in (SKIP, MOVE):
        raise ValueError(f"unknown policy {policy!r}")
    ordered = sorted(set(dates))
    taken = {day for day in ordered if day not in closed}
    result = []
    for day in ordered:
        reason = closed.get(day)
        if reason is None:
            result.append(PlannedDay(day, day, PLANNED))
            continue
        if policy == MOVE:
            candidate = day + WEEK
            while candidate <= until and (candidate in closed or candidate in taken):
                candidate += WEEK
            if candidate <= until:
                taken.add(candidate)
                result.append(PlannedDay(day, candidate, MOVED, reason))
                continue
        result.append(PlannedDay(day, day, SKIPPED, reason))
    return result
