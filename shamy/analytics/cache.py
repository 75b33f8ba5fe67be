"""The analytics cache version. Bumping it makes every cached panel stale at once.

Signals on School, Employment, Person and IndicatorValue bump it (housekeeping only); bulk
writes that bypass signals (``bulk_create``, ``update()``, imports) must call
:func:`analytics_invalidate` themselves. The version itself is a
:class:`shamy.core.versioned_cache.CacheVersion`: shared by the workers, and never revived by an
eviction.
"""

from __future__ import annotations

from shamy.core.request_memo import forget_namespace
from shamy.core.versioned_cache import CacheVersion

ANALYTICS_CACHE = CacheVersion("analytics")
VERSION_KEY = ANALYTICS_CACHE.version_key


def cache_version() -> int:
    return ANALYTICS_CACHE.current()


def analytics_invalidate() -> None:
    """Now, and once more when the current transaction commits (see CacheVersion.changed); and
    whatever this request remembered of the analytics (shamy/core/request_memo.py)."""
    ANALYTICS_CACHE.changed()
    forget_namespace("analytics")
