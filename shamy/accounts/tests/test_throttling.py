"""Sign-in behind a proxy and against spraying; rate-limited password reset; tokens end with the password."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.forms import SetPasswordForm
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from shamy.accounts.models import ApiToken
from shamy.accounts.services.users import api_token_authenticate, api_token_create
from shamy.audit.models import AuditEntry
from shamy.core.addresses import client_address
from shamy.core.testing.cast import PASSWORD
from shamy.core.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

PROXY = "172.16.0.1"


def _login(client, email: str, password: str, address: str = "10.0.0.1", forwarded: str | None = None):
    extra = {"REMOTE_ADDR": address}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, **extra)


def _signed_in(client) -> bool:
    return bool(client.session.get("_auth_user_id"))


# --- The client's address ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.7", PROXY),  # no trusted proxy: the header is anyone's to write
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # a forged entry on the left is ignored
        (2, "198.51.100.1, 203.0.113.7, 10.0.0.5", "203.0.113.7"),
        (1, "", PROXY),  # bypassed the proxy
        (2, "203.0.113.7", PROXY),  # fewer entries than proxies: not trusted
    ],
)
def test_client_address_counts_trusted_proxies_from_the_right(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_no_proxy_is_trusted_by_default(settings):
    assert settings.TRUSTED_PROXY_COUNT == 0


# --- Spraying ----------------------------------------------------------------------------------


def test_spraying_ten_accounts_from_one_address_is_stopped(client, cast, settings):
    assert settings.AXES_ADDRESS_FAILURE_LIMIT == 10
    victims = [UserFactory(email=f"victim{n}@example.kz") for n in range(10)]
    statuses = [_login(client, victim.email, "Summer2026!", address="10.0.0.9").status_code for victim in victims]
    # Nine guesses are answered; the tenth reaches the address's limit and is refused.
    assert statuses == [200] * 9 + [429]
    # Even the right password for an untouched account is refused from that address now ...
    locked = _login(client, "kairat@example.kz", PASSWORD, address="10.0.0.9")
    assert locked.status_code == 429
    assert "network" in locked.content.decode() or locked.context["request"].shamy_address_locked
    assert not _signed_in(client)
    # ... but not from elsewhere: nobody's account is locked for its owner.
    assert _login(client, "victim0@example.kz", PASSWORD, address="10.0.0.10").status_code == 302


def test_signing_in_to_ones_own_account_does_not_reset_the_spraying_count(client, cast):
    for n in range(9):
        _login(client, f"victim{n}@example.kz", "Summer2026!", address="10.0.0.9")
    assert _login(client, "dana@example.kz", PASSWORD, address="10.0.0.9").status_code == 302
    client.logout()
    assert _login(client, "victim9@example.kz", "Summer2026!", address="10.0.0.9").status_code == 429


def test_a_few_typos_by_different_people_behind_one_address_lock_no_one(client, cast):
    # A school's computers share one address: three teachers each mistype twice and still get in.
    for email in ("dana@example.kz", "kairat@example.kz", "bolat@example.kz"):
        assert [_login(client, email, "typo", address="10.0.0.20").status_code for _ in range(2)] == [200, 200]
        assert _login(client, email, PASSWORD, address="10.0.0.20").status_code == 302
        client.logout()


# --- Behind a reverse proxy --------------------------------------------------------------------


def test_behind_a_proxy_one_clients_failures_do_not_lock_the_account_for_others(client, cast, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker, owner = "198.51.100.66", "203.0.113.7"
    statuses = [
        _login(client, "dana@example.kz", f"guess {n}", address=PROXY, forwarded=attacker).status_code for n in range(5)
    ]
    assert statuses[-1] == 429
    assert _login(client, "dana@example.kz", PASSWORD, address=PROXY, forwarded=attacker).status_code == 429
    # The owner comes through the same proxy (same REMOTE_ADDR) from their own address.
    assert _login(client, "dana@example.kz", PASSWORD, address=PROXY, forwarded=owner).status_code == 302


def test_behind_a_proxy_a_forged_header_does_not_escape_the_lockout(client, cast, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = "198.51.100.66"
    for n in range(5):
        # Each request claims a new origin on the left; the proxy appends the real one.
        _login(client, "dana@example.kz", f"guess {n}", address=PROXY, forwarded=f"192.0.2.{n}, {attacker}")
    assert (
        _login(client, "dana@example.kz", PASSWORD, address=PROXY, forwarded=f"192.0.2.99, {attacker}").status_code
        == 429
    )


def test_without_a_trusted_proxy_a_forwarded_header_does_not_escape_the_lockout(client, cast):
    for n in range(5):
        _login(client, "dana@example.kz", f"guess {n}", address="10.0.0.1", forwarded=f"192.0.2.{n}")
    assert _login(client, "dana@example.kz", PASSWORD, address="10.0.0.1", forwarded="192.0.2.200").status_code == 429


# --- Password reset ----------------------------------------------------------------------------


def _reset(client, email: str, address: str = "10.0.0.1"):
    return client.post(reverse("accounts:password-reset"), {"email": email}, REMOTE_ADDR=address)


def test_ten_reset_requests_for_one_email_send_at_most_three_mails(client, cast, settings):
    assert settings.PASSWORD_RESET_LIMIT_PER_EMAIL == 3
    statuses = [_reset(client, "dana@example.kz", address=f"10.0.1.{n}").status_code for n in range(10)]
    assert len(mail.outbox) == 3
    assert statuses == [302] * 3 + [429] * 7
    client.cookies["shamy_language"] = "en"
    refused = _reset(client, "dana@example.kz")
    assert refused.status_code == 429
    assert "Wait an hour" in " ".join(refused.context["form"].non_field_errors())
    client.cookies["shamy_language"] = "ru"
    in_russian = _reset(client, "dana@example.kz")
    assert "Подождите час" in " ".join(in_russian.context["form"].non_field_errors())


def test_reset_requests_from_one_address_are_limited_across_emails(client, cast, settings):
    assert settings.PASSWORD_RESET_LIMIT_PER_ADDRESS == 10
    users = [UserFactory(email=f"teacher{n}@example.kz") for n in range(12)]
    statuses = [_reset(client, user.email, address="10.0.0.30").status_code for user in users]
    assert statuses == [302] * 10 + [429] * 2
    assert len(mail.outbox) == 10


def test_the_reset_limit_tells_nothing_about_which_emails_exist(client, cast):
    known = [_reset(client, "dana@example.kz", address=f"10.0.2.{n}") for n in range(5)]
    unknown = [_reset(client, "nobody@example.kz", address=f"10.0.3.{n}") for n in range(5)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [302] * 3 + [429] * 2
    assert known[-1].context["form"].errors == unknown[-1].context["form"].errors
    assert [r["Location"] for r in known[:3]] == [r["Location"] for r in unknown[:3]]


# --- Tokens end with the password --------------------------------------------------------------


def _reset_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/reset/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_a_password_reset_revokes_all_the_users_tokens(client, cast):
    _first, first_raw = api_token_create(actor=cast.dana, name="dashboard")
    _second, second_raw = api_token_create(actor=cast.dana, name="script")
    _other, other_raw = api_token_create(actor=cast.kairat, name="kairat's")
    assert client.get("/api/v1/regions", HTTP_AUTHORIZATION=f"Bearer {first_raw}").status_code == 200

    _reset(client, "dana@example.kz")
    form_page = client.get(_reset_link(mail.outbox[0]), follow=True)
    new_password = "a brand new steppe password"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302

    assert api_token_authenticate(first_raw) is None
    assert api_token_authenticate(second_raw) is None
    assert client.get("/api/v1/regions", HTTP_AUTHORIZATION=f"Bearer {first_raw}").status_code == 401
    assert not ApiToken.objects.filter(user=cast.dana, revoked_at__isnull=True).exists()
    assert api_token_authenticate(other_raw) == cast.kairat  # someone else's token lives on
    assert AuditEntry.objects.filter(action="accounts.api_token.revoked_on_password_change").count() == 2


def test_a_password_change_anywhere_revokes_the_tokens(cast):
    _token, raw = api_token_create(actor=cast.dana, name="dashboard")
    # The form the admin site and the reset link use, then a plain set_password (changepassword).
    form = SetPasswordForm(
        cast.dana, {"new_password1": "another long passphrase", "new_password2": "another long passphrase"}
    )
    assert form.is_valid(), form.errors
    form.save()
    assert api_token_authenticate(raw) is None

    _token, raw = api_token_create(actor=cast.dana, name="after the change")
    cast.dana.set_password("yet another long passphrase")
    cast.dana.save()
    assert api_token_authenticate(raw) is None


def test_saving_a_user_without_a_new_password_keeps_the_tokens(cast):
    _token, raw = api_token_create(actor=cast.dana, name="dashboard")
    cast.dana.full_name = "Dana B."
    cast.dana.save()
    assert api_token_authenticate(raw) == cast.dana


def test_the_profile_page_says_a_password_change_revokes_tokens(client, cast):
    client.force_login(cast.dana)
    cast.dana.language = "en"
    cast.dana.save(update_fields=["language"])
    page = client.get(reverse("accounts:profile"))
    assert "Changing or resetting your password revokes all your tokens." in page.content.decode()
