"""Survey answers queued offline (``POST /api/v1/surveys/answers``, issue 13): each key applied
once, through the one offline mechanism; a survey closed meanwhile refuses; answers sent after a
first submission are a conflict (the first stand). And a property (hypothesis): however a
device's batches arrive (duplicated, reordered), the responses end as if sent once in order."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from shamy.accounts.services.users import api_token_create
from shamy.audit.models import AuditEntry
from shamy.offline.models import AppliedKey
from shamy.surveys.models import Answer, Response, SurveyStatus
from shamy.surveys.services.device import DeviceAnswer, answers_from_device
from shamy.surveys.services.surveys import survey_set_status

pytestmark = pytest.mark.django_db
URL = "/api/v1/surveys/answers"
COVERED_URL_NAMES = {"api:survey-answer-batch"}


def _fields(scene, likert=4):
    return {
        f"q{scene.likert.pk}": [str(likert)],
        f"q{scene.single.pk}": ["no"],
        f"q{scene.number.pk}": ["3"],
        f"q{scene.matrix.pk}_research": ["3"],
        f"q{scene.matrix.pk}_leadership": ["4"],
    }


def _bearer(user) -> dict[str, str]:
    _token, raw = api_token_create(actor=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _post(client, body, headers):
    return client.post(URL, json.dumps(body), content_type="application/json", **headers)


def _item(scene, *, key=None, likert=4, submit=True, hours=2):
    return {
        "key": str(key or uuid.uuid4()),
        "survey": scene.pre.pk,
        "fields": _fields(scene, likert),
        "submit": submit,
        "device_time": (timezone.now() - datetime.timedelta(hours=hours)).isoformat(),
    }


def test_answers_sent_twice_are_submitted_once_with_the_device_time(client, programme_cast, survey_scene):
    c, scene = programme_cast, survey_scene
    body = {"answers": [_item(scene)]}
    headers = _bearer(c.talgat)
    first = _post(client, body, headers).json()["results"][0]
    second = _post(client, body, headers).json()["results"][0]
    assert (first["outcome"], second["outcome"], second["first_outcome"]) == ("applied", "duplicate", "applied")
    response = Response.objects.get(survey=scene.pre, respondent=c.talgat)
    assert response.submitted_on is not None
    assert Answer.objects.get(response=response, question=scene.likert).number == 4
    audit = AuditEntry.objects.get(action="surveys.response.submitted")
    assert audit.after is not None and audit.after["device_at"] == body["answers"][0]["device_time"]
    assert "received_at" in audit.after
    assert AppliedKey.objects.filter(user=c.talgat, kind="surveys.answer").count() == 1


def test_answers_after_a_first_submission_are_a_conflict(client, programme_cast, survey_scene):
    c, scene = programme_cast, survey_scene
    headers = _bearer(c.talgat)
    assert _post(client, {"answers": [_item(scene, likert=2)]}, headers).json()["results"][0]["outcome"] == "applied"
    other_phone = _post(client, {"answers": [_item(scene, likert=5)]}, headers).json()["results"][0]
    assert other_phone["outcome"] == "conflict" and other_phone["detail"]
    assert Answer.objects.get(question=scene.likert).number == 2
    assert AuditEntry.objects.filter(action="surveys.response.submitted").count() == 1


def test_a_survey_closed_meanwhile_or_incomplete_answers_are_refused(client, programme_cast, survey_scene):
    c, scene = programme_cast, survey_scene
    headers = _bearer(c.talgat)
    incomplete = _item(scene)
    incomplete["fields"] = {f"q{scene.single.pk}": ["no"]}
    assert _post(client, {"answers": [incomplete]}, headers).json()["results"][0]["outcome"] == "refused"
    survey_set_status(actor=c.aliya, survey=scene.pre, status=SurveyStatus.CLOSED)
    closed = _post(client, {"answers": [_item(scene)]}, headers).json()["results"][0]
    assert closed["outcome"] == "refused" and closed["detail"]
    assert not Response.objects.filter(survey=scene.pre, submitted_on__isnull=False).exists()
    assert not AppliedKey.objects.exists()


def test_someone_outside_the_audience_is_refused(client, programme_cast, survey_scene):
    c, scene = programme_cast, survey_scene
    answer = _post(client, {"answers": [_item(scene)]}, _bearer(c.timur)).json()["results"][0]
    assert answer["outcome"] == "refused"
    assert not Response.objects.exists()


# --- Property: duplicated and reordered batches -------------------------------------------------

BASE = timezone.now().replace(microsecond=0) - datetime.timedelta(days=1)
# (likert point, submit?, key): each device sends drafts and at most one submission.
item = st.tuples(st.integers(1, 5), st.booleans(), st.uuids())
batch = st.lists(item, min_size=1, max_size=3)


@st.composite
def deliveries(draw):
    batches = draw(st.lists(batch, min_size=1, max_size=4))
    again = draw(st.lists(st.integers(min_value=0, max_value=len(batches) - 1), max_size=4))
    order = draw(st.permutations([*range(len(batches)), *again]))
    return batches, order


def _send(c, scene, batches, order):
    for index in order:
        answers_from_device(
            actor=c.talgat,
            items=[
                DeviceAnswer(key, scene.pre.pk, _fields(scene, likert), BASE + datetime.timedelta(minutes=n), submit)
                for n, (likert, submit, key) in enumerate(batches[index])
            ],
        )
    submitted = [
        (r.submitted_on, sorted((a.question_id, a.number, a.choice) for a in r.answers.all()))
        for r in Response.objects.filter(survey=scene.pre, submitted_on__isnull=False)
    ]
    return submitted, AuditEntry.objects.filter(action="surveys.response.submitted").count()


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(delivery=deliveries())
def test_a_devices_batches_end_as_sent_once_in_order(programme_cast, survey_scene, delivery):
    batches, order = delivery
    keys = [key for items in batches for *_rest, key in items]
    assume(len(set(keys)) == len(keys))
    submissions = [likert for items in batches for likert, submit, _key in items if submit]
    assume(len(submissions) <= 1)  # one device's queue holds at most one submission of a survey
    with transaction.atomic():
        expected = _send(programme_cast, survey_scene, batches, list(range(len(batches))))
        transaction.set_rollback(True)
    with transaction.atomic():
        actual = _send(programme_cast, survey_scene, batches, order)
        transaction.set_rollback(True)
    assert actual == expected
    assert actual[1] == len(submissions)  # submitted, and audited, exactly once (or not at all)
