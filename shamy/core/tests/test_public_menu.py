"""Visitors who are not signed in find the public pages from the menu."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shamy.analytics.models import AnalyticsSettings

pytestmark = pytest.mark.django_db


def test_anonymous_menu_links_published_projects_only(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert reverse("portfolios:public-list") in page
    assert reverse("registry:school-list") not in page
    assert reverse("analytics:public") not in page


def test_anonymous_menu_links_public_analytics_once_switched_on(client):
    AnalyticsSettings.objects.update_or_create(pk=1, defaults={"public_enabled": True})
    page = client.get(reverse("accounts:login")).content.decode()
    assert reverse("analytics:public") in page


def test_pages_open_in_kazakh_whatever_the_browser_asks(client):
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9,en;q=0.8")
    assert '<html lang="kk">' in page.content.decode()


def test_the_language_cookie_still_chooses(client):
    client.cookies["shamy_language"] = "ru"
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="ru">' in page.content.decode()
