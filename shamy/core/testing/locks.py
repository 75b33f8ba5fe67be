"""A real lock held by a second database connection, for tests of "the database is locked".

No mock: a second connection to the test database opens a write transaction, as another process
saving a large import would, and the code under test meets the database's own error.

- SQLite: ``BEGIN IMMEDIATE`` takes the database's write lock, so every other write transaction
  fails; ``block_reads_of`` also writes to those tables, which (in the test database's shared
  cache) makes reading them fail too.
- PostgreSQL: ``LOCK TABLE … IN EXCLUSIVE MODE`` blocks writes (``ACCESS EXCLUSIVE`` for the tables
  of ``block_reads_of``); the test's own connection gets a short ``lock_timeout`` so it gives up
  with the error a production lock timeout gives.

Use with ``@pytest.mark.django_db(transaction=True)``: a test wrapped in a transaction already
holds the write lock itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def database_write_locked(*, tables: tuple[str, ...] = (), block_reads_of: tuple[str, ...] = ()) -> Iterator[None]:
    """While the block runs, another connection holds the write lock (and, for some tables, more)."""
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        if connection.vendor == "sqlite":
            other.isolation_level = None  # autocommit: the transaction below is ours to open
            other.execute("BEGIN IMMEDIATE")
            for table in block_reads_of:
                other.execute(f'UPDATE "{table}" SET id = id')  # noqa: S608 (table names from the test)
            yield
            other.execute("ROLLBACK")
        else:
            other.autocommit = False
            with other.cursor() as cursor:
                for table in tables:
                    cursor.execute(f'LOCK TABLE "{table}" IN EXCLUSIVE MODE')
                for table in block_reads_of:
                    cursor.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '300ms'")
            try:
                yield
            finally:
                other.rollback()
                with connection.cursor() as cursor:
                    cursor.execute("RESET lock_timeout")
    finally:
        other.close()
