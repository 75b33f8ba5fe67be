"""Heartbeats: the last moment a part of the deployment proved it works.

``web`` is written by every ``/healthz`` (the check is a real write, not ``SELECT 1``); ``worker``
is written by the ``health_worker_heartbeat`` task, so it only moves when a task worker really
takes a task off the queue and runs it. ``/readyz`` reads the worker's.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Heartbeat(models.Model):
    WEB = "web"
    WORKER = "worker"

    name = models.CharField(pgettext_lazy("of a thing", "name"), max_length=32, unique=True)
    beat_at = models.DateTimeField(_("last beat"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"
