"""Figures stored per region ahead of the reads, kept honest by the writes.

One mechanism for every per-region store: the registry's school numbers
(:mod:`shamy.registry.school_counts`) and the analytics' teacher counts and school sums
(:mod:`shamy.analytics.tally`). A store has one state row per region, with a ``region_id`` and a
``current`` flag:

- a write that can change a region's figures marks the region not current, in the write's own
  transaction (:meth:`RegionStore.mark_stale`, one query), and registers a callback for its commit;
- the first callback to run after a commit calls the store's ``after_commit`` (count the regions
  that are not current, at once or through a task); the others find nothing marked since and return;
- readers use the stored figures only when every region they need is current, and count live
  otherwise, so a write shows at once whether or not its recount has run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from django.db import models, transaction
from django.db.models import Exists, OuterRef, QuerySet

from shamy.registry.models import Region

ALL = None  # every region


class RegionStore:
    """The marking side of one per-region store whose state rows are ``state`` (a model with
    ``region_id`` and ``current``); ``after_commit`` counts the regions not current."""

    def __init__(self, state: type[models.Model], *, after_commit: Callable[[], object]) -> None:
        self.state = state
        self.after_commit = after_commit
        self._marked = threading.local()

    def mark_stale(self, region_ids: Iterable[int] | QuerySet[Any] | None = ALL) -> None:
        """Mark these regions not current (``ALL``: every region; a queryset of region ids is
        used as a subquery) in the current transaction, and have them counted once it commits."""
        rows = self.state._default_manager.all()
        if region_ids is not ALL:
            rows = rows.filter(region_id__in=region_ids)
        rows.update(current=False)
        self.schedule()

    def schedule(self) -> None:
        """Count the regions that are not current (or never counted) once the transaction commits."""
        self._marked.since = True
        transaction.on_commit(self._run, robust=True)

    def _run(self) -> None:
        if not getattr(self._marked, "since", False):
            return
        self._marked.since = False
        self.after_commit()

    def stale_region_ids(self) -> list[int]:
        """The regions whose figures are not current, or were never counted."""
        counted = self.state._default_manager.filter(region_id=OuterRef("pk"), current=True)
        return list(Region.objects.filter(~Exists(counted)).values_list("pk", flat=True))
