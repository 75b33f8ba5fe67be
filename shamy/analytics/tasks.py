"""Background tasks of the analytics. Arguments are IDs (none here); each task does nothing
harmful when run twice."""

from __future__ import annotations

from django_tasks import task

from shamy.analytics.tally import tally_refresh_stale


@task()
def teacher_tally_refresh_stale() -> int:
    """Recount the stored teacher counts of every region a write marked stale (shamy/analytics/tally.py)."""
    return tally_refresh_stale()
