"""The offline queue's settings for the page scripts."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def offline_retention_days() -> int:
    """How many days a device may keep a write before sending it (``OFFLINE_KEY_RETENTION_DAYS``)."""
    return int(settings.OFFLINE_KEY_RETENTION_DAYS)
