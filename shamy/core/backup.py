"""Backups that restore: the database and the uploaded files into one timestamped directory.

``manage.py backup`` (``make backup``) writes ``<dir>/<UTC timestamp>/``:

* ``database.dump``: PostgreSQL's custom format from ``pg_dump -Fc``, taken inside an exported
  snapshot (``pg_export_snapshot()`` in a REPEATABLE READ transaction, ``pg_dump --snapshot``) so
  the dump and the fingerprint below see exactly the same data while the site keeps writing; or,
  on SQLite, ``database.sqlite3`` from SQLite's online backup API.
* ``media.tar``: every object of the default storage (the local media directory or the S3 bucket),
  read through the storage API, so the same code copies both.
* ``manifest.json`` (and ``SHA256SUMS`` for ``sha256sum -c``): each file's SHA-256 and size, and the
  database's fingerprint: the rows of every table and a SHA-256 of the audit log's rows in id order.

``manage.py restore <dir>`` (``make restore BACKUP=<dir>``) checks every file against the
manifest, restores the dump into a NEW, empty database (``pg_restore``; it creates the database if
it is missing and refuses one that holds tables), writes the media back, and compares the restored
database's fingerprint with the manifest's: any difference is an error, not a warning.

Why ``pg_dump``/``pg_restore`` and not django-dbbackup: they are the PostgreSQL project's own tools
(the ones an operator already knows, matched to the server's version), the custom format restores
in parallel and selectively, and the exported snapshot needs ``--snapshot``, which a wrapper would
hide; django-dbbackup would add a dependency that calls the same binaries.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import DEFAULT_DB_ALIAS, connections
from psycopg import sql
from psycopg.conninfo import make_conninfo

FORMAT = 1
POSTGRES_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA_TAR = "media.tar"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
CHUNK = 1024 * 1024


class BackupError(RuntimeError):
    """A backup or restore could not be made safely; the message says why."""


# --- Fingerprint ---------------------------------------------------------------------------------


def audit_table() -> str:
    return str(apps.get_model("audit", "AuditEntry")._meta.db_table)


def fingerprint(cursor: Any, *, vendor: str) -> dict[str, Any]:
    """Rows per table and a SHA-256 of the audit log's rows in id order, read through ``cursor``
    (a DB-API cursor of the database, inside the snapshot being backed up when there is one)."""
    if vendor == "postgresql":
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    else:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 (a table name the catalogue gave)
        counts[table] = int(cursor.fetchone()[0])
    digest = hashlib.sha256()
    audit = audit_table()
    if audit in counts:
        # Each row as the database itself writes it out as text, so the hash does not depend on how
        # a driver converts values (Django's SQLite cursor parses dates, the sqlite3 module does not).
        if vendor == "postgresql":
            query = f'SELECT t::text FROM "{audit}" t ORDER BY t.id'  # noqa: S608 (the audit model's table)
        else:
            cursor.execute(f'PRAGMA table_info("{audit}")')
            columns = ", ".join(f'"{row[1]}"' for row in cursor.fetchall())
            query = f'SELECT json_array({columns}) FROM "{audit}" ORDER BY id'  # noqa: S608
        cursor.execute(query)
        while rows := cursor.fetchmany(2000):
            for row in rows:
                digest.update(str(row[0]).encode("utf-8"))
                digest.update(b"\n")
    return {
        "tables": counts,
        "audit_table": audit,
        "audit_rows": counts.get(audit, 0),
        "audit_sha256": digest.hexdigest(),
    }


def database_fingerprint(using: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    connection = connections[using]
    with connection.cursor() as cursor:
        return fingerprint(cursor, vendor=connection.vendor)


def fingerprint_differences(expected: dict[str, Any], found: dict[str, Any]) -> list[str]:
    problems = []
    for table in sorted(set(expected["tables"]) | set(found["tables"])):
        want, got = expected["tables"].get(table), found["tables"].get(table)
        if want != got:
            problems.append(f"{table}: {want} rows in the backup, {got} restored")
    if expected["audit_sha256"] != found["audit_sha256"]:
        problems.append("the audit log's rows differ from the backup's")
    return problems


# --- Files and manifest --------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _write_manifest(directory: Path, manifest: dict[str, Any]) -> None:
    names = [name for name in (POSTGRES_DUMP, SQLITE_COPY, MEDIA_TAR) if (directory / name).exists()]
    manifest["files"] = {
        name: {"sha256": sha256_of(directory / name), "bytes": (directory / name).stat().st_size} for name in names
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    sums = "".join(f"{entry['sha256']}  {name}\n" for name, entry in manifest["files"].items())
    (directory / SUMS).write_text(sums, encoding="utf-8")


def read_manifest(directory: Path) -> dict[str, Any]:
    """The manifest, after checking every file it lists against its SHA-256 (BackupError if not)."""
    try:
        manifest: dict[str, Any] = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"{directory / MANIFEST} cannot be read: {error}") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r} (this version reads {FORMAT}).")
    for name, entry in manifest["files"].items():
        path = directory / name
        if not path.exists():
            raise BackupError(f"{path} is missing.")
        if path.stat().st_size != entry["bytes"] or sha256_of(path) != entry["sha256"]:
            raise BackupError(f"{path} does not match its checksum in the manifest: the backup is damaged.")
    return manifest


# --- Media ---------------------------------------------------------------------------------------


def _walk(storage: Storage, directory: str = "") -> Iterator[str]:
    try:
        folders, names = storage.listdir(directory)
    except FileNotFoundError:  # a local MEDIA_ROOT that was never created
        return
    for name in sorted(names):
        yield f"{directory}/{name}" if directory else name
    for folder in sorted(folders):
        yield from _walk(storage, f"{directory}/{folder}" if directory else folder)


def media_backup(target: Path, storage: Storage) -> dict[str, int]:
    """Every object of ``storage`` into the tar ``target``; returns the count and bytes."""
    count = total = 0
    with tarfile.open(target, "w") as archive:
        for name in _walk(storage):
            with storage.open(name, "rb") as handle:
                data = handle.read()
            member = tarfile.TarInfo(name)
            member.size = len(data)
            member.mtime = int(time.time())
            archive.addfile(member, io.BytesIO(data))
            count += 1
            total += len(data)
    return {"objects": count, "bytes": total}


def media_restore(source: Path, storage: Storage) -> int:
    """Write every file of the tar ``source`` back under its own name; returns how many."""
    count = 0
    with tarfile.open(source, "r") as archive:
        for member in archive:
            if not member.isfile() or member.name.startswith("/") or ".." in Path(member.name).parts:
                raise BackupError(f"{source} holds an unsafe entry {member.name!r}.")
            extracted = archive.extractfile(member)
            assert extracted is not None
            data = extracted.read()
            if storage.exists(member.name):
                storage.delete(member.name)
            stored = storage.save(member.name, ContentFile(data))
            if stored != member.name:
                raise BackupError(f"{member.name} was stored as {stored}.")
            count += 1
    return count


# --- PostgreSQL ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostgresTarget:
    name: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""
    options: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings_dict: dict[str, Any], name: str | None = None) -> PostgresTarget:
        return cls(
            name=name or settings_dict["NAME"],
            host=str(settings_dict.get("HOST") or ""),
            port=str(settings_dict.get("PORT") or ""),
            user=str(settings_dict.get("USER") or ""),
            password=str(settings_dict.get("PASSWORD") or ""),
        )

    def connect(self, dbname: str | None = None, **kwargs: Any) -> psycopg.Connection[Any]:
        params = {"dbname": dbname or self.name, "host": self.host, "port": self.port, "user": self.user}
        if self.password:
            params["password"] = self.password
        conninfo = make_conninfo(**{key: value for key, value in params.items() if value})
        return psycopg.connect(conninfo, **kwargs)

    def client_args(self) -> list[str]:
        args = []
        for flag, value in (("--host", self.host), ("--port", self.port), ("--username", self.user)):
            if value:
                args += [flag, value]
        return args

    def client_env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client).")
    finished = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if finished.returncode != 0:
        raise BackupError(f"{command[0]} failed ({finished.returncode}): {finished.stderr.strip()[-2000:]}")


def _client_version(program: str) -> str:
    if shutil.which(program) is None:
        return ""
    return subprocess.run([program, "--version"], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S603


def postgres_backup(directory: Path, target: PostgresTarget) -> dict[str, Any]:
    """``pg_dump -Fc`` inside an exported snapshot, and the fingerprint read in that same snapshot."""
    with target.connect(autocommit=True) as snapshot_connection:
        with snapshot_connection.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            row = cursor.fetchone()
            assert row is not None
            snapshot = str(row[0])
            # pg_dump attaches to the snapshot first, then the fingerprint reads the same data.
            command = [
                "pg_dump",
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={directory / POSTGRES_DUMP}",
                *target.client_args(),
                target.name,
            ]
            dumping = subprocess.Popen(  # noqa: S603 (fixed arguments)
                command, env=target.client_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
            )
            try:
                print_ = fingerprint(cursor, vendor="postgresql")
            finally:
                _out, errors = dumping.communicate()
            cursor.execute("ROLLBACK")
    if dumping.returncode != 0:
        raise BackupError(f"pg_dump failed ({dumping.returncode}): {errors.strip()[-2000:]}")
    return {
        "engine": "postgresql",
        "database": target.name,
        "pg_dump": _client_version("pg_dump"),
        "fingerprint": print_,
    }


def postgres_restore(directory: Path, target: PostgresTarget, *, jobs: int = 2) -> None:
    """Create ``target`` if it is missing, refuse it if it holds tables, then ``pg_restore`` into it."""
    with target.connect("postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target.name]).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target.name)))
    with target.connect() as fresh:
        tables = fresh.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").fetchone()
        if tables and tables[0]:
            raise BackupError(
                f"Database {target.name!r} already holds {tables[0]} tables: restore into a new, empty database."
            )
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            f"--jobs={max(1, jobs)}",
            f"--dbname={target.name}",
            *target.client_args(),
            str(directory / POSTGRES_DUMP),
        ],
        target.client_env(),
    )


def postgres_fingerprint(target: PostgresTarget) -> dict[str, Any]:
    with target.connect() as connection, connection.cursor() as cursor:
        return fingerprint(cursor, vendor="postgresql")


# --- SQLite --------------------------------------------------------------------------------------


def sqlite_backup(directory: Path, using: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """SQLite's online backup API: a consistent copy even while the site writes (WAL)."""
    connection = connections[using]
    connection.ensure_connection()
    copy = directory / SQLITE_COPY
    with sqlite3.connect(copy) as destination:
        connection.connection.backup(destination)
    with sqlite3.connect(copy) as copied:
        print_ = fingerprint(copied.cursor(), vendor="sqlite")
    copied.close()
    return {"engine": "sqlite", "database": str(connection.settings_dict["NAME"]), "fingerprint": print_}


def sqlite_restore(directory: Path, path: Path) -> dict[str, Any]:
    """Copy the backup into a NEW file ``path`` (refused if it exists) with the backup API."""
    if path.exists() and path.stat().st_size:
        raise BackupError(f"{path} already exists: restore into a new file (or move the old one away first).")
    path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(directory / SQLITE_COPY)
    try:
        with sqlite3.connect(path) as destination:
            source.backup(destination)
            print_ = fingerprint(destination.cursor(), vendor="sqlite")
        destination.close()
    finally:
        source.close()
    return print_


# --- The two commands' work ---------------------------------------------------------------------


def create_backup(
    root: Path,
    *,
    using: str = DEFAULT_DB_ALIAS,
    media: bool = True,
    now: Callable[[], datetime.datetime] = lambda: datetime.datetime.now(datetime.UTC),
) -> Path:
    """Back up the database ``using`` and the default storage into a new ``root/<timestamp>/``."""
    started = now()
    directory = root / started.strftime("%Y%m%dT%H%M%SZ")
    directory.mkdir(parents=True, exist_ok=False)
    clock = time.monotonic()
    connection = connections[using]
    if connection.vendor == "postgresql":
        manifest = postgres_backup(directory, PostgresTarget.from_settings(connection.settings_dict))
    elif connection.vendor == "sqlite":
        manifest = sqlite_backup(directory, using)
    else:
        raise BackupError(f"No backup for the {connection.vendor} database engine.")
    database_seconds = time.monotonic() - clock
    manifest.update(format=FORMAT, created_at=started.isoformat(), database_seconds=round(database_seconds, 2))
    # The media after the database: a file added meanwhile is an orphan in the copy (harmless);
    # one deleted meanwhile may be missing from it (README.md, "Backups").
    default_storage = storages["default"]
    manifest["storage"] = f"{type(default_storage).__module__}.{type(default_storage).__qualname__}"
    if media:
        clock = time.monotonic()
        manifest["media"] = media_backup(directory / MEDIA_TAR, default_storage)
        manifest["media"]["seconds"] = round(time.monotonic() - clock, 2)
    _write_manifest(directory, manifest)
    return directory


@dataclass(frozen=True)
class Restored:
    database: str
    fingerprint: dict[str, Any]
    media_objects: int
    seconds: float


def restore_backup(
    directory: Path,
    *,
    database: str = "",
    using: str = DEFAULT_DB_ALIAS,
    media: bool = True,
    jobs: int = 2,
) -> Restored:
    """Restore ``directory`` into a new database (``database``: its name for PostgreSQL, its file
    for SQLite; by default the one configured for ``using``), then the media into the default
    storage. Raises BackupError when a file is damaged or the restored data differ."""
    clock = time.monotonic()
    manifest = read_manifest(directory)
    settings_dict = connections[using].settings_dict
    if manifest["engine"] == "postgresql":
        target = PostgresTarget.from_settings(settings_dict, database or None)
        if connections[using].vendor != "postgresql":
            raise BackupError("A PostgreSQL backup restores into PostgreSQL: set DATABASE_URL to a postgres:// URL.")
        postgres_restore(directory, target, jobs=jobs)
        found = postgres_fingerprint(target)
        name = target.name
    else:
        name = database or str(settings_dict["NAME"])
        found = sqlite_restore(directory, Path(name))
    problems = fingerprint_differences(manifest["fingerprint"], found)
    if problems:
        raise BackupError("The restored database differs from the backup: " + "; ".join(problems[:20]))
    restored_media = 0
    if media and MEDIA_TAR in manifest["files"]:
        restored_media = media_restore(directory / MEDIA_TAR, storages["default"])
    return Restored(database=name, fingerprint=found, media_objects=restored_media, seconds=time.monotonic() - clock)


def default_backup_root() -> Path:
    return Path(getattr(settings, "BACKUP_DIR", "") or Path(settings.BASE_DIR) / "var" / "backups")
