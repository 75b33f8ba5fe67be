"""Offline capture: the idempotency keys of writes queued on a device and applied once.

A phone queues a write (an attendance mark, a journal entry) with a key it generates (a UUID) and
sends it when it has a connection, perhaps several times: the response may be lost, two tabs may
send the same queue. The first arrival stores an :class:`AppliedKey` in the same transaction as
the write; every later arrival finds it and gets the first answer back, and writes nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    APPLIED = "applied", _("Saved")
    CONFLICT = "conflict", _("Not applied: a later change stands")
    DUPLICATE = "duplicate", _("Already received")
    REFUSED = "refused", _("Refused")


class AppliedKey(models.Model):
    """One queued write applied (or decided) once. Refused writes are not kept: nothing was
    written, and a resend is judged again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    key = models.UUIDField(_("idempotency key"))
    kind = models.CharField(_("kind"), max_length=40)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    # What the first answer said beyond the outcome (the status that stands, for example).
    result = models.JSONField(_("result"), default=dict, blank=True)
    device_at = models.DateTimeField(_("device time"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("applied key")
        verbose_name_plural = _("applied keys")
        constraints = [
            # The one guarantee of the whole mechanism: a key is applied at most once per user.
            models.UniqueConstraint(fields=["user", "key"], name="offline_key_once_per_user"),
        ]
        indexes = [models.Index(fields=["received_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} · {self.outcome}"
