"""System checks of our own, run by ``manage.py check`` (``--deploy`` for the production ones)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def shared_cache(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """Cached pages go stale at once on a write only when every worker reads the same cache."""
    backend = str(settings.CACHES["default"]["BACKEND"])
    if backend.endswith("LocMemCache"):
        return [
            Warning(
                "The cache is in each process's memory: with several gunicorn workers, a write seen "
                "by one worker leaves the others showing cached school tables and analytics panels "
                "for up to their lifetime.",
                hint=(
                    "Set SHAMY_REDIS_URL (one Redis shared by every server), or CACHE_BACKEND=database and "
                    "run `manage.py createcachetable`."
                ),
                id="shamy.W001",
            )
        ]
    return []
