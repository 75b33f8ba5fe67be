"""Database helpers that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.models import F
from django.db.models.functions import Collate

# Created by registry migration 0001 on PostgreSQL (ICU kk-KZ) and registered as a Python
# collation on every SQLite connection (shamy.core.apps), so ``ORDER BY`` sorts Kazakh letters
# (Ә Ғ Қ Ң Ө Ұ Ү Һ І) where a Kazakh reader expects them on both databases.
KAZAKH_COLLATION = "shamy_kk"


def kazakh_order(field: str, *, descending: bool = False):  # type: ignore[no-untyped-def]
    expression = Collate(F(field), KAZAKH_COLLATION)
    return expression.desc() if descending else expression.asc()


@contextmanager
def short_lock_wait(seconds: float, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Within the block, a statement waiting for another writer's lock gives up after ``seconds``.

    The normal wait (SQLite's busy timeout, 20 s) suits a form being saved; a health probe or a
    best-effort bookkeeping write should fail fast instead. On giving up, the database raises
    ``OperationalError`` as it would after the normal wait. The previous wait is restored after.
    """
    connection = connections[using]
    milliseconds = max(1, int(seconds * 1000))
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        raw = connection.connection
        previous = raw.execute("PRAGMA busy_timeout").fetchone()[0]
        raw.execute(f"PRAGMA busy_timeout = {milliseconds}")
        try:
            yield
        finally:
            with suppress(DatabaseError, sqlite3.Error):
                raw.execute(f"PRAGMA busy_timeout = {int(previous)}")
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('lock_timeout')")
            previous = cursor.fetchone()[0]
            cursor.execute("SELECT set_config('lock_timeout', %s, false)", [f"{milliseconds}ms"])
        try:
            yield
        finally:
            # Not possible inside a transaction the failure has aborted; the connection is then
            # rolled back and, for a request, closed at its end anyway.
            with suppress(DatabaseError), connection.cursor() as cursor:
                cursor.execute("SELECT set_config('lock_timeout', %s, false)", [previous])
    else:
        yield


def is_lock_error(error: BaseException) -> bool:
    """Whether a database error means "another writer holds the lock" (SQLite or PostgreSQL)."""
    text = str(error).lower()
    return "locked" in text or "lock timeout" in text or "could not obtain lock" in text
