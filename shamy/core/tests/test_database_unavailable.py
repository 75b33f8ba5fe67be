"""A locked or unreachable database answers 503 with Retry-After, and loses nothing typed.

The lock is real: a second connection holds the write lock (``shamy.core.testing.locks``), as a
long import in another process would.
"""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from shamy.accounts.models import ApiToken, User
from shamy.accounts.services.users import api_token_create
from shamy.core.testing.locks import database_write_locked
from shamy.core.views import server_error
from shamy.registry.models import Region

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def teacher() -> User:
    return User.objects.create_user("teacher@example.kz", "pw", full_name="Айгүл Сейтова")


def test_a_form_sent_during_a_write_lock_answers_503_and_keeps_every_typed_field(client, teacher):
    client.force_login(teacher)
    typed = {"language": "ru", "next": "/registry/schools/?q=Әлия мектебі"}
    with database_write_locked(tables=(User._meta.db_table,)):
        response = client.post(reverse("accounts:language-set"), typed)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    page = response.content.decode()
    assert 'class="site-header"' in page  # the site's layout, not a bare error
    assert f'<form method="post" action="{reverse("accounts:language-set")}">' in page
    assert '<input type="hidden" name="language" value="ru">' in page
    assert '<input type="hidden" name="next" value="/registry/schools/?q=Әлия мектебі">' in page
    assert 'name="csrfmiddlewaretoken"' in page
    with translation.override("kk"):
        assert translation.gettext("Send again") in page
    teacher.refresh_from_db()
    assert teacher.language != "ru"  # nothing was half-saved

    # Sent again once the lock is gone, the same fields go through.
    resent = client.post(reverse("accounts:language-set"), typed)
    assert resent.status_code == 302
    teacher.refresh_from_db()
    assert teacher.language == "ru"


def test_an_htmx_request_during_a_lock_gets_the_block_swapped_into_the_page(client, teacher):
    client.force_login(teacher)
    with database_write_locked(tables=(User._meta.db_table,)):
        response = client.post(reverse("accounts:language-set"), {"language": "en"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 503
    assert response["HX-Retarget"] == "#main"
    assert response["Retry-After"] == "10"
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert '<input type="hidden" name="language" value="en">' in fragment


def test_an_error_outside_a_view_is_a_503_too(teacher):
    # Django hands errors raised by middleware (a session saved during a lock) to handler500.
    request = RequestFactory().post("/portfolios/1/entries/new", {"title": "Сабақ жоспары"})
    with database_write_locked(tables=(User._meta.db_table,)):
        try:
            with transaction.atomic():
                User.objects.filter(pk=teacher.pk).update(full_name="Айгерім")
        except OperationalError:
            response = server_error(request)
        else:
            pytest.fail("the write lock did not block the write")
    assert response.status_code == 503
    assert '<input type="hidden" name="title" value="Сабақ жоспары">' in response.content.decode()


def test_a_token_read_is_not_failed_or_held_up_by_recording_the_tokens_last_use(client, cast):
    token, raw = api_token_create(actor=cast.dana, name="dashboard")
    assert token.last_used_at is None
    with database_write_locked(tables=(ApiToken._meta.db_table,)):
        started = time.monotonic()
        response = client.get(reverse("api:region-list"), HTTP_AUTHORIZATION=f"Bearer {raw}")
        elapsed = time.monotonic() - started
    assert response.status_code == 200, response.content
    assert len(response.json()) == 2  # the cast's two regions
    assert elapsed < 5  # the bookkeeping write gave up at once, not after the 20 s busy timeout
    token.refresh_from_db()
    assert token.last_used_at is None  # skipped under the lock, recorded on a later call
    client.get(reverse("api:region-list"), HTTP_AUTHORIZATION=f"Bearer {raw}")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_an_api_call_the_database_cannot_answer_gets_a_json_503(client, cast):
    _token, raw = api_token_create(actor=cast.dana, name="dashboard")
    with database_write_locked(tables=(ApiToken._meta.db_table,), block_reads_of=(Region._meta.db_table,)):
        response = client.get(reverse("api:region-list"), HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert response["Retry-After"] == "10"
    assert response.json()["code"] == "unavailable"


def test_a_writer_waits_a_bounded_time_for_a_lock_on_either_database():
    # SQLite's busy timeout and PostgreSQL's lock_timeout: past it the request answers 503 with
    # the form kept, instead of hanging until the proxy drops it.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == settings.DB_LOCK_TIMEOUT_SECONDS * 1000
        else:
            cursor.execute("SHOW lock_timeout")
            assert cursor.fetchone()[0] == f"{settings.DB_LOCK_TIMEOUT_SECONDS}s"
            # and the JIT compiler off for our short queries (settings, DB_JIT)
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
    assert settings.DB_LOCK_TIMEOUT_SECONDS == 20
