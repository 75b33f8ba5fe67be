"""Delete the offline idempotency keys older than the retention (run it daily, e.g. from cron:
`manage.py offline_prune_keys`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from shamy.offline.services.keys import prune_keys


class Command(BaseCommand):
    help = "Delete the applied idempotency keys of offline writes older than OFFLINE_KEY_RETENTION_DAYS."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = prune_keys()
        self.stdout.write(f"deleted {deleted} applied keys older than {settings.OFFLINE_KEY_RETENTION_DAYS} days")
