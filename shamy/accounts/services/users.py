"""Writes to accounts: language choice and API tokens. Each one is audited."""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shamy.accounts.models import ApiToken, User
from shamy.audit.services.entries import audit_record, snapshot
from shamy.core.db import short_lock_wait

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "shamy_"  # noqa: S105 (a public prefix, not a secret)
# How long recording a token's last use may wait for another writer's lock before it is skipped.
TOKEN_TOUCH_LOCK_WAIT_SECONDS = 0.25


@transaction.atomic
def user_set_language(*, actor: User, language: str) -> User:
    """Store the interface language a user picked, so it follows them to other devices."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Unknown language."))
    if actor.language == language:
        return actor
    before = snapshot(actor, ["language"])
    actor.language = language
    actor.save(update_fields=["language"])
    audit_record(
        actor=actor,
        action="accounts.user.language_changed",
        target=actor,
        before=before,
        after=snapshot(actor, ["language"]),
    )
    return actor


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Create a bearer token for the actor's own API use. Returns the token text, shown once."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name so you recognise it later.")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=name[:100], prefix=raw[: len(TOKEN_PREFIX) + 6], key_hash=_hash(raw)
    )
    audit_record(actor=actor, action="accounts.api_token.created", target=token)
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk:
        raise PermissionDenied
    if token.revoked_at is None:
        before = snapshot(token)
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="accounts.api_token.revoked", target=token, before=before)
    return token


@transaction.atomic
def api_tokens_revoke_all(*, user: User) -> int:
    """Revoke every token of ``user`` still in use, because their password changed.

    Called for every saved password change, whoever makes it (the reset link, the admin site,
    ``manage.py changepassword``), by ``shamy.accounts.signals``: a leaked password can have
    minted tokens, and a token must not outlive the password that guarded it. Each revocation is
    audited. Returns how many were revoked.
    """
    now = timezone.now()
    tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    for token in tokens:
        before = snapshot(token)
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        audit_record(actor=user, action="accounts.api_token.revoked_on_password_change", target=token, before=before)
    return len(tokens)


def api_token_authenticate(raw: str) -> User | None:
    """The active user behind a bearer token, or None. Records the last use at most once a minute."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(raw), revoked_at__isnull=True).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        _token_touch(token, now)
    return token.user


def _token_touch(token: ApiToken, now: datetime.datetime) -> None:
    """Record when a token was last used, best effort: a read never fails or waits for this.

    Under another writer's lock the update gives up after a fraction of a second and is skipped
    (the next call a minute later tries again); its own savepoint keeps a surrounding transaction
    usable on PostgreSQL.
    """
    try:
        with short_lock_wait(TOKEN_TOUCH_LOCK_WAIT_SECONDS), transaction.atomic():
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    except DatabaseError:
        logger.info("Token %s: last use not recorded (database busy)", token.pk)
