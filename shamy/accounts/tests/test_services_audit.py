"""Every write in accounts goes through a service that records an audit entry with before/after."""

from __future__ import annotations

import inspect

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shamy.accounts.models import ApiToken
from shamy.accounts.services import users
from shamy.accounts.services.users import (
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    api_tokens_revoke_all,
    user_set_language,
)
from shamy.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

# Each writing service of accounts and the audit action it records. The test below fails when a
# new service is added without being listed (and so without an audit test).
AUDITED_SERVICES = {
    "user_set_language": "accounts.user.language_changed",
    "api_token_create": "accounts.api_token.created",
    "api_token_revoke": "accounts.api_token.revoked",
    "api_tokens_revoke_all": "accounts.api_token.revoked_on_password_change",
}
# Reads a token; its "last used" stamp is bookkeeping, not a change anyone asked for.
NOT_WRITES = {"api_token_authenticate"}


def test_every_accounts_service_is_listed_here():
    public = {
        name
        for name, function in inspect.getmembers(users, inspect.isfunction)
        if function.__module__ == users.__name__ and not name.startswith("_")
    }
    assert public == set(AUDITED_SERVICES) | NOT_WRITES


def _only_entry(action: str) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(action=action))
    assert len(entries) == 1, entries
    return entries[0]


def test_user_set_language_records_before_and_after(cast):
    user_set_language(actor=cast.kairat, language="en")
    entry = _only_entry(AUDITED_SERVICES["user_set_language"])
    assert (entry.before, entry.after) == ({"language": "kk"}, {"language": "en"})
    assert entry.actor == cast.kairat
    assert entry.changes == [("language", "kk", "en")]


def test_user_set_language_refuses_unknown_language(cast):
    with pytest.raises(ValidationError):
        user_set_language(actor=cast.kairat, language="xx")
    assert not AuditEntry.objects.exists()


def test_api_token_create_records_the_token_but_never_its_secret(cast):
    token, raw = api_token_create(actor=cast.dana, name="nightly export")
    entry = _only_entry(AUDITED_SERVICES["api_token_create"])
    assert entry.before is None
    assert entry.after["name"] == "nightly export"
    assert entry.after is not None
    assert "key_hash" not in entry.after
    assert raw not in str(entry.after)
    assert token.key_hash not in str(entry.after)


def test_api_token_create_needs_a_name(cast):
    with pytest.raises(ValidationError):
        api_token_create(actor=cast.dana, name="   ")
    assert not ApiToken.objects.exists()
    assert not AuditEntry.objects.exists()


def test_api_token_revoke_records_before_and_after(cast):
    token, raw = api_token_create(actor=cast.dana, name="nightly export")
    api_token_revoke(actor=cast.dana, token=token)
    entry = _only_entry(AUDITED_SERVICES["api_token_revoke"])
    assert entry.before["revoked_at"] is None
    assert entry.after["revoked_at"] is not None
    assert api_token_authenticate(raw) is None
    # Revoking twice changes nothing and records nothing more.
    api_token_revoke(actor=cast.dana, token=token)
    assert AuditEntry.objects.filter(action=AUDITED_SERVICES["api_token_revoke"]).count() == 1


def test_api_token_revoke_of_someone_elses_token_is_refused(cast):
    token, raw = api_token_create(actor=cast.dana, name="nightly export")
    with pytest.raises(PermissionDenied):
        api_token_revoke(actor=cast.aigerim, token=token)
    assert api_token_authenticate(raw) == cast.dana
    assert not AuditEntry.objects.filter(action=AUDITED_SERVICES["api_token_revoke"]).exists()


def test_api_tokens_revoke_all_records_each_token_before_and_after(cast):
    token, _raw = api_token_create(actor=cast.dana, name="nightly export")
    api_token_create(actor=cast.kairat, name="someone else's")
    assert api_tokens_revoke_all(user=cast.dana) == 1
    entry = _only_entry(AUDITED_SERVICES["api_tokens_revoke_all"])
    assert entry.actor == cast.dana
    assert entry.before is not None and entry.before["revoked_at"] is None
    assert entry.after is not None and entry.after["revoked_at"] is not None
    assert entry.target_id == str(token.pk)
    assert api_tokens_revoke_all(user=cast.dana) == 0  # nothing left: no second entry
    assert AuditEntry.objects.filter(action=AUDITED_SERVICES["api_tokens_revoke_all"]).count() == 1
