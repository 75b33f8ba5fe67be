from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shamy.core.rules import RestrictedQuerySet


class ImportJobQuerySet(RestrictedQuerySet["ImportJob"]):
    """Rules in ``imports/permissions.py``."""


def _upload_to(instance: Any, filename: str) -> str:
    return f"imports/{instance.kind}/{filename}"


class ImportJob(models.Model):
    """One uploaded file on its way from preview to commit; it is also the import's own log."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        VALIDATED = "validated", _("Checked, ready to import")
        FAILED = "failed", _("Has errors")
        RUNNING = "running", _("Running")
        DONE = "done", _("Imported")

    class Stage(models.TextChoices):
        CHECK = "check", _("Checking")
        COMMIT = "commit", _("Importing")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs", verbose_name=_("uploaded by")
    )
    kind = models.CharField(_("kind"), max_length=40)
    file = models.FileField(_("file"), upload_to=_upload_to, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=10)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.UPLOADED)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.CHECK)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_created = models.PositiveIntegerField(_("to create"), default=0)
    rows_updated = models.PositiveIntegerField(_("to update"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rows_failed = models.PositiveIntegerField(_("rows with errors"), default=0)
    # Language-neutral problems: [{"line", "column", "message", "params"}], see base.Problem.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # The checked rows for the preview: {"columns": [...], "rows": [{"line", "action", "summary", "cells"}]}.
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.original_name})"

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.UPLOADED, self.Status.RUNNING}

    @property
    def can_commit(self) -> bool:
        return self.status == self.Status.VALIDATED
