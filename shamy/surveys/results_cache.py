"""The survey results' cache version: one per survey, bumped by every write that changes what its
results page shows.

A survey's results (and the rendered results section of its page) are cached under a key holding
the versions of the survey and of its pre survey (a late pre answer changes the post survey's
pairs). The writers bump the version: a submitted response (``services/responses.py``), an edit of
the survey or its questions (``services/surveys.py``) and the demo and bench loaders. Reading the
key costs one cache read for both versions and no query: the results page's warm path no longer counts
the submitted responses (an aggregate over every response of both surveys). The entries' lifetime
is a safety net for what no survey writer touches (memberships behind the response rate).
"""

from __future__ import annotations

from collections.abc import Hashable

from django.core.cache import cache

from shamy.core.versioned_cache import CacheVersion

RESULTS_CACHE_SECONDS = 600


def _version(survey_id: int) -> CacheVersion:
    return CacheVersion(f"surveys:results:{survey_id}")


def results_changed(survey_id: int) -> None:
    """The results of ``survey_id`` changed: stale now and again when the transaction commits."""
    _version(survey_id).changed()


def results_key(survey_id: int, pre_survey_id: int | None, *parts: Hashable) -> str:
    """A cache key for results of the survey at its (and its pre survey's) current version: both
    versions in one cache read (a version not set yet, or evicted, starts from the clock)."""
    versions = [_version(pk) for pk in (survey_id, pre_survey_id) if pk is not None]
    found = cache.get_many([version.version_key for version in versions])
    numbers = [found.get(version.version_key) or version.current() for version in versions]
    return versions[0].namespace + ":" + ":".join(str(part) for part in (*numbers, *parts))
