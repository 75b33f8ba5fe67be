"""Schools per region, counted ahead: the school list's total without counting every school.

The school list (and the API's) shows how many schools match. With no filter but a region, that
is every school of the regions the reader may see: a ``COUNT(*)`` over all 7,687 schools for a
national reader, which PostgreSQL answers by reading every row to its region (the table's last
column), several times the cost of everything else the page asks the database, and growing with
the registry. :class:`~shamy.registry.models.SchoolCount` keeps each region's number instead, so
the total is a sum over 20 regions. Filtered lists, and readers who see single schools
(principals), still count live.

Correctness does not depend on the stored numbers being kept up to date (as the analytics'
teacher counts, ``shamy/analytics/tally.py``):

- every write that can change a region's number (a school saved, moved or deleted; a new region;
  any ``bulk_data_changed``, which the importers and the demo loader send) marks the regions it
  touches not current, in the write's own transaction (``mark_stale``; :func:`connect`);
- once that transaction commits, those regions are counted again (``refresh``), each under a
  row lock, reading only committed rows; a write that marks a region meanwhile waits for it;
- a total uses the stored numbers only when every region it needs is current; otherwise it is
  counted live (``stored_total`` → None), so a write shows at once, committed or not.

``shamy/registry/tests/test_school_counts.py`` compares stored and live after every kind of write.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.db.models.signals import post_delete, post_save, pre_save

from shamy.access.context import Actor, access_for
from shamy.core.signals import bulk_data_changed
from shamy.registry.models import Region, School, SchoolCount
from shamy.registry.stale import ALL, RegionStore


def refresh_stale() -> int:
    """Count again every region that is not current (or never counted); returns how many."""
    stale = STORE.stale_region_ids()
    if stale:
        refresh(stale)
    return len(stale)


# Marked by the writes below, counted at once after their commit (``shamy.registry.stale``).
STORE = RegionStore(SchoolCount, after_commit=refresh_stale)
mark_stale = STORE.mark_stale
schedule = STORE.schedule


@transaction.atomic
def refresh(region_ids: Iterable[int] | None = ALL) -> None:
    """Count these regions' schools (``ALL``: every region's) and mark them current. Each region's
    row is locked first, so two counts of a region run one after the other, and a write that
    marks it meanwhile waits for the count to end (and is counted again after its own commit)."""
    regions = Region.objects.all() if region_ids is ALL else Region.objects.filter(pk__in=sorted(set(region_ids)))
    pks = list(regions.order_by("pk").values_list("pk", flat=True))
    if not pks:
        return
    SchoolCount.objects.bulk_create(
        [SchoolCount(region_id=pk, schools=0, current=False) for pk in pks], ignore_conflicts=True
    )
    rows = list(SchoolCount.objects.select_for_update().filter(region_id__in=pks).order_by("pk"))
    # After the lock: in READ COMMITTED this statement sees every write committed before it.
    counts = dict(
        School.objects.filter(region_id__in=pks)
        .order_by()
        .values("region_id")
        .annotate(schools=Count("id"))
        .values_list("region_id", "schools")
    )
    for row in rows:
        row.schools = counts.get(row.region_id, 0)
        row.current = True
    SchoolCount.objects.bulk_update(rows, ["schools", "current"])


def stored_total(*, actor: Actor, region_id: int | None = None) -> int | None:
    """How many schools ``actor`` may see (in region ``region_id`` only, when given), from the
    stored numbers: one query over the visible regions. None when the reader sees single schools
    (their number is not per region) or any of those regions is not current: count live then."""
    if access_for(actor).registry.school_ids:
        return None
    regions = Region.objects.restrict(actor, "view")
    if region_id is not None:
        regions = regions.filter(pk=region_id)
    total = 0
    for _pk, current, schools in regions.values_list("pk", "school_count__current", "school_count__schools"):
        if not current:
            return None
        total += schools
    return total


# --- Writes that change a region's number --------------------------------------------------------


def _school_moving(instance: School, **kwargs: Any) -> None:
    if instance.pk is not None:  # the region it is leaving, if it moves
        mark_stale(School.objects.filter(pk=instance.pk).values("region_id"))


def _school_changed(instance: School, **kwargs: Any) -> None:
    mark_stale([instance.region_id])


def _region_created(instance: Region, created: bool = False, **kwargs: Any) -> None:
    if created:
        schedule()  # counted (as empty) once it commits


def _bulk_changed(**kwargs: Any) -> None:
    mark_stale()


def connect() -> None:
    pre_save.connect(_school_moving, sender=School, dispatch_uid="registry-school-count-moving")
    post_save.connect(_school_changed, sender=School, dispatch_uid="registry-school-count-save")
    post_delete.connect(_school_changed, sender=School, dispatch_uid="registry-school-count-delete")
    post_save.connect(_region_created, sender=Region, dispatch_uid="registry-school-count-region")
    bulk_data_changed.connect(_bulk_changed, dispatch_uid="registry-school-count-bulk")
