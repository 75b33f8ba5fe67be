"""The installable app's pieces: a manifest per language, the worker at the root, the queue page,
and the list of pages the worker keeps for a facilitator."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from shamy.attendance.models import GatheringKind
from shamy.attendance.services.gatherings import gathering_cancel, gathering_create
from shamy.offline.views import PAGE_PATTERNS

pytestmark = pytest.mark.django_db
COVERED_URL_NAMES = {"offline:manifest", "offline:service-worker", "offline:queue", "attendance:offline-pages"}


@pytest.mark.parametrize(
    ("language", "name", "description"),
    [
        ("kk", "Шамы", "Қатысу мен жоба күнделіктері, байланыс болмаса да."),
        ("ru", "Шамы", "Посещаемость и журналы проектов, даже без связи."),
        ("en", "Shamy", "Attendance and project journals, also without a connection."),
    ],
)
def test_the_manifest_speaks_each_language_and_needs_no_sign_in(client, language, name, description):
    response = client.get(reverse("offline:manifest", args=[language]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = response.json()
    assert (data["name"], data["description"], data["lang"]) == (name, description, language)
    assert data["display"] == "standalone" and data["scope"] == "/"
    assert {icon["type"] for icon in data["icons"]} == {"image/svg+xml", "image/png"}
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in data["icons"]}
    for icon in data["icons"]:
        assert icon["src"].startswith("/static/offline/")  # self-hosted


def test_an_unknown_manifest_language_is_404(client):
    assert client.get(reverse("offline:manifest", args=["de"])).status_code == 404


def test_each_page_links_the_manifest_of_its_language(client, cast):
    client.force_login(cast.aigerim)
    page = client.get(reverse("home:home"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert f'<link rel="manifest" href="{reverse("offline:manifest", args=["kk"])}">' in page  # aigerim reads kk
    assert 'id="queue-badge"' in page and 'id="logout-form"' in page
    assert f'data-user="{cast.aigerim.pk}"' in page


def test_the_worker_is_served_at_the_root_with_no_cache_and_self_hosted_scripts(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    body = response.content.decode()
    assert 'importScripts("/static/offline/queue-core.js")' in body
    assert re.search(r'var SHELL = "shamy-shell-[0-9a-f]{12}"', body)
    assert json.dumps(PAGE_PATTERNS) in body and r"^/attendance/gatherings/\\d+/attendance/$" in body
    assert "http" not in re.sub(r"//.*", "", body)  # no CDN, no other origin


def test_the_queue_page_needs_sign_in(client, cast):
    url = reverse("offline:queue")
    assert client.get(url).status_code == 302
    client.force_login(cast.olzhas)
    response = client.get(url)
    assert response.status_code == 200
    assert 'id="queue-list"' in response.content.decode()


def test_the_pages_kept_offline_are_the_leads_next_seven_days(client, programme_cast):
    c = programme_cast
    now = timezone.now()

    def session(days: int, lead=c.timur, title="Сессия"):
        start = now + datetime.timedelta(days=days, hours=1)
        return gathering_create(
            actor=lead,
            programme=c.programme,
            cohort=c.cohort_a,
            kind=GatheringKind.IN_SCHOOL,
            title=title,
            school=c.school_a1,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
            leads=[lead],
        )

    today, in_a_week, too_late = session(0), session(6), session(9)
    cancelled = session(2)
    gathering_cancel(actor=c.timur, gathering=cancelled, reason="Жаңбыр")
    url = reverse("attendance:offline-pages")
    client.force_login(c.timur)
    urls = client.get(url).json()["urls"]
    take = [reverse("attendance:attendance-take", args=[g.pk]) for g in (today, in_a_week)]
    assert urls == [reverse("attendance:my-sessions"), reverse("offline:queue"), *take]
    assert reverse("attendance:attendance-take", args=[too_late.pk]) not in urls
    client.force_login(c.talgat)  # a teacher leads nothing: only their own pages
    assert client.get(url).json()["urls"] == [reverse("attendance:my-sessions"), reverse("offline:queue")]
    client.logout()
    assert client.get(url).status_code == 302
