"""What ``/healthz`` and ``/readyz`` look at.

Each check returns ``None`` when all is well, else a ``Problem``: a stable code for machines and a
sentence for the operator (English, like the logs: these endpoints are read by load balancers,
orchestrators and operators, not by the platform's users).

``/readyz`` runs :data:`READINESS_CHECKS` in order, each under its own name in the answer: to
check one more part of the deployment, write a function returning ``Problem | None`` and add a
:class:`ReadinessCheck` to the list (``in_use`` says when the part is not configured at all, which
reads "not used"; ``needs_database`` skips it while the database itself fails).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, DatabaseError, OperationalError, ProgrammingError, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend

from shamy.core.db import is_lock_error, short_lock_wait
from shamy.core.replicas import ReplicaState, replica_configured, replica_state
from shamy.health.models import Heartbeat
from shamy.health.tasks import heartbeat_queue_if_missing

# A probe answers within a few seconds: it does not queue behind a long write like a form does.
LOCK_WAIT_SECONDS = 2.0


@dataclass(frozen=True)
class Problem:
    code: str
    detail: str


def sqlite_file(name: str) -> Path | None:
    """The file an SQLite database NAME points to, or None for an in-memory database."""
    if name == ":memory:" or not name:
        return None
    if name.startswith("file:"):
        parts = urlsplit(name)
        if "mode=memory" in parts.query or parts.path in {"", ":memory:"}:
            return None
        return Path(unquote(parts.path))
    return Path(name)


def database_problem(using: str = DEFAULT_DB_ALIAS) -> Problem | None:
    """Can the platform read and write a real table (the heartbeats) and commit, without waiting
    more than a moment for a lock?

    A missing SQLite file is reported, never created: connecting to it would make a new empty
    database that every later request would then use.
    """
    connection = connections[using]
    if connection.vendor == "sqlite":
        path = sqlite_file(str(connection.settings_dict["NAME"]))
        if path is not None and not path.is_file():
            return Problem("missing", f"The SQLite database file {path} does not exist.")
    try:
        now = timezone.now()
        with short_lock_wait(LOCK_WAIT_SECONDS, using), transaction.atomic(using=using):
            beats = Heartbeat.objects.using(using)
            if not beats.filter(name=Heartbeat.WEB).update(beat_at=now):
                beats.create(name=Heartbeat.WEB, beat_at=now)
    except OperationalError as error:
        if is_lock_error(error):
            return Problem("locked", f"Writes wait more than {LOCK_WAIT_SECONDS:g} s for a lock: {error}")
        if "no such table" in str(error):
            return Problem("not_migrated", f"A table is missing (migrations not applied?): {error}")
        return Problem("unreachable", f"The database cannot be reached: {error}")
    except ProgrammingError as error:
        return Problem("not_migrated", f"A table is missing (migrations not applied?): {error}")
    except DatabaseError as error:
        return Problem("error", f"The database refused the check: {error}")
    return None


def migrations_problem(using: str = DEFAULT_DB_ALIAS) -> Problem | None:
    """Every migration of the code is applied to the database (nothing left for ``migrate``)."""
    try:
        executor = MigrationExecutor(connections[using])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        return Problem("unreachable", f"The migration table cannot be read: {error}")
    if not plan:
        return None
    names = [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]
    shown = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
    return Problem("pending", f"{len(names)} migration(s) not applied: {shown}")


def cache_problem() -> Problem | None:
    """The cache stores and returns a value (with the database cache: its table exists).

    The shared Redis cache answers every failure as a miss (shamy/core/cache.py), so it is asked
    directly first: a Redis that is down is named, with redis-py's reason.
    """
    key = f"health:readyz:{uuid.uuid4().hex}"
    ping = getattr(cache, "ping", None)
    try:
        if callable(ping):
            ping()
        cache.set(key, "ok", timeout=30)
        answer = cache.get(key)
        cache.delete(key)
    except Exception as error:  # noqa: BLE001 (any backend's failure means "not reachable")
        return Problem("unreachable", f"The cache cannot be reached: {error}")
    if answer != "ok":
        return Problem("unreachable", "The cache did not return the value just stored.")
    return None


def worker_expected() -> bool:
    """Tasks wait for a worker only with the database backend (immediate tasks run in the request)."""
    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)


def worker_problem() -> Problem | None:
    """A task worker has run the heartbeat task recently.

    The heartbeat is a task on the same queue as the real work, so it is only fresh while a
    worker takes tasks off the queue: a stopped worker, a worker that cannot reach the database,
    and a queue stuck behind a long task all make it old. If no heartbeat task is waiting (first
    start, or the chain was broken), one is queued here.
    """
    if not worker_expected():
        return None
    try:
        beat = Heartbeat.objects.filter(name=Heartbeat.WORKER).first()
        heartbeat_queue_if_missing(count_running=True, delay=False)
    except DatabaseError as error:
        return Problem("unreachable", f"The heartbeat cannot be read: {error}")
    max_age = datetime.timedelta(seconds=settings.TASK_WORKER_HEARTBEAT_MAX_AGE)
    if beat is None:
        return Problem("no_heartbeat", "No task worker has run a heartbeat yet: is `manage.py db_worker` running?")
    age = timezone.now() - beat.beat_at
    if age > max_age:
        return Problem(
            "stale",
            f"The task worker's last heartbeat is {int(age.total_seconds())} s old "
            f"(at most {settings.TASK_WORKER_HEARTBEAT_MAX_AGE} s): no worker is taking tasks off the queue.",
        )
    return None


def replica_problem() -> tuple[Problem | None, ReplicaState | None]:
    """The read replica (when one is configured) answers as a standby, at most
    ``REPLICA_MAX_LAG_SECONDS`` behind the primary; also returns what it said (its lag), or None
    without a replica. While it fails, heavy reads go to the primary (shamy/core/replicas.py)."""
    if not replica_configured():
        return None, None
    state = replica_state()
    if state.error:
        return Problem("unreachable", state.error), state
    if state.lag_seconds > settings.REPLICA_MAX_LAG_SECONDS:
        paused = " (WAL replay is paused)" if state.replay_paused else ""
        return (
            Problem(
                "lagging",
                f"The replica is {state.lag_seconds:g} s behind the primary{paused} "
                f"(at most {settings.REPLICA_MAX_LAG_SECONDS} s): heavy reads go to the primary.",
            ),
            state,
        )
    return None, state


def storage_problem() -> Problem | None:
    """The media storage (Django's default storage: the local disk, or the object store when one
    is configured) takes a small file, gives it back and deletes it."""
    name = f"health/readyz-{uuid.uuid4().hex}.txt"
    try:
        saved = default_storage.save(name, ContentFile(b"ok"))
        try:
            with default_storage.open(saved, "rb") as stored:
                answer = stored.read()
        finally:
            default_storage.delete(saved)
    except Exception as error:  # noqa: BLE001 (any storage's failure means "not usable")
        return Problem("unreachable", f"The media storage cannot be written or read: {error}")
    if answer != b"ok":
        return Problem("unreachable", "The media storage did not return the file just stored.")
    return None


@dataclass(frozen=True)
class ReadinessCheck:
    """One named part of ``/readyz``."""

    name: str
    problem: Callable[[], Problem | None]
    needs_database: bool = False
    in_use: Callable[[], bool] | None = None


READINESS_CHECKS: list[ReadinessCheck] = [
    ReadinessCheck("database", database_problem),
    ReadinessCheck("migrations", migrations_problem, needs_database=True),
    ReadinessCheck("cache", cache_problem),
    ReadinessCheck("storage", storage_problem),
    # Immediate task backend: tasks run inside the request, there is no worker to watch.
    ReadinessCheck("worker", worker_problem, needs_database=True, in_use=worker_expected),
]


def readiness() -> tuple[bool, dict[str, object]]:
    """Run every readiness check: (ready, {name: "ok" | "not used" | {"status", "detail"}})."""
    results: dict[str, object] = {}
    ready = True
    database_ok = True
    for check in READINESS_CHECKS:
        if check.needs_database and not database_ok:
            continue
        problem = check.problem()
        if check.name == "database":
            database_ok = problem is None
        if problem is not None:
            ready = False
            results[check.name] = {"status": problem.code, "detail": problem.detail}
        elif check.in_use is not None and not check.in_use():
            results[check.name] = "not used"
        else:
            results[check.name] = "ok"
    # The read replica reports its lag whether or not it is within bounds.
    replica, said = replica_problem()
    if said is None:
        results["replica"] = "not used"  # no REPLICA_DATABASE_URL: every read goes to the primary
    elif replica is None:
        results["replica"] = {"status": "ok", "lag_seconds": said.lag_seconds}
    else:
        ready = False
        results["replica"] = {"status": replica.code, "detail": replica.detail, "lag_seconds": said.lag_seconds}
    return ready, results
