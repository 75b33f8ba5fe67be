"""The survey pages: building in three languages, answering with autosave, results and exports."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from shamy.analytics.models import AnalyticsSettings
from shamy.surveys.models import Question, Response, Survey

pytestmark = pytest.mark.django_db


def kk(message: str, **values: object) -> str:
    """What the (Kazakh by default) pages show for ``message``."""
    with translation.override("kk"):
        text = translation.gettext(message)
    return text % values if values else text


def test_coordinator_builds_a_survey_in_three_languages(client, programme_cast):
    c = programme_cast
    client.force_login(c.aliya)
    response = client.post(
        reverse("surveys:survey-create", args=[c.programme.pk]),
        {
            "title_kk": "Мұғалім сауалнамасы",
            "title_ru": "Анкета учителя",
            "title_en": "Teacher survey",
            "phase": "pre",
            "audience_role": "teacher",
            "opens_at": "2025-01-01T09:00",
            "closes_at": "2035-01-01T09:00",
        },
    )
    survey = Survey.objects.get()
    assert response.status_code == 302 and survey.title["ru"] == "Анкета учителя"
    response = client.post(
        reverse("surveys:question-add", args=[survey.pk]),
        {
            "kind": "single",
            "text_kk": "Сіз қай жақтансыз?",
            "text_ru": "Откуда вы?",
            "text_en": "Where are you from?",
            "choices": "Ауыл | Село | Village\nҚала | Город | City",
            "required": "on",
        },
    )
    question = Question.objects.get()
    assert question.choices == [
        {"code": "village", "label": {"kk": "Ауыл", "ru": "Село", "en": "Village"}},
        {"code": "city", "label": {"kk": "Қала", "ru": "Город", "en": "City"}},
    ]
    page = client.get(reverse("surveys:survey-detail", args=[survey.pk]), HTTP_ACCEPT_LANGUAGE="ru")
    assert "Откуда вы?" in page.content.decode() or "Сіз қай жақтансыз?" in page.content.decode()


def test_teacher_answers_with_autosave_then_submits(client, programme_cast, survey_scene):
    c, scene = programme_cast, survey_scene
    client.force_login(c.talgat)
    url = reverse("surveys:respond", args=[scene.pre.pk])
    saved = client.post(url, {f"q{scene.likert.pk}": "4", "save": "1"}, HTTP_HX_REQUEST="true")
    assert saved.status_code == 200 and kk("Saved at %(time)s", time="").strip() in saved.content.decode()
    draft = Response.objects.get(survey=scene.pre)
    assert draft.submitted_on is None and draft.answers.get().number == 4
    # Coming back shows the draft as it was left.
    page = client.get(url).content.decode()
    assert f'name="q{scene.likert.pk}" value="4" checked' in page
    missing = client.post(url, {f"q{scene.likert.pk}": "4", "submit": "1"})
    assert missing.status_code == 200 and 'role="alert"' in missing.content.decode()
    done = client.post(
        url,
        {
            f"q{scene.likert.pk}": "4",
            f"q{scene.single.pk}": "no",
            f"q{scene.number.pk}": "6",
            f"q{scene.matrix.pk}_research": "3",
            f"q{scene.matrix.pk}_leadership": "5",
            "submit": "1",
        },
    )
    assert done.status_code == 200
    draft.refresh_from_db()
    assert draft.submitted_on is not None
    again = client.get(url).content.decode()
    assert kk("You have already answered this survey. Thank you.") in again


def test_public_link_answers_anonymously(client, survey_scene):
    scene = survey_scene
    url = reverse("surveys:public-respond", args=[scene.anonymous.public_token])
    assert client.get(url).status_code == 200
    client.post(url, {f"q{scene.anonymous_likert.pk}": "3", "submit": "1"})
    response = Response.objects.get(survey=scene.anonymous)
    assert response.submitted_on is not None and response.respondent is None and response.role == "public"
    assert kk("You have already answered this survey. Thank you.") in client.get(url).content.decode()


def test_anonymous_results_never_name_anyone(client, programme_cast, survey_scene):
    c, scene = programme_cast, survey_scene
    AnalyticsSettings.objects.create(pk=1, suppression_threshold=1)
    client.force_login(c.talgat)
    client.post(
        reverse("surveys:respond", args=[scene.anonymous.pk]), {f"q{scene.anonymous_likert.pk}": "5", "submit": "1"}
    )
    client.force_login(c.aliya)
    page = client.get(reverse("surveys:results", args=[scene.anonymous.pk])).content.decode()
    assert kk("Responses: %(n)s", n=1) in page
    for name in ("Талғат", "Әбенов", "talgat@example.kz"):
        assert name not in page
    export = client.get(reverse("surveys:results-export", args=[scene.anonymous.pk, "csv"])).content.decode()
    assert "Талғат" not in export and "talgat" not in export


def test_small_anonymous_group_is_suppressed_on_the_page_and_in_exports(client, programme_cast, survey_scene):
    c, scene = programme_cast, survey_scene
    client.force_login(c.talgat)
    client.post(
        reverse("surveys:respond", args=[scene.anonymous.pk]), {f"q{scene.anonymous_likert.pk}": "5", "submit": "1"}
    )
    client.force_login(c.nurlan)
    page = client.get(reverse("surveys:results", args=[scene.anonymous.pk])).content.decode()
    assert 'id="suppressed-notice"' in page
    export = client.get(reverse("surveys:results-export", args=[scene.anonymous.pk, "csv"])).content.decode()
    assert kk("suppressed") in export


def test_survey_list_query_count_is_constant(client, programme_cast, django_assert_num_queries):
    from shamy.surveys.testing import build_survey_scene

    c = programme_cast
    build_survey_scene(c)
    client.force_login(c.aliya)
    client.get(reverse("surveys:survey-list"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as three:
        client.get(reverse("surveys:survey-list"))
    build_survey_scene(c)
    build_survey_scene(c)
    with CaptureQueriesContext(connection) as nine:
        client.get(reverse("surveys:survey-list"))
    assert len(three) == len(nine)
