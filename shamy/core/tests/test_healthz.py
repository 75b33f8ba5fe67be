"""GET /healthz: 200 while the database answers, 503 when it does not (no mocking: a real dead port)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parents[3]

# Run in a fresh interpreter so it gets its own settings and database connection.
PROBE = """
import json, django
django.setup()
from django.test import Client
response = Client().get("/healthz")
print(json.dumps({"status": response.status_code, "body": response.json()}))
"""


@pytest.mark.django_db
def test_healthz_is_public_and_ok_with_the_database_up(client):
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert "no-cache" in response["Cache-Control"]


def _probe(database_url: str) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shamy.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "1",
        "SHAMY_VAR_DIR": str(BASE_DIR / "var"),
    }
    result = subprocess.run(  # noqa: S603 (fixed arguments: this interpreter and a constant script)
        [sys.executable, "-c", PROBE], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_healthz_is_503_when_the_database_is_unreachable():
    # Nothing listens on port 1, so connecting fails at once: a real outage, not a mock.
    outcome = _probe("postgres://postgres@127.0.0.1:1/nowhere")
    assert outcome["status"] == 503
    assert outcome["body"] == {"status": "error", "database": "unreachable"}
