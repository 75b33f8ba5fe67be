"""The analytics cache version. Bumping it makes every cached panel stale at once.

Signals on School, Employment, Person and IndicatorValue bump it (housekeeping only); bulk
writes that bypass signals (``bulk_create``, ``update()``, imports) must call
:func:`analytics_invalidate` themselves.
"""

from __future__ import annotations

from django.core.cache import cache

VERSION_KEY = "analytics:version"


def cache_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY) or 1
    return int(version)


def analytics_invalidate() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)
