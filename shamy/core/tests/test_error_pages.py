"""400, 403 (refused and CSRF), 404, 500 and 503: in the site's layout, in the reader's language,
with a way back. Each is reached the way a user reaches it, except 500, which no page raises on
purpose: the handler is called as Django calls it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from shamy.core.views import server_error

LANGUAGES = ["kk", "ru", "en"]

HEADINGS = {
    400: "Bad request",
    403: "Access denied",
    404: "Page not found",
    500: "Something went wrong",
}


def _signed_in(cast, language: str, **client_options) -> Client:
    client = Client(**client_options)
    cast.olzhas.language = language
    cast.olzhas.save(update_fields=["language"])
    client.force_login(cast.olzhas)
    return client


def _assert_error_page(html: str, heading: str, language: str) -> None:
    with translation.override(language):
        translated = translation.gettext(heading)
        start_page = translation.gettext("Go to the start page")
    if language != "en":
        assert translated != heading, f"{heading!r} has no {language} translation"
    assert f"<h1>{translated}</h1>" in html
    assert f'<html lang="{language}">' in html
    assert 'class="site-header"' in html  # the site's own layout
    assert f'href="{reverse("home:home")}">{start_page}</a>' in html  # a way back
    assert "Django" not in html and "Traceback" not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_404_is_in_the_layout_and_language(cast, language):
    client = _signed_in(cast, language)
    response = client.get("/no-such-page/", HTTP_REFERER="http://testserver/registry/schools/")
    assert response.status_code == 404
    html = response.content.decode()
    _assert_error_page(html, HEADINGS[404], language)
    assert 'href="http://testserver/registry/schools/"' in html  # back to where the reader came from


@pytest.mark.parametrize("language", LANGUAGES)
def test_403_for_a_page_the_role_may_not_open_is_in_the_layout_and_language(cast, language):
    client = _signed_in(cast, language)
    response = client.get(reverse("audit:entry-list"), HTTP_REFERER="https://evil.example/")
    assert response.status_code == 403
    html = response.content.decode()
    _assert_error_page(html, HEADINGS[403], language)
    assert "evil.example" not in html  # the way back never leads off the site


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_failed_csrf_check_is_an_expired_form_page_in_the_layout_and_language(cast, language):
    client = _signed_in(cast, language, enforce_csrf_checks=True)
    response = client.post(reverse("accounts:language-set"), {"language": "ru"})
    assert response.status_code == 403
    _assert_error_page(response.content.decode(), "The form has expired", language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_400_is_in_the_layout_and_language(cast, language):
    client = _signed_in(cast, language)
    too_many = {f"field{number}": "x" for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post(reverse("accounts:language-set"), too_many)
    assert response.status_code == 400
    _assert_error_page(response.content.decode(), HEADINGS[400], language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_500_is_in_the_layout_and_language(db, language):
    request = RequestFactory().get("/registry/schools/")
    with translation.override(language):
        try:
            raise RuntimeError("a bug")
        except RuntimeError:
            response = server_error(request)
    assert response.status_code == 500
    _assert_error_page(response.content.decode(), HEADINGS[500], language)
