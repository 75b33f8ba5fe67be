from __future__ import annotations

from django import template

register = template.Library()


def autosave_status_id(key: str) -> str:
    """The id of the element showing "Saved at HH:MM" for the draft ``key``."""
    return "autosave-status-" + key.replace(":", "-")


@register.filter
def status_id(key: str) -> str:
    return autosave_status_id(key)
