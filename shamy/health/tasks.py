"""The task worker's heartbeat: a task that records its run and queues the next one.

Each run writes ``Heartbeat(worker)`` and queues the next run ``TASK_WORKER_HEARTBEAT_SECONDS``
later (``run_after``), so while a worker takes tasks off the queue the heartbeat stays fresh, and
when none does it grows old (``/readyz`` then answers 503). ``/readyz`` queues one when none is
waiting, which starts the chain after a deployment and mends it if it ever broke.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from shamy.health.models import Heartbeat

# Finished heartbeat runs older than this are deleted by the next run, so the chain does not
# fill the task table (one row a minute otherwise).
KEEP_FINISHED = datetime.timedelta(hours=1)


@task()
def health_worker_heartbeat() -> None:
    now = timezone.now()
    Heartbeat.objects.update_or_create(name=Heartbeat.WORKER, defaults={"beat_at": now})
    heartbeat_queue_if_missing(count_running=False, delay=True)
    if isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        DBTaskResult.objects.filter(
            task_path=health_worker_heartbeat.module_path,
            status__in=["SUCCESSFUL", "FAILED"],
            finished_at__lt=now - KEEP_FINISHED,
        ).delete()


def heartbeat_queue_if_missing(*, count_running: bool, delay: bool) -> bool:
    """Queue the next heartbeat unless one is already waiting; True when one was queued.

    Only with the database backend: elsewhere tasks run at once and there is no worker to watch.
    The running heartbeat calls this with ``count_running=False`` (it is itself running);
    ``/readyz`` counts a running one too, so it never starts a second chain, and queues one to run
    at once (``delay=False``) rather than after the interval.
    """
    if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        return False
    statuses = ["READY", "RUNNING"] if count_running else ["READY"]
    waiting = DBTaskResult.objects.filter(task_path=health_worker_heartbeat.module_path, status__in=statuses)
    if waiting.exists():
        return False
    if delay:
        run_after = timezone.now() + datetime.timedelta(seconds=settings.TASK_WORKER_HEARTBEAT_SECONDS)
        health_worker_heartbeat.using(run_after=run_after).enqueue()
    else:
        health_worker_heartbeat.enqueue()
    return True
