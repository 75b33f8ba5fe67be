"""The language switcher: cookie for everyone, stored (and audited) on the account when signed in."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from shamy.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

COOKIE = django_settings.LANGUAGE_COOKIE_NAME


def _switch(client, language: str, next_url: str = "/"):
    return client.post(reverse("accounts:language-set"), {"language": language, "next": next_url})


def test_signed_in_switch_sets_cookie_stores_choice_and_audits(client, cast):
    client.force_login(cast.dana)
    response = _switch(client, "ru", "/registry/regions/")
    assert response.status_code == 302
    assert response["Location"] == "/registry/regions/"
    assert response.cookies[COOKIE].value == "ru"
    cast.dana.refresh_from_db()
    assert cast.dana.language == "ru"
    entry = AuditEntry.objects.get(action="accounts.user.language_changed")
    assert entry.actor == cast.dana
    assert entry.target_id == str(cast.dana.pk)
    assert entry.before == {"language": "kk"}
    assert entry.after == {"language": "ru"}


@pytest.mark.parametrize("language", ["ru", "en", "kk"])
def test_next_page_renders_in_the_chosen_language(client, cast, language):
    client.force_login(cast.dana)
    _switch(client, language)
    page = client.get(reverse("home:home")).content.decode()
    assert f'<html lang="{language}">' in page


def test_stored_choice_follows_the_user_to_a_new_browser(client, cast):
    client.force_login(cast.dana)
    _switch(client, "ru")
    client.cookies.clear()
    client.force_login(cast.dana)
    assert '<html lang="ru">' in client.get(reverse("home:home")).content.decode()


def test_choosing_the_current_language_writes_no_audit_entry(client, cast):
    client.force_login(cast.dana)
    _switch(client, "kk")
    assert not AuditEntry.objects.filter(action="accounts.user.language_changed").exists()


def test_anonymous_switch_sets_only_the_cookie(client, cast):
    response = _switch(client, "ru", reverse("accounts:login"))
    assert response.cookies[COOKIE].value == "ru"
    assert not AuditEntry.objects.exists()
    page = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="ru">' in page


def test_unknown_language_changes_nothing(client, cast):
    client.force_login(cast.dana)
    response = _switch(client, "de")
    assert response.status_code == 302
    assert COOKIE not in response.cookies
    cast.dana.refresh_from_db()
    assert cast.dana.language == "kk"


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/path", "http://testserver.evil.example/", "javascript:alert(1)"],
)
def test_open_redirect_in_next_is_refused(client, cast, next_url):
    client.force_login(cast.dana)
    response = _switch(client, "ru", next_url)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_language_switch_needs_post(client, cast):
    client.force_login(cast.dana)
    assert client.get(reverse("accounts:language-set"), {"language": "ru"}).status_code == 405
