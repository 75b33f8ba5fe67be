"""Kyrgyz, the first partial interface language (issue 17): the commons' public pages in ky.

A visitor who chooses Kyrgyz reads the commons' list and item pages in Kyrgyz, with no English and no
Kazakh fall-through string (Django falls back to the default language, Kazakh, for a message the ky
catalogues lack: Kazakh-only letters on a ky page mean a missing entry). Everywhere else, and for
signed-in users, the language switcher does not offer Kyrgyz and a Kyrgyz visitor reads Russian.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation

from shamy.core.numbers import format_decimal
from shamy.core.testing.visible_language import english_words, read_visible_text
from shamy.core.translated import localized

# Letters of Kazakh that Kyrgyz does not use (Kyrgyz shares ң, ө, ү with Kazakh).
# The language switcher's button for Kyrgyz (the filters also offer "ky" as an item's language).
SWITCH_TO_KY = 'type="submit" name="language" value="ky"'
KAZAKH_ONLY = re.compile(r"[әғқұһіӘҒҚҰҺІ]")


def _as_kyrgyz_visitor(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ky"
    return client


def test_the_commons_list_and_item_pages_read_in_kyrgyz_only(client, commons_scene):
    client = _as_kyrgyz_visitor(client)
    pages = [reverse("commons:index"), reverse("commons:detail", args=[commons_scene.published.public_id])]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        language, text = read_visible_text(html)
        # People's names are never translated: the author's credit is content, not interface.
        text = text.replace(commons_scene.published.credit, "")
        assert language == "ky", url
        assert english_words(text) == [], url
        assert KAZAKH_ONLY.findall(text) == [], (url, [line for line in text.splitlines() if KAZAKH_ONLY.search(line)])
        # The switcher offers Kyrgyz here, and marks it as the current language.
        assert SWITCH_TO_KY in html and 'aria-current="true"' in html
        assert "manifest.ru.webmanifest" in html  # the installable app's manifest is in a full language
    index = client.get(pages[0]).content.decode()
    assert "Билим китепканасы" in index and "Кирүү" in index  # Knowledge commons, Sign in: Kyrgyz words


def test_the_item_labels_of_a_card_are_kyrgyz(client, commons_scene):
    """A card is marked with its item's language; its type, country and licence are still the page's."""
    response = _as_kyrgyz_visitor(client).get(reverse("commons:detail", args=[commons_scene.published.public_id]))
    html = response.content.decode()
    assert "Колдонмо" in html and "Казакстан" in html  # Guide, Kazakhstan
    assert "Нұсқаулық" not in html


@pytest.mark.parametrize("url_name", ["accounts:login", "commons:feed"])
def test_elsewhere_a_kyrgyz_visitor_reads_russian_and_is_not_offered_kyrgyz(client, db, url_name):
    response = _as_kyrgyz_visitor(client).get(reverse(url_name))
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "ru"
    if url_name == "accounts:login":
        html = response.content.decode()
        assert read_visible_text(html)[0] == "ru"
        assert SWITCH_TO_KY not in html


def test_a_signed_in_user_keeps_their_language_and_is_not_offered_kyrgyz(client, programme_cast):
    client.force_login(programme_cast.aigerim)
    response = _as_kyrgyz_visitor(client).get(reverse("commons:index"))
    html = response.content.decode()
    assert read_visible_text(html)[0] == programme_cast.aigerim.language
    assert SWITCH_TO_KY not in html


def test_kyrgyz_is_a_visitors_choice_kept_in_the_cookie_only(client, programme_cast):
    response = client.post(reverse("accounts:language-set"), {"language": "ky", "next": reverse("commons:index")})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ky"
    client.force_login(programme_cast.olzhas)
    response = client.post(reverse("accounts:language-set"), {"language": "ky", "next": "/"})
    programme_cast.olzhas.refresh_from_db()
    assert programme_cast.olzhas.language in dict(settings.LANGUAGES)
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_kyrgyz_formats_and_content_fallback():
    with translation.override("ky"):
        assert format_decimal(12345.6, 1) == "12\xa0345,6"
        assert formats.date_format(datetime.date(2026, 11, 23), "SHORT_DATE_FORMAT") == "23.11.2026"
        assert formats.date_format(datetime.date(2026, 11, 23), "DATE_FORMAT").endswith("2026 ж.")
    # Staff-written text in {kk, ru, en}: a Kyrgyz reader gets the ky text when there is one, else Russian.
    assert localized({"kk": "Мектеп", "ru": "Школа", "en": "School"}, "ky") == "Школа"
    assert localized({"kk": "Мектеп", "ru": "Школа", "ky": "Мектеп (ky)"}, "ky") == "Мектеп (ky)"
    assert localized({"kk": "Мектеп", "ru": "Школа"}, "en") == "Мектеп"  # the full languages as before
