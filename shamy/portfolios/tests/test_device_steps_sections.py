"""The offline queue's batches of step updates and section texts (``POST
/api/v1/portfolios/step-updates`` and ``…/section-texts``, issue 13): each key once; of two changes
the one made later on its device stands, the other is answered "conflict" and audited; an
overruled section text is kept as its writer's draft."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from shamy.accounts.services.users import api_token_create
from shamy.audit.models import AuditEntry
from shamy.offline.models import AppliedKey
from shamy.portfolios.models import Draft, PortfolioSection, ProjectStep
from shamy.portfolios.services import portfolios as portfolio_services
from shamy.portfolios.services import projects
from shamy.portfolios.tests.conftest import make_project, submit_directly

pytestmark = pytest.mark.django_db
STEPS = "/api/v1/portfolios/step-updates"
SECTIONS = "/api/v1/portfolios/section-texts"
COVERED_URL_NAMES = {"api:step-update-batch", "api:section-text-batch"}


def _bearer(user) -> dict[str, str]:
    _token, raw = api_token_create(actor=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _post(client, url, body, headers=None):
    return client.post(url, json.dumps(body), content_type="application/json", **(headers or {}))


def _ago(**delta) -> str:
    return (timezone.now() - datetime.timedelta(**delta)).isoformat()


@pytest.fixture
def project(programme_cast):
    c = programme_cast
    project = make_project(c.talgat, c.cohort_a)
    project.collaborators.add(c.person_timur)
    return project


@pytest.fixture
def step(programme_cast, project):
    return projects.step_add(
        actor=programme_cast.talgat, project=project, title="Сабақты бақылау", due_on=timezone.localdate()
    )


def test_a_step_update_sent_twice_is_applied_once_on_the_devices_date(client, programme_cast, step):
    c = programme_cast
    at = timezone.now() - datetime.timedelta(days=1, hours=1)
    body = {"updates": [{"key": str(uuid.uuid4()), "step": step.pk, "done": True, "device_time": at.isoformat()}]}
    headers = _bearer(c.talgat)
    first = _post(client, STEPS, body, headers).json()["results"][0]
    second = _post(client, STEPS, body, headers).json()["results"][0]
    assert (first["outcome"], first["done"], second["outcome"], second["first_outcome"]) == (
        "applied",
        True,
        "duplicate",
        "applied",
    )
    step.refresh_from_db()
    assert (step.done_on, step.done_changed_at, step.done_changed_by) == (timezone.localdate(at), at, c.talgat)
    audits = AuditEntry.objects.filter(action="portfolios.step.updated", target_id=str(step.pk))
    assert audits.count() == 1
    after = audits.get().after
    assert after is not None and after["done_changed_at"] == at.isoformat() and "received_at" in after
    assert AppliedKey.objects.filter(user=c.talgat, kind="portfolios.step_update").count() == 1


def test_the_later_step_change_stands_whatever_order_and_both_are_audited(client, programme_cast, step):
    c = programme_cast
    later = {"key": str(uuid.uuid4()), "step": step.pk, "done": False, "device_time": _ago(hours=1)}
    earlier = {"key": str(uuid.uuid4()), "step": step.pk, "done": True, "device_time": _ago(hours=2)}
    assert _post(client, STEPS, {"updates": [later]}, _bearer(c.timur)).json()["results"][0]["outcome"] == "applied"
    answer = _post(client, STEPS, {"updates": [earlier]}, _bearer(c.talgat)).json()["results"][0]
    assert answer["outcome"] == "conflict" and answer["done"] is False
    assert c.timur.get_full_name() in answer["detail"]
    step.refresh_from_db()
    assert step.done_on is None and step.done_changed_by == c.timur
    assert AuditEntry.objects.filter(action="portfolios.step.update_overruled", target_id=str(step.pk)).count() == 1


def test_a_tap_online_counts_at_the_servers_time(client, programme_cast, step):
    c = programme_cast
    queued = {"key": str(uuid.uuid4()), "step": step.pk, "done": True, "device_time": _ago(minutes=30)}
    projects.step_mark_done(actor=c.timur, step=step, done=False)  # online, after the offline tap
    answer = _post(client, STEPS, {"updates": [queued]}, _bearer(c.talgat)).json()["results"][0]
    assert answer["outcome"] == "conflict"
    assert ProjectStep.objects.get(pk=step.pk).done_on is None


def test_a_step_of_someone_elses_project_is_refused_and_not_kept(client, programme_cast, step):
    c = programme_cast
    body = {"updates": [{"key": str(uuid.uuid4()), "step": step.pk, "done": True, "device_time": _ago(hours=1)}]}
    answer = _post(client, STEPS, body, _bearer(c.aliya)).json()["results"][0]
    assert answer["outcome"] == "refused" and answer["detail"]
    assert not AppliedKey.objects.exists()
    assert ProjectStep.objects.get(pk=step.pk).done_on is None


def _section(project) -> PortfolioSection:
    return project.portfolio.sections.order_by("order", "pk").first()


def test_a_section_text_sent_twice_is_saved_once(client, programme_cast, project):
    c = programme_cast
    section = _section(project)
    text = {
        "key": str(uuid.uuid4()),
        "section": section.pk,
        "body": "Офлайн жазылған мәтін.",
        "device_time": _ago(hours=2),
    }
    headers = _bearer(c.talgat)
    first = _post(client, SECTIONS, {"texts": [text]}, headers).json()["results"][0]
    second = _post(client, SECTIONS, {"texts": [text]}, headers).json()["results"][0]
    assert (first["outcome"], second["outcome"], second["version"]) == ("applied", "duplicate", first["version"])
    section.refresh_from_db()
    assert (section.body, section.version, section.updated_by) == ("Офлайн жазылған мәтін.", 2, c.talgat)
    assert AuditEntry.objects.filter(action="portfolios.section.updated", target_id=str(section.pk)).count() == 1


def test_an_earlier_section_text_is_kept_as_a_draft_and_the_editor_restores_it(client, programme_cast, project):
    c = programme_cast
    section = _section(project)
    offline = {"key": str(uuid.uuid4()), "section": section.pk, "body": "Менің нұсқам.", "device_time": _ago(hours=3)}
    # Timur saves online after Talgat wrote offline: Timur's text stands.
    portfolio_services.section_save(actor=c.timur, section=section, body="Тимурдың нұсқасы.", version=1)
    answer = _post(client, SECTIONS, {"texts": [offline]}, _bearer(c.talgat)).json()["results"][0]
    assert answer["outcome"] == "conflict" and c.timur.get_full_name() in answer["detail"]
    section.refresh_from_db()
    assert section.body == "Тимурдың нұсқасы."
    assert Draft.objects.get(user=c.talgat, key=f"section:{section.pk}").text == "Менің нұсқам."
    assert AuditEntry.objects.filter(action="portfolios.section.update_overruled").count() == 1
    client.force_login(c.talgat)
    page = client.get(reverse("portfolios:section-edit", args=[section.pk])).content.decode()
    assert "Менің нұсқам." in page


def test_a_section_of_a_portfolio_submitted_meanwhile_is_refused(client, programme_cast, project):
    c = programme_cast
    section = _section(project)
    submit_directly(project)
    text = {"key": str(uuid.uuid4()), "section": section.pk, "body": "Кеш жетті.", "device_time": _ago(hours=1)}
    answer = _post(client, SECTIONS, {"texts": [text]}, _bearer(c.talgat)).json()["results"][0]
    assert answer["outcome"] == "refused" and answer["detail"]
    assert PortfolioSection.objects.get(pk=section.pk).body != "Кеш жетті."
    assert not AppliedKey.objects.exists()


def test_the_session_needs_the_csrf_token_and_an_anonymous_caller_is_refused(programme_cast, step):
    from django.test import Client

    anonymous = Client(enforce_csrf_checks=True)
    body = {"updates": [{"key": str(uuid.uuid4()), "step": step.pk, "done": True, "device_time": _ago(hours=1)}]}
    assert _post(anonymous, STEPS, body).status_code in (401, 403)
    anonymous.force_login(programme_cast.talgat)
    assert _post(anonymous, STEPS, body).status_code in (401, 403)
    assert ProjectStep.objects.get(pk=step.pk).done_on is None


def test_a_batch_over_the_limit_is_refused_whole(client, programme_cast, step):
    body = {
        "updates": [
            {"key": str(uuid.uuid4()), "step": step.pk, "done": True, "device_time": _ago(hours=1)} for _ in range(201)
        ]
    }
    assert _post(client, STEPS, body, _bearer(programme_cast.talgat)).status_code == 422
    assert not AppliedKey.objects.exists()
