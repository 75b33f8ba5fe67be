"""/readyz: migrations applied, cache reachable, storage usable, task worker alive; each failure is a
real state (a killed redis-server, a media directory that cannot exist, a stopped worker).

The worker test runs django-tasks' own ``db_worker`` on the heartbeat the probe queued: the
heartbeat is fresh only because a worker really took a task off the queue.
"""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from shamy.core.replicas import replica_configured
from shamy.core.testing.servers import RedisServer
from shamy.health import checks as health_checks
from shamy.health.checks import Problem, ReadinessCheck
from shamy.health.models import Heartbeat
from shamy.health.tasks import health_worker_heartbeat

COVERED_URL_NAMES = {"health:readyz"}

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _readyz(client) -> tuple[int, dict]:
    response = client.get(reverse("health:readyz"))
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, response.json()


# "__all__": with a read replica configured (CI's PostgreSQL pass) the probe also asks it.
@pytest.mark.django_db(databases="__all__")
def test_readyz_is_ok_when_migrated_cache_up_and_tasks_run_in_process(client):
    status, body = _readyz(client)
    assert status == 200
    replica = body["checks"].pop("replica")
    assert body == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "cache": "ok", "storage": "ok", "worker": "not used"},
    }
    if replica_configured():  # the replica's own tests: shamy/core/tests/test_replica_streaming.py
        assert replica["status"] == "ok"
        assert 0 <= replica["lag_seconds"] <= settings.REPLICA_MAX_LAG_SECONDS
    else:
        assert replica == "not used"


@pytest.mark.django_db(databases="__all__")
def test_readyz_is_503_with_an_unapplied_migration(client):
    MigrationRecorder.Migration.objects.filter(app="health", name="0001_initial").delete()
    status, body = _readyz(client)
    assert status == 503
    assert body["status"] == "error"
    assert body["checks"]["migrations"]["status"] == "pending"
    assert "health.0001_initial" in body["checks"]["migrations"]["detail"]


@pytest.mark.django_db(databases="__all__")
def test_readyz_is_503_when_the_cache_cannot_be_reached(client, settings):
    # The database cache without its table (``createcachetable`` never run).
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "no_such_cache_table"}
    }
    status, body = _readyz(client)
    assert status == 503
    assert body["checks"]["cache"]["status"] == "unreachable"
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db(databases="__all__")
def test_readyz_names_a_dead_redis_and_is_ready_again_once_it_is_back(client, settings, tmp_path):
    redis = RedisServer(tmp_path / "redis").start()
    settings.CACHES = {
        "default": {
            "BACKEND": "shamy.core.cache.TolerantRedisCache",
            "LOCATION": redis.url,
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3, "RETRY_AFTER_SECONDS": 30},
        }
    }
    try:
        status, body = _readyz(client)
        assert (status, body["checks"]["cache"]) == (200, "ok"), body
        redis.kill()
        status, body = _readyz(client)
        assert status == 503
        assert body["checks"]["cache"]["status"] == "unreachable"
        assert "Connection refused" in body["checks"]["cache"]["detail"]
        assert body["checks"]["database"] == "ok"
        # The pages themselves go on (cache misses), and the probe does not wait out the retry pause.
        redis.start()
        status, body = _readyz(client)
        assert status == 200, body
    finally:
        redis.kill()


@pytest.mark.django_db(databases="__all__")
def test_readyz_is_503_when_the_media_storage_cannot_be_written(client, settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the media directory should be")
    settings.MEDIA_ROOT = blocker / "media"
    status, body = _readyz(client)
    assert status == 503
    assert body["checks"]["storage"]["status"] == "unreachable"
    assert "media storage" in body["checks"]["storage"]["detail"]
    assert body["checks"]["cache"] == "ok"


@pytest.mark.django_db(databases="__all__")
def test_readyz_leaves_nothing_in_the_media_storage(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    assert _readyz(client)[0] == 200
    assert [path for path in (tmp_path / "media").rglob("*") if path.is_file()] == []


@pytest.mark.django_db(databases="__all__")
def test_a_check_added_to_the_list_is_reported_by_name(client, monkeypatch):
    extra = ReadinessCheck("search", lambda: Problem("lagging", "The index is 90 s behind."), needs_database=True)
    monkeypatch.setattr(health_checks, "READINESS_CHECKS", [*health_checks.READINESS_CHECKS, extra])
    status, body = _readyz(client)
    assert status == 503
    assert body["checks"]["search"] == {"status": "lagging", "detail": "The index is 90 s behind."}
    assert body["checks"]["database"] == "ok"


# Not wrapped in a transaction: the worker closes a connection it finds inside one (as after a
# crash), which would end the test's own connection on PostgreSQL.
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_readyz_follows_the_task_worker_heartbeat(client, settings):
    settings.TASKS = DATABASE_TASKS
    settings.TASK_WORKER_HEARTBEAT_MAX_AGE = 300
    heartbeats = DBTaskResult.objects.filter(task_path=health_worker_heartbeat.module_path)

    # No worker has run yet: not ready, and the probe queued the first heartbeat (once).
    status, body = _readyz(client)
    assert status == 503
    assert body["checks"]["worker"]["status"] == "no_heartbeat"
    _readyz(client)
    assert heartbeats.filter(status="READY").count() == 1

    # A real worker takes it off the queue; the heartbeat queues its successor for later.
    call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)
    assert heartbeats.filter(status="SUCCESSFUL").count() == 1
    successor = heartbeats.get(status="READY")
    assert successor.run_after > timezone.now() + datetime.timedelta(seconds=30)

    status, body = _readyz(client)
    assert status == 200
    assert body["checks"]["worker"] == "ok"
    assert heartbeats.filter(status="READY").count() == 1  # no second chain

    # The worker stops: its last heartbeat grows old and the probe says so.
    Heartbeat.objects.filter(name=Heartbeat.WORKER).update(beat_at=timezone.now() - datetime.timedelta(minutes=6))
    status, body = _readyz(client)
    assert status == 503
    assert body["checks"]["worker"]["status"] == "stale"
    assert "360 s old" in body["checks"]["worker"]["detail"] or "361 s old" in body["checks"]["worker"]["detail"]
