"""The read replica: heavy reads (analytics, exports) go to it, everything else to the primary.

A deployment with ``REPLICA_DATABASE_URL`` gets a second database alias, ``replica`` (a PostgreSQL
streaming replica of the primary: ``deploy/replica.sh``), the router below and the pin middleware.
Without it none of this is installed and every query goes to the one database, as before.

Django's router sees only a model, and analytics reads registry, programme and attendance models as
well as its own, so the model cannot say whether a read is heavy. Code says so instead:

- ``@replica_reads`` on a view (the analytics pages, its API and every export): the view's queries,
  and those of a streamed response's body, may go to the replica;
- ``with use_replica():`` around a block (a selector called from a task or a command).

A read goes to the replica only when all of these hold, else to the primary:

1. a replica is configured, and the code marked the read heavy;
2. the request is not pinned: after a write (any request with a non-safe method, or an audited
   save), the browser carries a signed cookie for ``REPLICA_PIN_SECONDS`` and its requests read the
   primary, so a user always sees their own writes, on whichever app server answers;
3. no transaction is open on the primary (inside one, reads see its uncommitted writes);
4. the replica answered its last check, at most ``REPLICA_CHECK_SECONDS`` ago, and its lag was
   at most ``REPLICA_MAX_LAG_SECONDS``. A replica that is down or far behind is skipped; a view
   whose query fails on the replica is run again on the primary once (safe methods only).

Writes always go to the primary; migrations never run on the replica. Sessions, users, memberships
and lockouts (``PRIMARY_ONLY_APPS``) are always read from the primary.
"""

from __future__ import annotations

import contextvars
import functools
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

REPLICA = "replica"
PIN_COOKIE = "shamy_primary"
PIN_SALT = "shamy.core.replicas.pin"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Who is signed in and what they may do is read from the primary even in a heavy read: a session,
# a membership or a lockout a few seconds old on the replica must never sign someone out or grant
# a revoked role.
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "accounts", "access", "axes", "contenttypes", "health"})

# How far behind the replica is, in seconds: 0 when it has replayed everything it received, else
# the age of the last transaction it replayed (the usual measure on a standby; on a primary whose
# only writes for a while are one long transaction it overstates the lag).
LAG_SQL = """
SELECT pg_is_in_recovery(),
       CASE WHEN pg_last_wal_receive_lsn() IS NULL
                 OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END,
       pg_is_wal_replay_paused()
"""

_heavy: contextvars.ContextVar[bool] = contextvars.ContextVar("shamy_heavy_reads", default=False)
_pinned: contextvars.ContextVar[bool] = contextvars.ContextVar("shamy_pinned_to_primary", default=False)
# Inside a request (the pin middleware): a list that gets an entry when the request writes; outside
# one (tasks, commands) None, and a write pins nothing.
_writes: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("shamy_request_writes", default=None)
_used: contextvars.ContextVar[bool] = contextvars.ContextVar("shamy_replica_used", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


# --- The replica's state --------------------------------------------------------------------


@dataclass(frozen=True)
class ReplicaState:
    """What the replica said when last asked: ``error`` is empty when it answered as a standby."""

    error: str = ""
    lag_seconds: float = 0.0
    replay_paused: bool = False

    @property
    def usable(self) -> bool:
        return not self.error and self.lag_seconds <= settings.REPLICA_MAX_LAG_SECONDS


def replica_state() -> ReplicaState:
    """Ask the replica now: is it reachable, a standby, and how far behind?"""
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(LAG_SQL)
            in_recovery, lag, paused = cursor.fetchone()
    except Exception as error:  # noqa: BLE001 (any failure means "do not read from it")
        try:
            connections[REPLICA].close()  # the next check connects afresh
        except Exception:  # noqa: BLE001, S110 (a broken connection may fail to close too)
            pass
        return ReplicaState(error=f"The replica cannot be reached: {error}".strip())
    if not in_recovery:
        return ReplicaState(error="The replica database is not a standby (pg_is_in_recovery() is false).")
    return ReplicaState(lag_seconds=round(float(lag), 1), replay_paused=bool(paused))


_checked: dict[str, Any] = {"at": None, "state": None}


def replica_usable() -> bool:
    """The last check's answer, asked again at most every ``REPLICA_CHECK_SECONDS`` (per process),
    and this process's connection to the replica still open."""
    now = time.monotonic()
    at = _checked["at"]
    if at is None or now - at >= settings.REPLICA_CHECK_SECONDS:
        state = replica_state()
        if not state.usable and (_checked["state"] is None or _checked["state"].usable):
            logger.warning("Reads go to the primary: %s (lag %s s)", state.error or "replica behind", state.lag_seconds)
        _checked.update(at=now, state=state)
    return bool(_checked["state"].usable) and _connection_alive()


def _connection_alive() -> bool:
    """A replica that went down since the last check has closed this process's persistent
    connection: found here (Django's health check, ``CONN_HEALTH_CHECKS``, once per request, and a
    new connection if it was closed) rather than by the page's first query, which a streamed export
    or a ``use_replica()`` block could not run again on the primary."""
    replica = connections[REPLICA]
    try:
        replica.close_if_health_check_failed()
        replica.ensure_connection()
    except DatabaseError as error:
        _mark_replica_down(error)
        return False
    return True


def forget_replica_state() -> None:
    """Ask the replica again at the next heavy read (tests; after a query failed on it)."""
    _checked.update(at=None, state=None)


def _mark_replica_down(error: BaseException) -> None:
    logger.warning("A query failed on the replica; reads go to the primary: %s", error)
    _checked.update(at=time.monotonic(), state=ReplicaState(error=str(error)))
    connections[REPLICA].close_if_unusable_or_obsolete()


# --- Marking heavy reads, pinning, the decision -----------------------------------------------


@contextmanager
def use_replica() -> Iterator[None]:
    """Reads inside the block are heavy: they may go to the replica (also a decorator)."""
    token = _heavy.set(True)
    try:
        yield
    finally:
        _heavy.reset(token)


@contextmanager
def pinned_to_primary(pinned: bool = True) -> Iterator[None]:
    """Reads inside the block go to the primary, heavy or not (the pin middleware sets it per request)."""
    token = _pinned.set(pinned)
    try:
        yield
    finally:
        _pinned.reset(token)


def note_write() -> None:
    """A write happened in this request (audited services call it): the rest of the request reads
    the primary, and its browser is pinned to the primary. Outside a request it does nothing."""
    writes = _writes.get()
    if writes is not None:
        writes.append("write")


def _request_wrote() -> bool:
    return bool(_writes.get())


def read_alias() -> str:
    """Where a read goes now (the order of the checks is cheapest first)."""
    if not (replica_configured() and _heavy.get()) or _pinned.get() or _request_wrote():
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    if not replica_usable():
        return DEFAULT_DB_ALIAS
    _used.set(True)
    return REPLICA


def replica_caught_up() -> bool:
    """Has the replica replayed everything the primary has written up to now? Asked before a value
    read from the replica is stored in a shared cache: a cache version read before this moment was
    bumped after its write committed, so the replica then holds that write too."""
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            (position,) = cursor.fetchone()
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT COALESCE(pg_last_wal_replay_lsn() >= %s::pg_lsn, false)", [position])
            (caught_up,) = cursor.fetchone()
    except DatabaseError:
        return False
    return bool(caught_up)


@contextmanager
def fresh_for_cache() -> Iterator[None]:
    """Reads inside the block produce a value for a shared cache: they use the replica only if it
    has caught up with the primary, else the primary (a lagging replica's rows would be stored under
    the current version and served to everyone until the next write)."""
    if read_alias() == REPLICA and not replica_caught_up():
        with pinned_to_primary():
            yield
    else:
        yield


class ReplicaRouter:
    """Django's database router (``DATABASE_ROUTERS``, installed only with a replica)."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        return read_alias()

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS  # even for an object read from the replica

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db != REPLICA


_View = TypeVar("_View", bound=Callable[..., Any])
T = TypeVar("T")


def carry_over(chunks: Iterable[T]) -> Iterator[T]:
    """A streamed body, produced later by the WSGI server (the view and the middleware have
    returned by then), with the reads it makes routed as the view's were: heavy, and pinned if the
    request was. Unchanged when the view's reads were not heavy. (Not a generator itself: the
    state is read now, while the view runs.)"""
    if not _heavy.get():
        return iter(chunks)
    return _produce_as(iter(chunks), pinned=_pinned.get() or _request_wrote())


def _produce_as(iterator: Iterator[T], *, pinned: bool) -> Iterator[T]:
    while True:
        with use_replica(), pinned_to_primary(pinned):
            try:
                chunk = next(iterator)
            except StopIteration:
                return
        yield chunk


def replica_reads(view: _View) -> _View:
    """Mark a view's reads heavy (analytics pages and API, exports). If the replica fails during a
    safe request, the view runs once more on the primary. A streamed export keeps the routing
    through :func:`carry_over` (``core.exports.csv_stream_response`` calls it)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        used = _used.set(False)
        try:
            with use_replica():
                response = view(request, *args, **kwargs)
        except DatabaseError as error:
            if not (_used.get() and request.method in SAFE_METHODS):
                raise
            _mark_replica_down(error)
            response = view(request, *args, **kwargs)
        finally:
            _used.reset(used)
        return response

    return wrapped  # type: ignore[return-value]


class ReplicaPinMiddleware:
    """Read-your-writes across app servers: a request with a non-safe method, or one that saved
    through an audited service, sets a signed cookie; for ``REPLICA_PIN_SECONDS`` after it (checked
    on the signature's timestamp, not only the cookie's expiry) that browser's requests read the
    primary. Installed only with a replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = settings.REPLICA_PIN_SECONDS
        pinned = (
            request.get_signed_cookie(PIN_COOKIE, default=None, salt=PIN_SALT, max_age=seconds) is not None
            if PIN_COOKIE in request.COOKIES
            else False
        )
        writes = _writes.set([])
        try:
            with pinned_to_primary(pinned):
                response = self.get_response(request)
            if request.method not in SAFE_METHODS or _request_wrote():
                response.set_signed_cookie(
                    PIN_COOKIE,
                    "1",
                    salt=PIN_SALT,
                    max_age=seconds,
                    httponly=True,
                    samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE,
                )
        finally:
            _writes.reset(writes)
        return response
