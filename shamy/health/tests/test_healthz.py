"""/healthz tells the truth: a real table, a committed write, no lock wait, no new SQLite file.

The failures are real, not mocked: a dead PostgreSQL port, an SQLite file that is not there, and a
second connection holding the write lock of a file database, each in a fresh interpreter with its
own settings.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from shamy.health.models import Heartbeat

BASE_DIR = Path(__file__).resolve().parents[3]

COVERED_URL_NAMES = {"health:healthz"}

PROBE = """
import json, sys, time, django
django.setup()
from django.test import Client
from django.urls import get_resolver
get_resolver().url_patterns  # import every view first: time only the check
started = time.monotonic()
response = Client().get(sys.argv[1], secure=False)
print(json.dumps({"status": response.status_code, "body": response.json(),
                  "seconds": time.monotonic() - started, "location": response.get("Location")}))
"""


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (fixed arguments: this interpreter and constant scripts)
        [sys.executable, *args],
        cwd=BASE_DIR,
        # The probes are about the primary database alone (a replica needs a PostgreSQL primary).
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "shamy.settings", "DEBUG": "1", "REPLICA_DATABASE_URL": "", **env},
        capture_output=True,
        text=True,
        timeout=180,
    )


def _probe(env: dict[str, str], path: str = "/healthz") -> dict:
    result = _run(["-c", PROBE, path], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
def test_healthz_is_public_writes_its_heartbeat_and_is_never_cached(client):
    before = timezone.now()
    response = client.get(reverse("health:healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]
    # The check is a committed write to a real table, not "SELECT 1".
    assert Heartbeat.objects.get(name=Heartbeat.WEB).beat_at >= before


@pytest.mark.django_db
def test_healthz_and_readyz_answer_a_plain_http_probe_when_https_is_enforced(client):
    with override_settings(SECURE_SSL_REDIRECT=True):
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code in {200, 503}
        # Every other page still goes to HTTPS.
        assert client.get("/accounts/login/").status_code == 301


def test_healthz_is_503_when_the_database_is_unreachable():
    # Nothing listens on port 1, so connecting fails at once: a real outage, not a mock.
    outcome = _probe({"DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere"})
    assert outcome["status"] == 503
    assert outcome["body"]["status"] == "error"
    assert outcome["body"]["database"] == "unreachable"


def test_healthz_refuses_a_missing_sqlite_file_and_does_not_create_it(tmp_path):
    missing = tmp_path / "moved-away.sqlite3"
    outcome = _probe({"SQLITE_PATH": str(missing), "DATABASE_URL": ""})
    assert outcome["status"] == 503
    assert outcome["body"]["database"] == "missing"
    assert str(missing) in outcome["body"]["detail"]
    assert not missing.exists()  # SQLite did not quietly make a new, empty database


def test_healthz_is_503_not_ok_while_another_process_holds_the_write_lock(tmp_path):
    database = tmp_path / "locked.sqlite3"
    env = {"SQLITE_PATH": str(database), "DATABASE_URL": ""}
    migrated = _run(["manage.py", "migrate", "health", "-v0"], env)
    assert migrated.returncode == 0, migrated.stderr
    assert _probe(env)["status"] == 200

    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a long import's transaction, say
    try:
        started = time.monotonic()
        outcome = _probe(env)
        elapsed = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert outcome["status"] == 503
    assert outcome["body"]["database"] == "locked"
    # It waits a moment for the lock (2 s), not the 20 s a form save may wait.
    assert outcome["seconds"] < 15, outcome
    assert elapsed < 60

    assert _probe(env)["status"] == 200  # lock released: healthy again


def test_healthz_reports_an_empty_database_as_not_migrated(tmp_path):
    # What a moved-away file turned into before: SQLite had made a new, empty one.
    database = tmp_path / "empty.sqlite3"
    sqlite3.connect(database).close()
    outcome = _probe({"SQLITE_PATH": str(database), "DATABASE_URL": ""})
    assert outcome["status"] == 503
    assert outcome["body"]["database"] == "not_migrated"
