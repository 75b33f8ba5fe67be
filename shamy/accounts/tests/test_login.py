"""Signing in: e-mail in any case, argon2 hashes, throttling after failures, password reset by e-mail."""

from __future__ import annotations

import os
import re

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.core import mail
from django.urls import reverse
from django.utils import translation

import shamy.settings as real_settings
from shamy.accounts.models import User
from shamy.core.testing.cast import PASSWORD
from shamy.core.testing.factories import UserFactory
from shamy.core.testing.visible_language import english_words, read_visible_text

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"


def _login(client, email: str, password: str, address: str = "10.0.0.1"):
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=address)


def _signed_in_as(client) -> int | None:
    user_id = client.session.get("_auth_user_id")
    return int(user_id) if user_id else None


def test_login_url_is_the_one_in_settings():
    assert reverse("accounts:login") == LOGIN_URL


@pytest.mark.parametrize("typed", ["dana@example.kz", "DANA@EXAMPLE.KZ", "  Dana@Example.kz "])
def test_login_by_email_in_any_case(client, cast, typed):
    response = _login(client, typed, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home:home")
    assert _signed_in_as(client) == cast.dana.pk


def test_login_finds_an_account_stored_with_capitals(client, db):
    # Accounts created outside create_user (admin, old imports) may keep the capitals typed.
    user = UserFactory(email="Madina.Nurova@Example.kz")
    assert _login(client, "madina.nurova@example.kz", PASSWORD).status_code == 302
    assert _signed_in_as(client) == user.pk


def test_wrong_password_shows_the_form_again(client, cast):
    response = _login(client, "dana@example.kz", "wrong password")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert _signed_in_as(client) is None


def test_login_sets_the_language_cookie_to_the_account_language(client, cast):
    cast.dana.language = "ru"
    cast.dana.save(update_fields=["language"])
    response = _login(client, "dana@example.kz", PASSWORD)
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "ru"


def test_logout_needs_post_and_ends_the_session(client, cast):
    client.force_login(cast.dana)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert _signed_in_as(client) == cast.dana.pk
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert _signed_in_as(client) is None


def test_inactive_account_cannot_sign_in(client, cast):
    cast.dana.is_active = False
    cast.dana.save(update_fields=["is_active"])
    response = _login(client, "dana@example.kz", PASSWORD)
    assert response.status_code == 200
    assert _signed_in_as(client) is None


def test_create_user_lowercases_the_email(db):
    user = User.objects.create_user("Aruzhan@Example.KZ", "a long enough passphrase")
    assert user.email == "aruzhan@example.kz"


def test_argon2_is_the_first_hasher_under_the_real_settings(settings, db):
    # The root conftest swaps in MD5 for speed; put back what production uses.
    settings.PASSWORD_HASHERS = real_settings.PASSWORD_HASHERS
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    encoded = make_password("a long enough passphrase")
    assert encoded.startswith("argon2$")
    assert identify_hasher(encoded).algorithm == "argon2"
    assert check_password("a long enough passphrase", encoded)
    user = User.objects.create_user("hash@example.kz", "a long enough passphrase")
    assert user.password.startswith("argon2$")


# --- Throttling ---------------------------------------------------------------------------------


def _fail(client, email: str, times: int, address: str = "10.0.0.1") -> list[int]:
    return [_login(client, email, f"wrong password {n}", address).status_code for n in range(times)]


def test_login_is_locked_after_five_failures_even_with_the_right_password(client, cast, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    statuses = _fail(client, "dana@example.kz", 4)
    assert statuses == [200, 200, 200, 200]
    fifth = _login(client, "dana@example.kz", "still wrong")
    assert fifth.status_code == 429
    locked = _login(client, "dana@example.kz", PASSWORD)
    assert locked.status_code == 429
    assert "accounts/locked_out.html" in [template.name for template in locked.templates]
    assert reverse("accounts:password-reset") in locked.content.decode()
    assert _signed_in_as(client) is None


def test_changing_the_case_of_the_email_does_not_escape_the_lockout(client, cast):
    for typed in ("dana@example.kz", "DANA@example.kz", "Dana@Example.kz", "dana@EXAMPLE.kz", "DaNa@example.KZ"):
        _login(client, typed, "wrong password")
    assert _login(client, "DANA@EXAMPLE.KZ", PASSWORD).status_code == 429
    assert _signed_in_as(client) is None


def test_lockout_is_per_email_and_address(client, cast):
    _fail(client, "dana@example.kz", 5, address="10.0.0.1")
    assert _login(client, "dana@example.kz", PASSWORD, address="10.0.0.1").status_code == 429
    # Another address, or another account from the same address, is not locked out.
    assert _login(client, "dana@example.kz", PASSWORD, address="10.0.0.2").status_code == 302
    client.logout()
    assert _login(client, "kairat@example.kz", PASSWORD, address="10.0.0.1").status_code == 302


def test_a_successful_login_resets_the_failure_count(client, cast):
    _fail(client, "dana@example.kz", 4)
    assert _login(client, "dana@example.kz", PASSWORD).status_code == 302
    client.logout()
    assert _fail(client, "dana@example.kz", 4) == [200, 200, 200, 200]
    assert _login(client, "dana@example.kz", PASSWORD).status_code == 302


# --- Password reset -----------------------------------------------------------------------------


def _request_reset(client, email: str, **extra):
    return client.post(reverse("accounts:password-reset"), {"email": email}, **extra)


def _reset_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/reset/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_password_reset_mail_uses_the_locmem_backend_in_tests(settings):
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"


def test_development_mail_goes_to_the_console_unless_configured():
    expected = os.environ.get("EMAIL_BACKEND") or "django.core.mail.backends.console.EmailBackend"
    assert real_settings.EMAIL_BACKEND == expected


def test_password_reset_sends_one_mail_and_redirects(client, cast):
    response = _request_reset(client, "DANA@example.kz")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-reset-done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["dana@example.kz"]


def test_password_reset_for_unknown_email_sends_nothing_and_looks_the_same(client, cast):
    response = _request_reset(client, "nobody@example.kz")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-reset-done")
    assert mail.outbox == []


@pytest.mark.parametrize(("account_language", "page_language"), [("ru", "kk"), ("kk", "ru"), ("en", "ru")])
def test_password_reset_mail_is_in_the_account_language(client, cast, account_language, page_language):
    cast.dana.language = account_language
    cast.dana.save(update_fields=["language"])
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = page_language
    _request_reset(client, "dana@example.kz")
    message = mail.outbox[0]
    with translation.override(account_language):
        expected_subject = translation.gettext("Shamy: reset your password")
        expected_line = translation.gettext("To choose a new password, open this link:")
    with translation.override(page_language):
        page_subject = translation.gettext("Shamy: reset your password")
    assert message.subject == expected_subject
    assert expected_line in message.body
    assert expected_subject != page_subject  # the catalogues really differ, so the test proves something


def test_password_reset_link_works_once(client, cast):
    _request_reset(client, "dana@example.kz")
    link = _reset_link(mail.outbox[0])
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    set_password_url = form_page.redirect_chain[-1][0]
    new_password = "a brand new steppe password"
    done = client.post(set_password_url, {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    assert done["Location"] == reverse("accounts:password-reset-complete")
    cast.dana.refresh_from_db()
    assert cast.dana.check_password(new_password)
    # The same link a second time: refused, and the password stays.
    again = client.get(link, follow=True)
    assert again.context["validlink"] is False
    assert _login(client, "dana@example.kz", new_password).status_code == 302


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_sign_in_and_password_reset_pages_show_no_english(client, cast, language):
    # Django's own reset form labels its field "Email", which its Kazakh catalogue leaves in English.
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    pages = [reverse("accounts:login"), reverse("accounts:password-reset")]
    _request_reset(client, "dana@example.kz")
    set_password = client.get(_reset_link(mail.outbox[0]), follow=True)
    assert set_password.context["validlink"] is True
    pages.append(set_password.redirect_chain[-1][0])
    labels = []
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        page_language, text = read_visible_text(response.content.decode())
        assert page_language == language, url
        assert english_words(text) == [], url
        labels.append(re.findall(r'<label for="id_(?:username|email)">([^<]+)<', response.content.decode()))
    # The reset page names the address as the sign-in page does.
    assert labels[0] == labels[1] and len(labels[0]) == 1
