"""Permission matrix for the accounts pages that need a signed-in user.

Login, logout and the password-reset pages are public and tested in test_login.py.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from shamy.accounts.models import ApiToken
from shamy.accounts.services.users import api_token_create
from shamy.audit.models import AuditEntry
from shamy.core.testing.cast import PERSONAS
from shamy.core.testing.fuzz import query_fuzz_test
from shamy.core.testing.matrix import Expect, Row, matrix_test

pytestmark = pytest.mark.django_db


def _client(client, cast, persona):
    user = cast.user(persona)
    if user is not None:
        client.force_login(user)
    return client


def _danas_token(cast) -> ApiToken:
    token, _raw = api_token_create(actor=cast.dana, name="dana's script")
    return token


def _language(c) -> dict[str, str]:
    return {"language": "ru", "next": "/registry/regions/"}


expect = Expect(PERSONAS)
MATRIX = [
    Row("accounts:profile", lambda c: reverse("accounts:profile"), expect.everyone(), data=_language),
    # Only the owner may revoke a token; anyone else cannot even learn that it exists.
    Row(
        "accounts:token-revoke",
        lambda c: reverse("accounts:token-revoke", args=[_danas_token(c).pk]),
        expect.each(404, dana=302),
        method="post",
        data=_language,
    ),
    # Everyone may switch the language; the redirect goes back to the page, not to sign in.
    Row(
        "accounts:language-set",
        lambda c: reverse("accounts:language-set"),
        expect.everyone(302),
        method="post",
        data=_language,
        login_redirect=False,
    ),
]
test_accounts_view_permission_matrix = matrix_test(MATRIX, PERSONAS)
test_accounts_query_parameters = query_fuzz_test(MATRIX, PERSONAS)


def test_revoke_is_post_only(client, cast):
    token = _danas_token(cast)
    response = _client(client, cast, "dana").get(reverse("accounts:token-revoke", args=[token.pk]))
    assert response.status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_owner_revokes_own_token_and_it_is_audited(client, cast):
    token = _danas_token(cast)
    response = _client(client, cast, "dana").post(reverse("accounts:token-revoke", args=[token.pk]))
    assert response["Location"] == reverse("accounts:profile")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="accounts.api_token.revoked", target_id=str(token.pk)).count() == 1


def test_other_user_cannot_revoke_a_token(client, cast):
    token = _danas_token(cast)
    _client(client, cast, "aigerim").post(reverse("accounts:token-revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is None


def test_profile_creates_a_token_shown_once(client, cast):
    response = _client(client, cast, "kairat").post(reverse("accounts:profile"), {"name": "regional dashboard"})
    assert response.status_code == 200
    raw = response.context["new_token"]
    assert raw.startswith("shamy_")
    token = ApiToken.objects.get(user=cast.kairat)
    assert token.name == "regional dashboard"
    again = client.get(reverse("accounts:profile")).content.decode()
    assert raw not in again
    assert token.prefix in again


def test_profile_lists_only_own_tokens(client, cast):
    _danas_token(cast)
    response = _client(client, cast, "kairat").get(reverse("accounts:profile"))
    assert list(response.context["tokens"]) == []


def test_profile_query_count_is_constant(client, cast, django_assert_num_queries):
    _client(client, cast, "dana")
    url = reverse("accounts:profile")
    for n in range(2):
        api_token_create(actor=cast.dana, name=f"token {n}")
    client.get(url)
    with django_assert_num_queries(4) as small:  # session, user, memberships, tokens
        client.get(url)
    for n in range(18):
        api_token_create(actor=cast.dana, name=f"more {n}")
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)
