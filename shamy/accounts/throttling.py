"""Sign-in and password-reset throttling.

Sign-in (django-axes, ``AXES_HANDLER``): two limits within the cool-off window (15 minutes),
both counted on the client's address as ``shamy.core.addresses.client_address`` resolves it
behind ``TRUSTED_PROXY_COUNT`` proxies:

- per account and address: ``AXES_FAILURE_LIMIT`` (5) failures for one e-mail from one address
  pause signing in to that e-mail from that address. Someone elsewhere cannot lock a known
  account for its owner;
- per address: ``AXES_ADDRESS_FAILURE_LIMIT`` (10) failures from one address, whatever e-mails
  they name, pause signing in from that address. This stops password spraying (one or two
  guesses at each of many accounts), which the per-account limit never sees.

Password reset: at most ``PASSWORD_RESET_LIMIT_PER_EMAIL`` requests for one e-mail and
``PASSWORD_RESET_LIMIT_PER_ADDRESS`` from one address per ``PASSWORD_RESET_WINDOW_SECONDS``,
counted in the cache whether or not an account uses the e-mail, so the refusal says nothing about
which e-mails exist.
"""

from __future__ import annotations

import hashlib
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet, Sum
from django.http import HttpRequest

from shamy.core.addresses import client_address


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


def _failures(attempts: QuerySet[AccessAttempt]) -> int:
    return int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)


class ShamyAxesHandler(AxesDatabaseHandler):
    """Axes' database handler with a second, higher limit per address (see the module)."""

    def _recent(self, request: Any) -> QuerySet[AccessAttempt]:
        attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts

    def filter_user_attempts(self, request: Any, credentials: dict[str, Any] | None = None) -> list[QuerySet[Any]]:
        # The account's own attempts from this address: what a successful sign-in clears.
        # The address's failures for other e-mails stay counted, so signing in to one's own
        # account between guesses does not reset the spraying limit.
        username = get_client_username(request, credentials)
        return [AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address)]

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        recent = self._recent(request)
        account = _failures(recent.filter(username=get_client_username(request, credentials)))
        address = _failures(recent)
        request.shamy_address_locked = address >= settings.AXES_ADDRESS_FAILURE_LIMIT
        if request.shamy_address_locked:
            # Report "at the limit" so axes locks out, whatever this account's own count is.
            return max(account, int(settings.AXES_FAILURE_LIMIT))
        return account


# --- Password reset -------------------------------------------------------------------------------


def _key(kind: str, value: str) -> str:
    # Hashed, so the cache holds no e-mail addresses.
    return "password-reset:" + kind + ":" + hashlib.sha256(value.encode()).hexdigest()


def _count(key: str) -> int:
    window = int(settings.PASSWORD_RESET_WINDOW_SECONDS)
    cache.add(key, 0, timeout=window)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def password_reset_allowed(request: HttpRequest, email: str) -> bool:
    """Count one reset request for ``email`` from the request's address; False over either limit."""
    per_email = _count(_key("email", email.strip().lower()))
    per_address = _count(_key("address", client_address(request)))
    return (
        per_email <= settings.PASSWORD_RESET_LIMIT_PER_EMAIL
        and per_address <= settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
    )
