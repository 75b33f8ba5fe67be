"""The read replica's routing decisions, pin and fallbacks, without a real replica (every pass).

The same code against a real streaming replica, lag included: ``test_replica_streaming.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from django.core import signing
from django.db import DEFAULT_DB_ALIAS, OperationalError, transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory
from django.urls import reverse

from shamy.analytics.models import Scenario
from shamy.core import replicas
from shamy.core.exports import csv_stream_response
from shamy.core.replicas import (
    PIN_COOKIE,
    REPLICA,
    ReplicaPinMiddleware,
    ReplicaRouter,
    ReplicaState,
    carry_over,
    fresh_for_cache,
    note_write,
    pinned_to_primary,
    read_alias,
    replica_reads,
    use_replica,
)
from shamy.registry.models import School


@pytest.fixture
def fake_replica(monkeypatch) -> Iterator[dict]:
    """A configured replica whose state the test sets (``state["usable"]``, ``state["checks"]``)."""
    state = {"usable": True, "checks": 0, "caught_up": True}

    def usable() -> bool:
        state["checks"] += 1
        return bool(state["usable"])

    monkeypatch.setattr(replicas, "replica_configured", lambda: True)
    monkeypatch.setattr(replicas, "replica_usable", usable)
    monkeypatch.setattr(replicas, "replica_caught_up", lambda: state["caught_up"])
    yield state
    replicas.forget_replica_state()


def test_without_a_replica_every_read_goes_to_the_primary(monkeypatch):
    monkeypatch.setattr(replicas, "replica_configured", lambda: False)  # no REPLICA_DATABASE_URL
    with use_replica():
        assert read_alias() == DEFAULT_DB_ALIAS
    assert read_alias() == DEFAULT_DB_ALIAS


def test_heavy_reads_go_to_the_replica_and_nothing_else(fake_replica):
    assert read_alias() == DEFAULT_DB_ALIAS
    with use_replica():
        assert read_alias() == REPLICA
    assert read_alias() == DEFAULT_DB_ALIAS


def test_use_replica_is_also_a_decorator(fake_replica):
    @use_replica()
    def heavy() -> str:
        return read_alias()

    assert heavy() == REPLICA
    assert read_alias() == DEFAULT_DB_ALIAS


def test_a_pinned_request_or_one_that_wrote_reads_the_primary(fake_replica):
    with use_replica(), pinned_to_primary():
        assert read_alias() == DEFAULT_DB_ALIAS
    note_write()  # outside a request: nothing to pin (a task's or a command's write)
    with use_replica():
        assert read_alias() == REPLICA

    def writes_then_reads(request) -> HttpResponse:
        with use_replica():
            before = read_alias()
            note_write()  # what audit_record does
            return HttpResponse(f"{before} {read_alias()}")

    response = _middleware(writes_then_reads)(RequestFactory().get("/x/"))
    assert response.content.decode() == f"{REPLICA} {DEFAULT_DB_ALIAS}"
    assert PIN_COOKIE in response.cookies


@pytest.mark.django_db
def test_inside_a_transaction_heavy_reads_stay_on_the_primary(fake_replica):
    # The db fixture wraps the test in a transaction: what it wrote is visible on the primary only.
    with use_replica():
        assert read_alias() == DEFAULT_DB_ALIAS
        with transaction.atomic():
            assert read_alias() == DEFAULT_DB_ALIAS
    assert fake_replica["checks"] == 0  # decided before asking the replica anything


def test_a_replica_down_or_behind_is_skipped(fake_replica):
    fake_replica["usable"] = False
    with use_replica():
        assert read_alias() == DEFAULT_DB_ALIAS


def test_the_router_writes_to_the_primary_and_never_migrates_the_replica(fake_replica):
    router = ReplicaRouter()
    with use_replica():
        assert router.db_for_read(School) == REPLICA
        assert router.db_for_read(Scenario) == REPLICA
        assert router.db_for_write(School) == DEFAULT_DB_ALIAS
        # Sign-in and permissions: always the primary.
        from shamy.access.models import Membership
        from shamy.accounts.models import User

        assert router.db_for_read(User) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Membership) == DEFAULT_DB_ALIAS
    assert router.db_for_read(School) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "registry") is True
    assert router.allow_migrate(REPLICA, "registry") is False
    assert router.allow_relation(School(), Scenario()) is True


def test_the_replicas_state_is_asked_at_most_every_check_interval(monkeypatch, settings):
    settings.REPLICA_CHECK_SECONDS = 60
    settings.REPLICA_MAX_LAG_SECONDS = 30
    answers = [ReplicaState(lag_seconds=0.5), ReplicaState(lag_seconds=45.0)]
    asked = []

    def state() -> ReplicaState:
        asked.append(1)
        return answers[len(asked) - 1]

    monkeypatch.setattr(replicas, "replica_state", state)
    # No replica alias in this pass: the connection's own check has its test against the real
    # replica (test_replica_streaming.py, a replica gone since the last check).
    monkeypatch.setattr(replicas, "_connection_alive", lambda: True)
    replicas.forget_replica_state()
    try:
        assert replicas.replica_usable() is True
        assert replicas.replica_usable() is True
        assert len(asked) == 1
        replicas.forget_replica_state()
        assert replicas.replica_usable() is False  # 45 s behind, over the 30 s allowed
        assert ReplicaState(error="down").usable is False
    finally:
        replicas.forget_replica_state()


def _middleware(view) -> ReplicaPinMiddleware:
    return ReplicaPinMiddleware(view)


def _seen_alias(request) -> HttpResponse:
    with use_replica():
        return HttpResponse(read_alias())


def test_a_post_pins_the_browser_to_the_primary_for_the_pin_time(fake_replica, settings):
    settings.REPLICA_PIN_SECONDS = 10
    factory = RequestFactory()
    response = _middleware(_seen_alias)(factory.post("/anything/"))
    cookie = response.cookies[PIN_COOKIE]
    assert cookie["max-age"] == 10
    assert cookie["httponly"]

    pinned = factory.get("/analytics/")
    pinned.COOKIES[PIN_COOKIE] = cookie.value
    answer = _middleware(_seen_alias)(pinned)
    assert answer.content == DEFAULT_DB_ALIAS.encode()
    assert PIN_COOKIE not in answer.cookies  # a read does not extend the pin

    assert _middleware(_seen_alias)(factory.get("/analytics/")).content == REPLICA.encode()


def test_an_old_or_forged_pin_is_ignored(fake_replica, settings):
    settings.REPLICA_PIN_SECONDS = 1
    factory = RequestFactory()
    request = factory.get("/analytics/")
    request.COOKIES[PIN_COOKIE] = "1:forged:signature"
    assert _middleware(_seen_alias)(request).content == REPLICA.encode()

    valid = _middleware(_seen_alias)(factory.post("/x/")).cookies[PIN_COOKIE].value
    time.sleep(2.1)  # the signature's timestamp is checked, not only the browser's expiry
    request = factory.get("/analytics/")
    request.COOKIES[PIN_COOKIE] = valid
    assert _middleware(_seen_alias)(request).content == REPLICA.encode()
    # Signed for another purpose (the salt differs): no pin either.
    request.COOKIES[PIN_COOKIE] = signing.get_cookie_signer(salt=PIN_COOKIE + "other").sign("1")
    assert _middleware(_seen_alias)(request).content == REPLICA.encode()


def test_an_audited_write_in_a_get_pins_too(fake_replica):
    def writes(request) -> HttpResponse:
        note_write()  # what audit_record does
        with use_replica():
            return HttpResponse(read_alias())

    response = _middleware(writes)(RequestFactory().get("/x/"))
    assert response.content == DEFAULT_DB_ALIAS.encode()
    assert PIN_COOKIE in response.cookies


def test_a_view_that_fails_on_the_replica_runs_again_on_the_primary(fake_replica, monkeypatch):
    served: list[str] = []
    monkeypatch.setattr(replicas, "_mark_replica_down", lambda error: fake_replica.update(usable=False))

    @replica_reads
    def view(request) -> HttpResponse:
        alias = read_alias()
        served.append(alias)
        if alias == REPLICA:
            raise OperationalError("server closed the connection unexpectedly")
        return HttpResponse(alias)

    response = view(RequestFactory().get("/analytics/"))
    assert served == [REPLICA, DEFAULT_DB_ALIAS]
    assert response.content == DEFAULT_DB_ALIAS.encode()

    # A write is never replayed.
    fake_replica["usable"] = True
    served.clear()
    with pytest.raises(OperationalError):
        view(RequestFactory().post("/analytics/"))
    assert served == [REPLICA]


def test_a_streamed_export_reads_where_its_view_did(fake_replica):
    def rows() -> Iterator[list[str]]:
        yield [read_alias()]  # runs while the server sends the body, after the view returned

    @replica_reads
    def export(request) -> StreamingHttpResponse:
        return csv_stream_response(["alias"], rows(), "x")

    body = b"".join(export(RequestFactory().get("/x.csv")).streaming_content).decode("utf-8-sig")
    assert body.splitlines() == ["alias", REPLICA]

    with pinned_to_primary():
        response = export(RequestFactory().get("/x.csv"))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines() == ["alias", DEFAULT_DB_ALIAS]

    # Not heavy: unchanged.
    assert list(carry_over(iter(["a"]))) == ["a"]


def test_a_cached_value_comes_from_the_replica_only_when_it_has_caught_up(fake_replica):
    with use_replica():
        with fresh_for_cache():
            assert read_alias() == REPLICA
        fake_replica["caught_up"] = False
        with fresh_for_cache():
            assert read_alias() == DEFAULT_DB_ALIAS
        assert read_alias() == REPLICA


@pytest.mark.django_db
def test_readyz_names_the_replica_when_it_is_down_or_behind(client, monkeypatch, settings):
    from shamy.health import checks

    settings.REPLICA_MAX_LAG_SECONDS = 30
    monkeypatch.setattr(checks, "replica_configured", lambda: True)
    monkeypatch.setattr(checks, "replica_state", lambda: ReplicaState(lag_seconds=1.5))
    response = client.get(reverse("health:readyz"))
    assert response.status_code == 200
    assert response.json()["checks"]["replica"] == {"status": "ok", "lag_seconds": 1.5}

    monkeypatch.setattr(checks, "replica_state", lambda: ReplicaState(lag_seconds=42.0, replay_paused=True))
    response = client.get(reverse("health:readyz"))
    assert response.status_code == 503
    replica = response.json()["checks"]["replica"]
    assert replica["status"] == "lagging"
    assert replica["lag_seconds"] == 42.0
    assert "paused" in replica["detail"]

    monkeypatch.setattr(checks, "replica_state", lambda: ReplicaState(error="The replica cannot be reached: refused"))
    response = client.get(reverse("health:readyz"))
    assert response.status_code == 503
    assert response.json()["checks"]["replica"]["status"] == "unreachable"
    assert response.json()["checks"]["database"] == "ok"


def _settings_with(environment: dict[str, str]) -> dict:
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps({'aliases': sorted(settings.DATABASES), 'routers': settings.DATABASE_ROUTERS, "
        "'pin': 'shamy.core.replicas.ReplicaPinMiddleware' in settings.MIDDLEWARE, "
        "'replica': settings.DATABASES.get('replica')}))"
    )
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REPLICA_DATABASE_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="shamy.settings_dev", **environment)
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)  # noqa: S603
    return {"returncode": result.returncode, "stderr": result.stderr, **(json.loads(result.stdout or "{}"))}


def test_settings_add_the_replica_only_when_configured():
    plain = _settings_with({"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/shamy"})
    assert plain["aliases"] == ["default"]
    assert plain["routers"] == []
    assert plain["pin"] is False

    both = _settings_with(
        {
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/shamy",
            "REPLICA_DATABASE_URL": "postgres://postgres@127.0.0.1:5433/shamy",
        }
    )
    assert both["aliases"] == ["default", "replica"]
    assert both["routers"] == ["shamy.core.replicas.ReplicaRouter"]
    assert both["pin"] is True
    assert both["replica"]["PORT"] == 5433
    assert both["replica"]["TEST"]["MIRROR"] == "default"
    assert both["replica"]["OPTIONS"]["connect_timeout"] == 2

    sqlite = _settings_with({"REPLICA_DATABASE_URL": "postgres://postgres@127.0.0.1:5433/shamy"})
    assert sqlite["returncode"] != 0
    assert "needs a PostgreSQL DATABASE_URL" in sqlite["stderr"]
