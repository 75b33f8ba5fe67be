"""Which donor reports the schedule makes: one per active programme and finished quarter."""

from __future__ import annotations

import datetime


def previous_quarter(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last full calendar quarter before ``today``."""
    first_month = 3 * ((today.month - 1) // 3) + 1
    this_quarter = datetime.date(today.year, first_month, 1)
    end = this_quarter - datetime.timedelta(days=1)
    start = datetime.date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
    return start, end
