"""The offline queue's batch of journal entries (``POST /api/v1/portfolios/journal-entries``,
issue 13): each key once; an entry for a project that moved stage meanwhile is kept with a note."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shamy.accounts.services.users import api_token_create
from shamy.audit.models import AuditEntry
from shamy.offline.models import AppliedKey
from shamy.portfolios.models import JournalEntry
from shamy.portfolios.services import projects
from shamy.portfolios.tests.conftest import make_project, stage

pytestmark = pytest.mark.django_db
URL = "/api/v1/portfolios/journal-entries"
COVERED_URL_NAMES = {"api:journal-entry-batch"}


def _bearer(user) -> dict[str, str]:
    _token, raw = api_token_create(actor=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _entry(project, text="Бүгін сабақта топтық жұмыс болды.", *, key=None, at=None, stage_id=None):
    return {
        "key": str(key or uuid.uuid4()),
        "project": project.pk,
        "text": text,
        "device_time": (at or timezone.now() - datetime.timedelta(hours=3)).isoformat(),
        "stage": stage_id if stage_id is not None else project.stage_id,
    }


def _post(client, body, headers=None):
    return client.post(URL, json.dumps(body), content_type="application/json", **(headers or {}))


def test_an_entry_sent_twice_is_kept_once_with_device_and_server_time(client, programme_cast):
    c = programme_cast
    project = make_project(c.talgat, c.cohort_a)
    at = timezone.now() - datetime.timedelta(days=1, hours=2)
    body = {"entries": [_entry(project, at=at)]}
    headers = _bearer(c.talgat)
    first = _post(client, body, headers).json()["results"][0]
    second = _post(client, body, headers).json()["results"][0]
    assert first["outcome"] == "applied" and second["outcome"] == "duplicate"
    assert second["entry"] == first["entry"]
    entry = JournalEntry.objects.get(project=project)
    assert (entry.written_on, entry.written_on_device_at, entry.author) == (timezone.localdate(at), at, c.talgat)
    assert entry.arrived_at_stage is None
    audit = AuditEntry.objects.get(action="portfolios.journal_entry.created", target_id=str(entry.pk))
    assert audit.after is not None
    assert audit.after["written_on_device_at"] == at.isoformat() and "received_at" in audit.after
    assert AppliedKey.objects.filter(user=c.talgat).count() == 1


def test_an_entry_for_a_project_that_moved_stage_is_kept_with_a_note(client, programme_cast):
    c = programme_cast
    project = make_project(c.talgat, c.cohort_a)
    seen = project.stage
    queued = _entry(project, stage_id=seen.pk)  # written offline at the first stage
    projects.project_move_stage(actor=c.talgat, project=project, stage=stage(c, "values"))  # on another device
    result = _post(client, {"entries": [queued]}, _bearer(c.talgat)).json()["results"][0]
    assert result["outcome"] == "applied" and stage(c, "values").title_kk in result["detail"]
    entry = JournalEntry.objects.get(project=project)
    assert (entry.written_at_stage, entry.arrived_at_stage) == (seen, stage(c, "values"))
    client.force_login(c.talgat)
    page = client.get(reverse("portfolios:project-detail", args=[project.pk])).content.decode()
    # The note, in the reader's language (Kazakh by default), naming both stages.
    note = f"Офлайн режимде «{seen.title_kk}» кезеңінде жазылды; жеткен кезде жоба «{stage(c, 'values').title_kk}»"
    assert note in page


def test_who_may_send_entries_is_who_may_write_in_the_journal(client, programme_cast):
    c = programme_cast
    project = make_project(c.talgat, c.cohort_a)
    outcomes = {}
    for name in ("talgat", "timur", "tomiris", "olzhas"):
        result = _post(client, {"entries": [_entry(project)]}, _bearer(c.user(name))).json()["results"][0]
        outcomes[name] = result["outcome"]
    assert outcomes == {"talgat": "applied", "timur": "refused", "tomiris": "refused", "olzhas": "refused"}
    assert JournalEntry.objects.filter(project=project).count() == 1
    assert _post(client, {"entries": [_entry(project)]}).status_code == 401


def test_the_session_needs_csrf(programme_cast):
    c = programme_cast
    project = make_project(c.talgat, c.cohort_a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(c.talgat)
    assert _post(client, {"entries": [_entry(project)]}).status_code == 403
    assert not JournalEntry.objects.exists()
