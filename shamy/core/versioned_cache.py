"""Caches that go stale all at once: a version number in the shared cache, part of every key.

A page's expensive part (a count and its rendered rows, say) is stored under a key made of the
version and everything the result depends on: the caller's exact visibility scope, the language,
the filters, the page. Any write to the data behind it bumps the version, so every entry is stale
at once and the next request recomputes it; nothing is ever deleted one key at a time.

The version lives in the ``default`` cache, which production shares between workers
(``SHAMY_REDIS_URL``, or ``CACHE_BACKEND=database``), so a write in one worker or server reaches every
other one's next request.
If the version itself is evicted (a full cache culls entries), it starts again from the clock in
microseconds, never from a number an earlier version could have reached, so entries stored under
an old version can never become current again.

A write bumps the version twice: at once (a later request inside the same transaction, or a test,
sees its own change) and again after the transaction commits (a request that read the old version
and the old rows while the write was in flight would otherwise have cached them under the new
one). The after-commit bump is registered once per transaction, so a 5,000-row import adds one
callback, not 5,000.

Read through the cache only outside a transaction that writes the same data (views run in
autocommit: ``ATOMIC_REQUESTS`` is off). A transaction that wrote, read a cached value and then
rolled back would have stored rows that never existed, under a version nobody bumps again.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction

from shamy.core.replicas import fresh_for_cache

T = TypeVar("T")

DEFAULT_TIMEOUT = 10 * 60  # a safety net: every write already makes old entries unreachable


def _fresh_version() -> int:
    # Bumps add 1; even a million bumps a second would not catch up with the clock.
    return time.time_ns() // 1000


class CacheVersion:
    """``timeout_setting`` names the setting holding the entries' lifetime in seconds (0: no caching)."""

    def __init__(self, namespace: str, *, timeout_setting: str = "") -> None:
        self.namespace = namespace
        self.version_key = f"{namespace}:version"
        self.timeout_setting = timeout_setting

    @property
    def timeout(self) -> int:
        return (
            int(getattr(settings, self.timeout_setting, DEFAULT_TIMEOUT)) if self.timeout_setting else DEFAULT_TIMEOUT
        )

    def current(self) -> int:
        version = cache.get(self.version_key)
        if version is None:
            cache.add(self.version_key, _fresh_version(), timeout=None)
            version = cache.get(self.version_key) or _fresh_version()
        return int(version)

    def bump(self) -> None:
        try:
            cache.incr(self.version_key)
        except ValueError:  # not set yet, or evicted
            cache.set(self.version_key, _fresh_version(), timeout=None)

    def changed(self, using: str = DEFAULT_DB_ALIAS) -> None:
        """The data behind this cache changed: bump now, and once more when the transaction commits."""
        self.bump()
        connection = transaction.get_connection(using)
        if not connection.in_atomic_block:
            return
        if any(getattr(callback, "__self__", None) is self for _, callback, _ in connection.run_on_commit):
            return
        transaction.on_commit(self.bump, using=using)

    def key(self, *parts: Hashable) -> str:
        digest = hashlib.blake2b(repr((self.current(), *parts)).encode(), digest_size=16).hexdigest()
        return f"{self.namespace}:{digest}"

    def get_or_compute(self, parts: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
        """The cached value for ``parts`` at the current version, computed and stored on a miss."""
        timeout = self.timeout
        if timeout <= 0:
            return compute()
        key = self.key(*parts)
        value: T | None = cache.get(key)
        if value is None:
            with fresh_for_cache():  # from the replica only if it holds every write up to now
                value = compute()
            cache.set(key, value, timeout)
        return value
