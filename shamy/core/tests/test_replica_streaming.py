"""The router against a real PostgreSQL streaming replica, lag included (``deploy/replica.sh``).

These run when ``REPLICA_DATABASE_URL`` is set: CI's PostgreSQL pass sets it (``.ci/run``). On
SQLite there is no replica to stream to, and ``test_replicas.py`` checks the same decisions.

The replica streams the whole primary cluster, so the test database pytest-django made on the
primary is on the replica too (the alias is a TEST MIRROR of ``default``). Tests commit
(``transaction=True``): a test's open transaction would never reach the replica. Pausing replay
stops the whole replica, so a lock on the primary lets one such test run at a time across pytest
workers and concurrent runs.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg
import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shamy.analytics.models import Indicator, Scenario
from shamy.analytics.testing import seed_indicators
from shamy.core import replicas
from shamy.core.replicas import REPLICA, replica_caught_up, replica_configured
from shamy.core.testing.cast import Cast, build_cast
from shamy.core.testing.replica import connection_kwargs
from shamy.core.testing.replica import replica_lock as shared_replica_lock

pytestmark = [
    pytest.mark.skipif(not replica_configured(), reason="no REPLICA_DATABASE_URL: runs in CI's PostgreSQL pass"),
    pytest.mark.django_db(transaction=True, databases=["default", REPLICA]),
]

WEIGHTS = {"name": "Rural first"}  # every weight at its default


def _wait(condition, what: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting {seconds:g} s for {what}")
        time.sleep(0.1)


def _on_replica(sql: str) -> object:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


@pytest.fixture
def replica_lock() -> Iterator[None]:
    with shared_replica_lock(settings.DATABASES["default"]):  # also held by the multi-server test's outage
        yield


@pytest.fixture
def world(replica_lock, settings) -> Iterator[Cast]:
    """The foundation cast, committed and streamed; replay running again after the test, whatever happens."""
    settings.REPLICA_CHECK_SECONDS = 0  # ask the replica at every heavy read: the test changes its state
    settings.REPLICA_PIN_SECONDS = 10
    replicas.forget_replica_state()
    if not Indicator.objects.exists():  # an earlier test's flush removed the migrations' rows
        seed_indicators()
    cast = build_cast()
    _wait(replica_caught_up, "the replica to replay the cast")
    try:
        yield cast
    finally:
        _on_replica("SELECT pg_wal_replay_resume()::text")
        replicas.forget_replica_state()


def _pause_replay() -> None:
    _on_replica("SELECT pg_wal_replay_pause()::text")
    _wait(lambda: _on_replica("SELECT pg_get_wal_replay_pause_state()") == "paused", "replay to pause")


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _get(client: Client, url: str) -> tuple[int, int, int]:
    """Status, and how many queries the primary and the replica served for it (the replica's: of data)."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    # The router's own look at the replica's state is not a read of the page's data.
    data = [query for query in replica.captured_queries if "pg_last_wal_replay_lsn" not in query["sql"]]
    return response.status_code, len(primary.captured_queries), len(data)


def test_a_user_reads_their_own_write_while_others_read_the_lagging_replica(world):
    dana = _signed_in(world.dana)  # ministry analyst: writes a scenario
    kairat = _signed_in(world.kairat)  # regional analyst: opens its link
    export = reverse("analytics:export", args=["table", "csv"])

    # Before any write both read the replica.
    status, _primary, on_replica = _get(kairat, export)
    assert status == 200
    assert on_replica > 0

    _pause_replay()
    response = dana.post(reverse("analytics:scenario-save"), WEIGHTS)
    assert response.status_code == 302
    assert replicas.PIN_COOKIE in response.cookies
    scenario = Scenario.objects.using("default").get(name="Rural first")
    assert not Scenario.objects.using(REPLICA).filter(pk=scenario.pk).exists()  # replay is paused

    # (a) The writer is pinned: the scenario page and an export both read the primary.
    link = reverse("analytics:scenario-shared", args=[scenario.share_token])
    status, on_primary, on_replica = _get(dana, link)
    assert (status, on_replica) == (200, 0)
    assert on_primary > 0
    status, _primary, on_replica = _get(dana, export)
    assert (status, on_replica) == (200, 0)

    # (b) Anyone else reads the replica, which does not have the scenario yet.
    status, _primary, on_replica = _get(kairat, link)
    assert status == 404
    assert on_replica > 0
    status, _primary, on_replica = _get(kairat, export)
    assert status == 200
    assert on_replica > 0

    # Replay resumes and the replica catches up: the link opens for everyone, from the replica.
    _on_replica("SELECT pg_wal_replay_resume()::text")
    _wait(replica_caught_up, "the replica to catch up")
    assert Scenario.objects.using(REPLICA).filter(pk=scenario.pk).exists()
    status, _primary, on_replica = _get(kairat, link)
    assert status == 200
    assert on_replica > 0


def test_the_pin_lasts_the_configured_time(world, settings):
    settings.REPLICA_PIN_SECONDS = 1
    dana = _signed_in(world.dana)
    assert dana.post(reverse("analytics:scenario-save"), WEIGHTS).status_code == 302
    export = reverse("analytics:export", args=["table", "csv"])
    assert _get(dana, export)[2] == 0
    time.sleep(2.1)
    status, _primary, on_replica = _get(dana, export)
    assert status == 200
    assert on_replica > 0


def test_readyz_reports_the_lag_and_heavy_reads_leave_a_replica_too_far_behind(world, client, settings):
    settings.REPLICA_MAX_LAG_SECONDS = 1
    body = client.get(reverse("health:readyz")).json()
    assert body["checks"]["replica"]["status"] == "ok"

    _pause_replay()
    Scenario.objects.create(name="written while replay is paused", weights={}, owner=world.dana)
    time.sleep(2.1)
    response = client.get(reverse("health:readyz"))
    assert response.status_code == 503
    replica = response.json()["checks"]["replica"]
    assert replica["status"] == "lagging"
    assert replica["lag_seconds"] > 1
    assert "paused" in replica["detail"]

    # Too far behind: even someone who never wrote reads the primary.
    status, on_primary, on_replica = _get(_signed_in(world.kairat), reverse("analytics:export", args=["table", "csv"]))
    assert (status, on_replica) == (200, 0)
    assert on_primary > 0

    _on_replica("SELECT pg_wal_replay_resume()::text")
    _wait(replica_caught_up, "the replica to catch up")
    settings.REPLICA_MAX_LAG_SECONDS = 30
    response = client.get(reverse("health:readyz"))
    assert response.status_code == 200
    assert response.json()["checks"]["replica"]["lag_seconds"] <= 30


def test_a_replica_that_is_down_sends_reads_to_the_primary_and_fails_readyz(world, client):
    kairat = _signed_in(world.kairat)
    export = reverse("analytics:export", args=["table", "csv"])
    replica = connections[REPLICA]
    port = replica.settings_dict["PORT"]
    replica.close()
    replica.settings_dict["PORT"] = 1  # nothing listens there: a replica that is down
    replicas.forget_replica_state()
    try:
        with CaptureQueriesContext(connections["default"]) as primary:
            response = kairat.get(export)
        assert response.status_code == 200
        assert any('FROM "registry_school"' in query["sql"] for query in primary.captured_queries)
        assert replica.connection is None  # it could not connect, and nothing else tried
        response = client.get(reverse("health:readyz"))
        assert response.status_code == 503
        assert response.json()["checks"]["replica"]["status"] == "unreachable"
        assert response.json()["checks"]["database"] == "ok"
    finally:
        replica.close()
        replica.settings_dict["PORT"] = port
        replicas.forget_replica_state()
    status, _primary, on_replica = _get(kairat, export)
    assert status == 200
    assert on_replica > 0


def test_a_replica_gone_since_the_last_check_is_found_before_a_streamed_export_reads_it(world, settings):
    """The replica went down after this process last asked it (its check is still "usable"): its
    persistent connection is dead and a new one is refused. The next heavy read finds that before
    the page's first query, so the school list's streamed export, which cannot be run again on the
    primary once it has started, is served from the primary."""
    settings.REPLICA_CHECK_SECONDS = 3600  # the last check stays "usable" for the whole test
    dana = _signed_in(world.dana)
    export = reverse("registry:school-list") + "?export=csv"
    status, _primary, on_replica = _get(dana, export)
    assert status == 200
    assert on_replica > 0
    replica = connections[REPLICA]
    assert replica.connection is not None
    port = replica.settings_dict["PORT"]
    with psycopg.connect(**connection_kwargs(replica.settings_dict)) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [replica.connection.info.backend_pid])
    replica.settings_dict["PORT"] = 1  # nothing listens there: it cannot be reached again
    try:
        # What Django does when a request starts (close_old_connections, which the test client
        # leaves out): the persistent connection gets its health check again.
        replica.close_if_unusable_or_obsolete()
        status, on_primary, on_replica = _get(dana, export)
        assert (status, on_replica) == (200, 0)
        assert on_primary > 0
        assert replica.connection is None
        assert not replicas.replica_usable()  # marked down until the next check
    finally:
        replica.close()
        replica.settings_dict["PORT"] = port
        replicas.forget_replica_state()
