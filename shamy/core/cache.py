"""The shared Redis cache, kept out of the way when Redis is down.

``TolerantRedisCache`` is Django's own ``RedisCache`` (settings: ``SHAMY_REDIS_URL``) with one
difference: a Redis that cannot be reached is a cache miss, never an error page. Reads answer the
default (the page is computed from the database), writes are dropped, and the failure is logged,
as django-redis does with ``IGNORE_EXCEPTIONS``. ``/readyz`` still reports the outage
(``shamy.health.checks.cache_problem`` calls :meth:`TolerantRedisCache.ping`, which raises).

Two details keep a shared cache correct through an outage:

- after a failure the process stops trying Redis for ``RETRY_AFTER_SECONDS`` (a black-holed
  server would otherwise cost every request its connect timeout);
- a write that was dropped (a versioned cache's bump, say) may leave an old value in a Redis that
  was only unreachable, not restarted. The process remembers the keys it failed to write and
  deletes them as soon as Redis answers again, so the next read is a miss, not a stale value.
  A restarted Redis (run it without persistence, see ``deploy/redis.conf``) starts empty anyway.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("shamy.cache")

T = TypeVar("T")

# What "Redis is not there" looks like: refused or reset connections, timeouts, a server that
# is loading its data or shutting down (both raise ConnectionError subclasses or BusyLoading).
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)

# Remembered keys of dropped writes; past this many, the rest are left to their timeout.
MAX_PENDING_KEYS = 10_000


class CacheUnavailable(Exception):
    """Raised by :meth:`TolerantRedisCache.ping` when Redis does not answer."""


class TolerantRedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` that treats an unreachable Redis as a miss.

    ``OPTIONS`` takes ``RETRY_AFTER_SECONDS`` (default 2) besides the redis-py connection options
    (``socket_connect_timeout``, ``socket_timeout``, ...), which are passed on.
    """

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS", {}))
        self.retry_after = float(options.pop("RETRY_AFTER_SECONDS", 2.0))
        super().__init__(server, {**params, "OPTIONS": options})
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._pending: set[str] = set()
        self._pending_overflow = False

    # --- the guard ------------------------------------------------------------------------------

    def _guarded(self, operation: str, call: Callable[[], T], default: T, written: Iterable[str] = ()) -> T:
        if time.monotonic() < self._down_until:
            self._remember(written)
            return default
        try:
            self._flush_pending()
            return call()
        except UNAVAILABLE as error:
            with self._lock:
                self._down_until = time.monotonic() + self.retry_after
            self._remember(written)
            logger.warning("Cache %s failed, treated as a miss (Redis unreachable): %s", operation, error)
            return default

    def _remember(self, keys: Iterable[str]) -> None:
        with self._lock:
            for key in keys:
                if len(self._pending) >= MAX_PENDING_KEYS:
                    self._pending_overflow = True
                    break
                self._pending.add(key)

    def _flush_pending(self) -> None:
        """Delete the keys this process failed to write while Redis was away (raises if still away)."""
        if not self._pending:
            return
        with self._lock:
            keys, self._pending = list(self._pending), set()
            overflow, self._pending_overflow = self._pending_overflow, False
        try:
            self._cache.delete_many(keys)
        except UNAVAILABLE:
            self._remember(keys)
            raise
        if overflow:
            logger.warning(
                "More than %s cache writes were dropped while Redis was away; the rest expire with their timeout.",
                MAX_PENDING_KEYS,
            )

    def ping(self) -> None:
        """Raise :class:`CacheUnavailable` unless Redis answers now (ignores the retry pause)."""
        try:
            self._cache.get_client(None, write=True).ping()
        except UNAVAILABLE as error:
            raise CacheUnavailable(str(error)) from error
        with self._lock:
            self._down_until = 0.0

    # --- the cache API --------------------------------------------------------------------------

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        made = self.make_and_validate_key(key, version=version)
        return self._guarded("add", lambda: RedisCache.add(self, key, value, timeout, version), False, [made])

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._guarded("get", lambda: RedisCache.get(self, key, default, version), default)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        made = self.make_and_validate_key(key, version=version)
        self._guarded("set", lambda: RedisCache.set(self, key, value, timeout, version), None, [made])

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        made = self.make_and_validate_key(key, version=version)
        return self._guarded("touch", lambda: RedisCache.touch(self, key, timeout, version), False, [made])

    def delete(self, key: Any, version: int | None = None) -> bool:
        made = self.make_and_validate_key(key, version=version)
        return self._guarded("delete", lambda: RedisCache.delete(self, key, version), False, [made])

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return self._guarded("get_many", lambda: RedisCache.get_many(self, keys, version), {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._guarded("has_key", lambda: RedisCache.has_key(self, key, version), False)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        made = self.make_and_validate_key(key, version=version)
        missing = object()
        result = self._guarded("incr", lambda: RedisCache.incr(self, key, delta, version), missing, [made])
        if result is missing:
            # What a missing key raises: callers already handle it (they set a fresh value).
            raise ValueError(f"Key {key!r} not reachable (Redis unavailable).")
        return int(result)  # type: ignore[call-overload]

    def set_many(self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[Any]:
        made = [self.make_and_validate_key(key, version=version) for key in data]
        self._guarded("set_many", lambda: RedisCache.set_many(self, data, timeout, version), [], made)
        return []

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        keys = list(keys)
        made = [self.make_and_validate_key(key, version=version) for key in keys]
        self._guarded("delete_many", lambda: RedisCache.delete_many(self, keys, version), None, made)

    def clear(self) -> None:
        self._guarded("clear", lambda: RedisCache.clear(self), None)
