"""Login throttling (django-axes) keyed on the e-mail as the login form reads it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The e-mail a login attempt is for, trimmed and lower-cased.

    Axes would otherwise look for a field named after ``User.USERNAME_FIELD`` ("email"), which
    the login form does not send, and count every failure against no account at all, so a
    correct password still got in after the limit. Lower-casing also stops "Dana@…" and
    "dana@…" from being counted as two accounts.
    """
    # The login form posts "username"; axes' own backend passes the same value as "email"
    # (its form-field setting defaults to USERNAME_FIELD). Read whichever is there.
    source: Any = credentials if credentials else getattr(request, "POST", {})
    return str(source.get("username") or source.get("email") or "").strip().lower()
