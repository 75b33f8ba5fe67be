"""Training-day recurrence: the RRULE's dates, less holidays and breaks, skipped or moved.

The planner is checked against an independent implementation written here from the rules'
wording alone: it walks the calendar day by day (no python-dateutil, no week arithmetic shared
with the planner) and resolves moves by searching every later date of the same weekday.
"""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shamy.operators import recurrence
from shamy.operators.recurrence import MOVE, MOVED, PLANNED, SKIP, SKIPPED, Break, RuleError

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def independent_dates(first_on: datetime.date, until: datetime.date, interval: int, weekday: int) -> list:
    """FREQ=WEEKLY;INTERVAL=n;BYDAY=<weekday> from ``first_on`` (RFC 5545 with WKST=MO): the
    weeks are counted from the Monday-started week holding ``first_on``; every n-th such week
    contributes its <weekday> if it is not before ``first_on``."""
    dates = []
    week_index = 0
    day = first_on
    # Walk every calendar day; a new week begins on each Monday after the first day.
    while day <= until:
        if day != first_on and day.weekday() == 0:
            week_index += 1
        if day.weekday() == weekday and week_index % interval == 0:
            dates.append(day)
        day += datetime.timedelta(days=1)
    return dates


def independent_plan(dates, closed, policy, until):
    """Each date in order: kept when open; else with MOVE the earliest same-weekday date after
    it, up to ``until``, that is open, is not an open planned date and was not given to an
    earlier moved date; else skipped."""
    open_planned = {day for day in dates if day not in closed}
    given = set()
    result = []
    for day in sorted(dates):
        if day not in closed:
            result.append((day, day, PLANNED))
            continue
        target = None
        if policy == MOVE:
            candidates = [
                until - datetime.timedelta(days=offset) for offset in range((until - day).days + 1)
            ]  # every date from ``until`` back to ``day``
            for candidate in sorted(candidates):
                if (
                    candidate > day
                    and candidate.weekday() == day.weekday()
                    and candidate not in closed
                    and candidate not in open_planned
                    and candidate not in given
                ):
                    target = candidate
                    break
        if target is None:
            result.append((day, day, SKIPPED))
        else:
            given.add(target)
            result.append((day, target, MOVED))
    return result


dates_strategy = st.dates(min_value=datetime.date(2024, 8, 1), max_value=datetime.date(2027, 6, 1))


@settings(max_examples=200, deadline=None)
@given(
    first_on=dates_strategy,
    length=st.integers(min_value=0, max_value=300),
    interval=st.integers(min_value=1, max_value=4),
    weekday=st.integers(min_value=0, max_value=6),
)
def test_occurrences_match_an_independent_calendar_walk(first_on, length, interval, weekday):
    until = first_on + datetime.timedelta(days=length)
    rule = f"FREQ=WEEKLY;INTERVAL={interval};BYDAY={WEEKDAYS[weekday]}"
    assert recurrence.occurrences(rule, first_on, until) == independent_dates(first_on, until, interval, weekday)


@st.composite
def closures(draw, first_on, until):
    span = (until - first_on).days
    closed = {}
    for _ in range(draw(st.integers(min_value=0, max_value=12))):
        start = first_on + datetime.timedelta(days=draw(st.integers(min_value=0, max_value=max(span, 0))))
        length = draw(st.integers(min_value=0, max_value=15))
        for offset in range(length + 1):
            closed[start + datetime.timedelta(days=offset)] = "closed"
    return closed


@settings(max_examples=300, deadline=None)
@given(data=st.data(), first_on=dates_strategy, interval=st.integers(1, 3), policy=st.sampled_from([SKIP, MOVE]))
def test_plan_matches_the_independent_plan_and_keeps_every_rule(data, first_on, interval, policy):
    until = first_on + datetime.timedelta(days=data.draw(st.integers(min_value=0, max_value=280)))
    dates = independent_dates(first_on, until, interval, 5)
    closed = data.draw(closures(first_on, until))
    plan = recurrence.plan_days(dates, closed=closed, policy=policy, until=until)

    assert [(p.planned_on, p.on, p.status) for p in plan] == independent_plan(dates, closed, policy, until)
    # Every planned date is accounted for once.
    assert [p.planned_on for p in plan] == dates
    held = [p.on for p in plan if p.status != SKIPPED]
    # No training day on a closed date, none twice, all on a Saturday, none after the end.
    assert not set(held) & set(closed)
    assert len(held) == len(set(held))
    assert all(day.weekday() == 5 and day <= until for day in held)
    for p in plan:
        if p.status == MOVED:
            assert p.on > p.planned_on and (p.on - p.planned_on).days % 7 == 0
        if policy == SKIP:
            assert p.status != MOVED
        assert (p.status == PLANNED) == (p.planned_on not in closed)


def test_every_second_saturday_through_a_school_year_with_kazakh_holidays_and_breaks():
    first_on, until = datetime.date(2025, 9, 6), datetime.date(2026, 5, 23)
    breaks = [
        Break(datetime.date(2025, 10, 27), datetime.date(2025, 11, 2), "autumn"),
        Break(datetime.date(2025, 12, 29), datetime.date(2026, 1, 7), "winter"),
        Break(datetime.date(2026, 3, 19), datetime.date(2026, 3, 29), "spring"),
    ]
    holidays = recurrence.kazakhstan_holidays(first_on, until)
    closed = recurrence.closed_days(holidays, breaks, first_on, until)
    dates = recurrence.occurrences(recurrence.EVERY_SECOND_SATURDAY, first_on, until)
    assert dates[0] == first_on and dates[1] == datetime.date(2025, 9, 20)
    # Nauryz (21 March 2026) is a Saturday holiday, inside the spring break too.
    assert datetime.date(2026, 3, 21) in holidays
    skipped = recurrence.plan_days(dates, closed=closed, policy=SKIP, until=until)
    moved = recurrence.plan_days(dates, closed=closed, policy=MOVE, until=until)
    by_date = {p.planned_on: p for p in moved}
    # 1 November 2025 is in the autumn break: it moves a week on, to the free Saturday 8 November.
    assert by_date[datetime.date(2025, 11, 1)].on == datetime.date(2025, 11, 8)
    # 21 March 2026: the 28th is still in the break and 4 April is a training day already: 11 April.
    assert by_date[datetime.date(2026, 3, 21)].on == datetime.date(2026, 4, 11)
    assert by_date[datetime.date(2026, 4, 4)].status == PLANNED
    assert {p.planned_on for p in skipped if p.status == SKIPPED} == {d for d in dates if d in closed}


@pytest.mark.parametrize(
    "rule",
    ["", "FREQ=HOURLY;INTERVAL=2", "FREQ=WEEKLY;BYDAY=XX", "DTSTART:20250101\nRRULE:FREQ=WEEKLY", "nonsense"],
)
def test_unusable_rules_are_refused(rule):
    with pytest.raises(RuleError):
        recurrence.parse_rule(rule, datetime.date(2025, 9, 6))


def test_too_many_occurrences_are_refused():
    with pytest.raises(RuleError):
        recurrence.occurrences("FREQ=DAILY", datetime.date(2025, 9, 1), datetime.date(2026, 9, 1))
