"""The real streaming replica in tests (``deploy/replica.sh``): one test at a time, stopping and
starting it, waiting until it has replayed the primary.

Tests that change the replica's state (pause its replay, stop it) hold ``replica_lock()``, an
advisory lock on the primary server: the replica streams the whole cluster, so such a test would
disturb another one running at the same time in another pytest worker or another checkout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg

# Issue 18, point 2: one replica test at a time on this PostgreSQL server.
REPLICA_LOCK_KEY = 180_218


def connection_kwargs(settings_dict: dict[str, Any], dbname: str | None = None) -> dict[str, Any]:
    """psycopg's keywords for one of Django's ``DATABASES`` entries (another database name if given)."""
    return {
        "host": settings_dict.get("HOST") or "127.0.0.1",
        "port": settings_dict.get("PORT") or 5432,
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "dbname": dbname or settings_dict["NAME"],
        "autocommit": True,
        "connect_timeout": 5,
    }


@contextmanager
def replica_lock(primary: dict[str, Any]) -> Iterator[None]:
    """Hold the advisory lock ``REPLICA_LOCK_KEY`` on the primary's server for the block."""
    with psycopg.connect(**connection_kwargs(primary, "postgres")) as lock:
        lock.execute("SELECT pg_advisory_lock(%s)", [REPLICA_LOCK_KEY])
        try:
            yield
        finally:
            lock.execute("SELECT pg_advisory_unlock(%s)", [REPLICA_LOCK_KEY])


def _as_root(command: list[str]) -> list[str]:
    return command if os.geteuid() == 0 else ["sudo", "-n", *command]


@dataclass
class ReplicaCluster:
    """The Debian cluster (postgresql-common) that serves the replica's port on this machine."""

    primary: dict[str, Any]  # Django's settings of the primary (the test database)
    replica: dict[str, Any]  # and of the replica (the same database name: a TEST MIRROR)
    version: str = ""
    name: str = ""

    @classmethod
    def find(cls, primary: dict[str, Any], replica: dict[str, Any]) -> ReplicaCluster:
        """The local cluster on the replica's port, or AssertionError saying why there is none."""
        host = str(replica.get("HOST") or "127.0.0.1")
        port = str(replica.get("PORT") or 5432)
        listing = shutil.which("pg_lsclusters")
        if host not in {"127.0.0.1", "localhost", "::1"} or listing is None:
            raise AssertionError(
                f"the replica at {host}:{port} is not a local Debian cluster (pg_lsclusters): the test stops and "
                "starts it, so REPLICA_DATABASE_URL must name the one deploy/replica.sh makes"
            )
        rows = subprocess.run(  # noqa: S603 (postgresql-common's listing, no arguments from outside)
            [listing, "--no-header"], capture_output=True, text=True, check=True, timeout=30
        ).stdout.splitlines()
        for row in rows:
            version, name, cluster_port, *_rest = row.split()
            if cluster_port == port:
                return cls(primary=primary, replica=replica, version=version, name=name)
        raise AssertionError(f"no local PostgreSQL cluster listens on port {port} (deploy/replica.sh makes one)")

    def _control(self, action: str) -> None:
        subprocess.run(  # noqa: S603 (postgresql-common's pg_ctlcluster on the cluster found above)
            _as_root(["pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.name, action, "-m", "fast"]),
            capture_output=True,
            check=True,
            timeout=120,
        )

    def stop(self) -> None:
        """Stop it (fast shutdown: its sessions are ended, as when the machine goes away)."""
        self._control("stop")

    def start(self) -> None:
        """Start it again. pg_ctl waits at most a minute for it to accept connections, and a standby
        may take longer: it opens for reads only once it has a snapshot of the primary's running
        transactions, which a long transaction with many subtransactions on the primary holds back
        (see ``wait_until_replayed``). A cluster that is up but not open yet is started."""
        if self.running():
            return
        completed = subprocess.run(  # noqa: S603 (as deploy/replica.sh starts it)
            _as_root(["pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.name, "start"]),
            capture_output=True,
            text=True,
            check=False,
            timeout=180,
        )
        if completed.returncode and not self.online():
            raise AssertionError(f"pg_ctlcluster could not start the replica: {completed.stdout}{completed.stderr}")

    def online(self) -> bool:
        """pg_lsclusters lists it as online (running, whether or not it accepts connections yet)."""
        listing = subprocess.run(  # noqa: S603 (postgresql-common's listing)
            ["pg_lsclusters", "--no-header", self.version, self.name],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        ).stdout.split()
        return len(listing) > 3 and listing[3].startswith("online")

    def running(self) -> bool:
        try:
            with psycopg.connect(**connection_kwargs(self.replica)) as replica:
                return bool(replica.execute("SELECT pg_is_in_recovery()").fetchone()[0])  # type: ignore[index]
        except psycopg.Error:
            return False

    def replayed_up_to_now(self) -> bool:
        """Has the replica replayed everything the primary has written so far?"""
        try:
            with psycopg.connect(**connection_kwargs(self.primary)) as primary:
                position = primary.execute("SELECT pg_current_wal_lsn()::text").fetchone()[0]  # type: ignore[index]
            with psycopg.connect(**connection_kwargs(self.replica)) as replica:
                row = replica.execute(
                    "SELECT pg_is_in_recovery() AND COALESCE(pg_last_wal_replay_lsn() >= %s::pg_lsn, false)",
                    [position],
                ).fetchone()
        except psycopg.Error:
            return False
        return bool(row and row[0])

    def wait_until_replayed(self, seconds: float = 300.0) -> None:
        """Wait until the replica answers as a standby and has replayed the primary's writes so far
        (after a restart, up to minutes on a busy primary: see ``start``)."""
        deadline = time.monotonic() + seconds
        while not self.replayed_up_to_now():
            if time.monotonic() > deadline:
                raise AssertionError(f"the replica did not catch up with the primary within {seconds:g} s")
            time.sleep(0.1)

    def one(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        """One value read on the replica itself."""
        with psycopg.connect(**connection_kwargs(self.replica)) as replica:
            row = replica.execute(sql, params).fetchone()  # type: ignore[arg-type]
        return row[0] if row else None
