"""The audit log page: system administrators only, filters, constant query count."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from shamy.audit.models import AuditEntry
from shamy.audit.selectors import audit_entry_list
from shamy.audit.services.entries import audit_record, snapshot
from shamy.core.testing.cast import PERSONAS
from shamy.core.testing.fuzz import query_fuzz_test
from shamy.core.testing.matrix import Expect, Row, matrix_test

pytestmark = pytest.mark.django_db


def _client(client, cast, persona):
    user = cast.user(persona)
    if user is not None:
        client.force_login(user)
    return client


expect = Expect(PERSONAS)
MATRIX = [
    Row("audit:entry-list", lambda c: reverse("audit:entry-list"), expect.each(403, aigerim=200)),
]
test_audit_view_permission_matrix = matrix_test(MATRIX, PERSONAS)
test_audit_query_parameters = query_fuzz_test(MATRIX, PERSONAS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_audit_selector_is_empty_for_everyone_but_system_admins(cast, persona):
    audit_record(actor=cast.aigerim, action="registry.school.updated", target=cast.school_a1)
    visible = audit_entry_list(actor=cast.user(persona), filters={}).count()
    assert visible == (1 if persona == "aigerim" else 0)


@pytest.mark.parametrize("persona", PERSONAS)
def test_audit_menu_entry_only_for_system_admins(client, cast, persona):
    if persona == "anonymous":
        page = client.get(reverse("accounts:login")).content.decode()
    else:
        page = _client(client, cast, persona).get(reverse("home:home")).content.decode()
    assert (reverse("audit:entry-list") in page) == (persona == "aigerim")


def _entries(cast) -> dict[str, AuditEntry]:
    entries = {
        "school": audit_record(
            actor=cast.aigerim,
            action="registry.school.updated",
            target=cast.school_a1,
            before={"pupils": 40},
            after={"pupils": 46},
        ),
        "membership": audit_record(actor=cast.dana, action="accounts.membership.granted", target=cast.region_b),
        "system": audit_record(actor=None, action="registry.import.committed", target_label="schools.xlsx"),
    }
    # Spread them over three days to test the date filters.
    now = timezone.now()
    for days, entry in zip((10, 5, 0), entries.values(), strict=True):
        AuditEntry.objects.filter(pk=entry.pk).update(created_at=now - datetime.timedelta(days=days))
    return entries


def _listed(client, **params) -> list[int]:
    response = client.get(reverse("audit:entry-list"), params)
    assert response.status_code == 200
    return [entry.pk for entry in response.context["page"]]


def test_audit_filters(client, cast):
    entries = _entries(cast)
    ids = {name: entry.pk for name, entry in entries.items()}
    _client(client, cast, "aigerim")
    today = timezone.localdate()
    assert _listed(client) == [ids["system"], ids["membership"], ids["school"]]
    assert _listed(client, action="registry.") == [ids["system"], ids["school"]]
    assert _listed(client, action="accounts.membership") == [ids["membership"]]
    assert _listed(client, actor="dana@example") == [ids["membership"]]
    assert _listed(client, actor="system") == [ids["system"]]
    assert _listed(client, target="schools.xlsx") == [ids["system"]]
    assert _listed(client, target=cast.school_a1.name_kk) == [ids["school"]]
    assert _listed(client, target=str(cast.school_a1.pk)) == [ids["school"]]
    # Kazakh and Russian letters in any case, on SQLite too (its LIKE folds only ASCII).
    assert _listed(client, actor="АЙГЕРІМ") == [ids["school"]]
    assert _listed(client, actor="айгерім") == [ids["school"]]
    assert _listed(client, target=cast.school_a1.name_kk.upper()) == [ids["school"]]
    assert _listed(client, target=cast.school_a1.name_kk.lower()) == [ids["school"]]
    since = (today - datetime.timedelta(days=6)).isoformat()
    until = (today - datetime.timedelta(days=1)).isoformat()
    assert _listed(client, since=since) == [ids["system"], ids["membership"]]
    assert _listed(client, until=until) == [ids["membership"], ids["school"]]
    assert _listed(client, since=since, until=until) == [ids["membership"]]
    assert _listed(client, action="registry.", since=since) == [ids["system"]]
    # A malformed date is ignored rather than breaking the page.
    assert len(_listed(client, since="not-a-date")) == 3


def test_audit_page_shows_changed_fields(client, cast):
    _entries(cast)
    page = _client(client, cast, "aigerim").get(reverse("audit:entry-list")).content.decode()
    assert "registry.school.updated" in page
    assert "<code>pupils</code>: <code>40</code> → <code>46</code>" in page


def test_audit_page_names_an_entry_without_a_person_in_the_readers_language(client, cast):
    from shamy.audit.services.entries import audit_record

    audit_record(actor=None, action="registry.demo.loaded", target=None)
    page = _client(client, cast, "aigerim").get(reverse("audit:entry-list")).content.decode()
    assert "Жүйе (автоматты түрде)" in page  # aigerim reads Kazakh
    assert ">system<" not in page


def test_audit_page_htmx_request_returns_only_the_rows(client, cast):
    _entries(cast)
    response = _client(client, cast, "aigerim").get(reverse("audit:entry-list"), HTTP_HX_REQUEST="true")
    assert [template.name for template in response.templates][0] == "audit/_entry_rows.html"
    assert "<html" not in response.content.decode()


def test_audit_list_query_count_is_constant(client, cast, django_assert_num_queries):
    _client(client, cast, "aigerim")
    url = reverse("audit:entry-list")
    for n in range(2):
        audit_record(actor=cast.aigerim, action="registry.school.updated", target=cast.school_a1, after={"n": n})
    client.get(url)
    with django_assert_num_queries(5) as small:  # session, user, memberships, count, rows
        client.get(url)
    targets = [cast.school_a2, cast.region_a, cast.teacher_a1, cast.dana]
    for n in range(18):
        audit_record(actor=cast.dana, action="registry.school.updated", target=targets[n % 4], after={"n": n})
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"]) == 20


def test_snapshot_skips_secrets_and_makes_values_json_ready(cast):
    data = snapshot(cast.dana)
    assert data is not None
    assert "password" not in data
    assert data["email"] == "dana@example.kz"
    assert isinstance(data["date_joined"], str)
    assert snapshot(None) is None
    assert snapshot(cast.school_a1, ["pupils", "search_text"]) == {"pupils": 46}
