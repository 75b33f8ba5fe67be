"""The registry's page cache: school tables and district counts, stale at once after any write.

Keys always hold the caller's exact visibility scope (:func:`scope_key`), so two users share an
entry only when they may see exactly the same schools.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from shamy.access.context import Actor, access_for
from shamy.core.signals import bulk_data_changed
from shamy.core.versioned_cache import CacheVersion
from shamy.registry.models import District, Region, School

REGISTRY_CACHE = CacheVersion("registry", timeout_setting="REGISTRY_CACHE_SECONDS")


def scope_key(actor: Actor) -> tuple[Any, ...]:
    """The actor's exact registry visibility, as a cache-key part."""
    scope = access_for(actor).registry
    if scope.everywhere:
        return ("everywhere",)
    return (
        "countries",
        tuple(sorted(scope.countries)),
        "regions",
        tuple(sorted(scope.region_ids)),
        "schools",
        tuple(sorted(scope.school_ids)),
    )


def _changed(using: str = "default", **kwargs: Any) -> None:
    REGISTRY_CACHE.changed(using=using or "default")


def _bulk_changed(**kwargs: Any) -> None:
    REGISTRY_CACHE.changed()


def connect() -> None:
    """Any saved or deleted school, district or region (their names and figures are on the pages)."""

    for model in (School, District, Region):
        post_save.connect(_changed, sender=model, dispatch_uid=f"registry-cache-{model.__name__}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"registry-cache-{model.__name__}-delete")
    bulk_data_changed.connect(_bulk_changed, dispatch_uid="registry-cache-bulk-data-changed")
