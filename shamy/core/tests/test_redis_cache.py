"""The shared Redis cache (shamy/core/cache.py) against a real redis-server of the test's own.

Redis is really killed (SIGKILL) and really paused (SIGSTOP: it keeps its data but answers
nothing, as a partitioned server does); the cache must answer misses, log, and never leave a value
it failed to overwrite readable once Redis is back.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache.backends.redis import RedisCache
from django.core.checks import run_checks

from shamy.core.cache import CacheUnavailable, TolerantRedisCache
from shamy.core.testing.servers import RedisServer

BASE_DIR = Path(__file__).resolve().parents[3]


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.kill()


def _cache(url: str, retry_after: float = 0.0) -> TolerantRedisCache:
    return TolerantRedisCache(
        url,
        {
            "KEY_PREFIX": "t",
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3, "RETRY_AFTER_SECONDS": retry_after},
        },
    )


def test_it_is_django_redis_cache_while_redis_answers(redis_server):
    cache = _cache(redis_server.url)
    assert isinstance(cache, RedisCache)
    cache.ping()
    cache.set("a", {"x": 1}, 60)
    assert cache.get("a") == {"x": 1}
    assert cache.add("a", 2) is False
    assert cache.add("n", 1) is True
    assert cache.incr("n") == 2
    cache.set_many({"b": 1, "c": 2})
    assert cache.get_many(["b", "c", "d"]) == {"b": 1, "c": 2}
    assert cache.has_key("b")
    assert cache.delete("b") is True
    with pytest.raises(ValueError, match="not found"):
        cache.incr("never-set")
    # Another client of the same server (another app server) sees the same values.
    assert _cache(redis_server.url).get("a") == {"x": 1}


def test_a_dead_redis_is_a_logged_miss_and_ping_names_it(redis_server, caplog):
    cache = _cache(redis_server.url, retry_after=30)
    cache.set("a", 1)
    redis_server.kill()

    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="shamy.cache"):
        assert cache.get("a") is None
        assert cache.get("a", "default") == "default"
        cache.set("a", 2)
        assert cache.add("b", 1) is False
        assert cache.get_many(["a"]) == {}
        assert cache.has_key("a") is False
        cache.delete_many(["a"])
        with pytest.raises(ValueError, match="unavailable"):
            cache.incr("a")
        for _ in range(200):  # the retry pause: one failed connection, not 200
            cache.get("a")
    assert time.monotonic() - started < 5
    failures = [record for record in caplog.records if "Redis unreachable" in record.getMessage()]
    assert len(failures) == 1
    with pytest.raises(CacheUnavailable):
        cache.ping()

    # Back on the same port (a restarted cache starts empty): the cache works again, ping first.
    redis_server.start()
    cache.ping()
    assert cache.get("a") is None
    cache.set("a", 3)
    assert cache.get("a") == 3


def test_a_write_dropped_while_redis_was_away_never_leaves_the_old_value_readable(redis_server):
    cache = _cache(redis_server.url)
    witness = RedisCache(redis_server.url, {"KEY_PREFIX": "t"})
    cache.set("registry:version", 100, None)
    cache.set("other", "kept", None)

    # A partition: Redis keeps its data but answers nothing.
    assert redis_server.process is not None
    redis_server.process.send_signal(signal.SIGSTOP)
    try:
        with pytest.raises(ValueError):
            cache.incr("registry:version")  # a versioned cache's bump, dropped
        cache.set("page", "new rows")  # dropped too
    finally:
        redis_server.process.send_signal(signal.SIGCONT)
    # Redis still holds the old version: read as it is, every server would serve stale pages.
    assert witness.get("registry:version") == 100

    time.sleep(0.05)
    assert cache.get("registry:version") is None  # this process deleted what it failed to write
    assert witness.get("registry:version") is None
    assert witness.get("other") == "kept"  # and nothing else


def _settings_in_a_fresh_interpreter(env: dict[str, str]) -> dict:
    script = (
        "import json, django; from django.conf import settings; django.setup();"
        "from django.core.cache import caches;"
        "print(json.dumps({'backend': settings.CACHES['default']['BACKEND'],"
        " 'location': settings.CACHES['default'].get('LOCATION'),"
        " 'sessions': settings.SESSION_ENGINE, 'cache_class': type(caches['default']).__name__}))"
    )
    inherited = {k: v for k, v in os.environ.items() if k not in {"CACHE_BACKEND", "SHAMY_REDIS_URL"}}
    result = subprocess.run(  # noqa: S603 (this interpreter, a constant script)
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env={**inherited, "DJANGO_SETTINGS_MODULE": "shamy.settings", "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_shamy_redis_url_selects_the_tolerant_redis_cache_and_sessions_stay_in_the_database():
    assert _settings_in_a_fresh_interpreter({"SHAMY_REDIS_URL": "redis://127.0.0.1:1/5"}) == {
        "backend": "shamy.core.cache.TolerantRedisCache",
        "location": "redis://127.0.0.1:1/5",
        "sessions": "django.contrib.sessions.backends.db",
        "cache_class": "TolerantRedisCache",
    }
    # Without it, the per-process default (warned about by `check --deploy`).
    assert _settings_in_a_fresh_interpreter({})["backend"] == "django.core.cache.backends.locmem.LocMemCache"


def test_cache_backend_dummy_turns_every_cache_off_for_the_bench():
    # `make bench` starts its "cache off" server with CACHE_BACKEND=dummy (bench/run.py): refusing
    # the value would stop that server at start-up.
    assert _settings_in_a_fresh_interpreter({"CACHE_BACKEND": "dummy"})["backend"] == (
        "django.core.cache.backends.dummy.DummyCache"
    )


def test_deploy_check_accepts_the_redis_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "shamy.core.cache.TolerantRedisCache", "LOCATION": "redis://x:1/0"}}
    assert "shamy.W001" not in {message.id for message in run_checks(include_deployment_checks=True)}
