"""The builder after creation (settings, questions, order, skip logic, texts) and the automatic
reminders to those who have not answered."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from shamy.audit.models import AuditEntry
from shamy.surveys.models import Participation, QuestionKind, SurveyStatus
from shamy.surveys.services.reminders import due_for_reminder, survey_reminders_send
from shamy.surveys.services.surveys import (
    question_add,
    question_move,
    question_update,
    survey_remind,
    survey_update,
)
from shamy.surveys.testing import options

pytestmark = pytest.mark.django_db


def test_a_draft_changes_everything_and_is_audited(programme_cast, survey_scene):
    c, draft = programme_cast, survey_scene.draft
    changes = {"title": {"kk": "Жаңа", "ru": "Новая", "en": ""}, "anonymous": True, "public_link": True}
    survey_update(actor=c.aliya, survey=draft, changes=changes)
    draft.refresh_from_db()
    assert draft.title == {"kk": "Жаңа", "ru": "Новая"} and draft.anonymous and draft.public_link
    entry = AuditEntry.objects.get(action="surveys.survey.updated")
    assert entry.before["anonymous"] is False and entry.after["anonymous"] is True


def test_an_open_survey_changes_only_its_texts_and_closing_date(programme_cast, survey_scene):
    c, pre = programme_cast, survey_scene.pre
    closes = pre.closes_at + datetime.timedelta(days=3)
    survey_update(actor=c.aliya, survey=pre, changes={"intro": {"en": "Please answer"}, "closes_at": closes})
    pre.refresh_from_db()
    assert pre.intro == {"en": "Please answer"} and pre.closes_at == closes
    with pytest.raises(ValidationError):
        survey_update(actor=c.aliya, survey=pre, changes={"audience_role": "school_principal"})
    survey_update(actor=c.aliya, survey=pre, changes={"audience_role": pre.audience_role})  # unchanged: fine


def test_a_pre_post_pair_keeps_its_phase_and_anonymity(programme_cast, survey_scene):
    from shamy.surveys.services.surveys import survey_create_post

    c, pre = programme_cast, survey_scene.pre
    now = timezone.now()
    post = survey_create_post(actor=c.aliya, pre=pre, opens_at=now, closes_at=now + datetime.timedelta(days=5))
    with pytest.raises(ValidationError):
        survey_update(actor=c.aliya, survey=post, changes={"anonymous": True})
    with pytest.raises(ValidationError):
        survey_update(actor=c.aliya, survey=pre, changes={"phase": "single"})


def test_question_in_a_draft_changes_kind_and_keeps_its_choice_codes(programme_cast, survey_scene):
    c, draft = programme_cast, survey_scene.draft
    first = question_add(
        actor=c.aliya,
        survey=draft,
        kind=QuestionKind.SINGLE,
        text={"kk": "Бар ма?"},
        choices=options(("Иә", "Да", "Yes"), ("Жоқ", "Нет", "No")),
    )
    relabelled = options(("Әрине", "Конечно", "Of course"), ("Жоқ", "Нет", "No"), ("Білмеймін", "Не знаю", "Unsure"))
    question_update(
        actor=c.aliya, question=first, text={"kk": "Бар ма?", "ru": "Есть?"}, kind="single", choices=relabelled
    )
    first.refresh_from_db()
    assert [item["code"] for item in first.choices] == ["yes", "no", "unsure"]
    assert first.choices[0]["label"]["ru"] == "Конечно" and first.text == {"kk": "Бар ма?", "ru": "Есть?"}
    question = survey_scene.draft_question
    question_update(actor=c.aliya, question=question, text={"kk": "Сан"}, kind="number", required=False)
    question.refresh_from_db()
    assert question.kind == "number" and not question.required


def test_skip_logic_refers_only_to_an_earlier_question(programme_cast, survey_scene):
    c, draft = programme_cast, survey_scene.draft
    later = question_add(
        actor=c.aliya,
        survey=draft,
        kind=QuestionKind.SINGLE,
        text={"kk": "Б"},
        choices=options(("А", "А", "A"), ("Ә", "Б", "B")),
    )
    with pytest.raises(ValidationError):
        question_update(
            actor=c.aliya,
            question=survey_scene.draft_question,
            text={"kk": "Сұрақ"},
            kind="short_text",
            show_if=later,
            show_if_values=["a"],
        )
    after = question_add(actor=c.aliya, survey=draft, kind=QuestionKind.SHORT_TEXT, text={"kk": "В"})
    question_update(
        actor=c.aliya, question=after, text={"kk": "В"}, kind="short_text", show_if=later, show_if_values=["a"]
    )
    after.refresh_from_db()
    assert after.show_if_id == later.pk and after.show_if_values == ["a"]
    with pytest.raises(ValidationError):  # would come before the question that decides it
        question_move(actor=c.aliya, question=after, up=True)


def test_an_open_survey_changes_only_wording(programme_cast, survey_scene):
    c, single = programme_cast, survey_scene.single
    reworded = options(("Иә, әрине", "Да, конечно", "Yes, sure"), ("Жоқ", "Нет", "No"))
    question_update(actor=c.aliya, question=single, text={"kk": "Жобаңыз бар ма?"}, choices=reworded)
    single.refresh_from_db()
    assert [item["code"] for item in single.choices] == ["yes", "no"] and single.choices[0]["label"][
        "en"
    ] == "Yes, sure"
    with pytest.raises(ValidationError):
        question_update(actor=c.aliya, question=single, text={"kk": "Ж"}, choices=reworded[:1])
    with pytest.raises(ValidationError):
        question_update(actor=c.aliya, question=single, text={"kk": "Ж"}, choices=reworded, required=False)
    with pytest.raises(ValidationError):
        question_move(actor=c.aliya, question=single, up=True)


def test_moving_questions_renumbers_them(programme_cast, survey_scene):
    c, draft = programme_cast, survey_scene.draft
    second = question_add(actor=c.aliya, survey=draft, kind=QuestionKind.NUMBER, text={"kk": "Екі"})
    third = question_add(actor=c.aliya, survey=draft, kind=QuestionKind.NUMBER, text={"kk": "Үш"})
    question_move(actor=c.aliya, question=third, up=True)
    question_move(actor=c.aliya, question=survey_scene.draft_question, up=False)
    order = list(draft.questions.order_by("position").values_list("pk", "position"))
    assert order == [(third.pk, 1), (survey_scene.draft_question.pk, 2), (second.pk, 3)]
    assert AuditEntry.objects.filter(action="surveys.question.moved").count() == 2


def test_edit_pages_show_the_current_values_and_save(client, programme_cast, survey_scene):
    c, scene = programme_cast, survey_scene
    client.force_login(c.aliya)
    page = client.get(reverse("surveys:question-edit", args=[scene.single.pk])).content.decode()
    assert "Иә | Да | Yes" in page and "Do you lead a project?" in page
    response = client.post(
        reverse("surveys:question-edit", args=[scene.single.pk]),
        {
            "kind": "single",
            "text_kk": "Жобаңыз бар ма?",
            "text_ru": "Ведёте ли вы проект?",
            "text_en": "Do you lead a project?",
            "choices": "Иә | Да | Yes\nЖоқ | Нет | No",
            "required": "on",
        },
    )
    assert response.status_code == 302
    scene.single.refresh_from_db()
    assert scene.single.text["ru"] == "Ведёте ли вы проект?"
    page = client.get(reverse("surveys:survey-edit", args=[scene.pre.pk])).content.decode()
    assert "Бастапқы сауалнама" in page and "disabled" in page
    response = client.post(
        reverse("surveys:survey-edit", args=[scene.pre.pk]),
        {"title_kk": "Бастапқы сауалнама", "title_ru": "Входная анкета 2026", "closes_at": "2035-01-01T09:00"},
    )
    assert response.status_code == 302
    scene.pre.refresh_from_db()
    assert scene.pre.title["ru"] == "Входная анкета 2026" and scene.pre.title.get("en") is None
    assert scene.pre.closes_at.year == 2035


def test_reminder_schedule():
    from shamy.surveys.models import Survey

    opened = timezone.now()
    survey = Survey(status=SurveyStatus.OPEN, opens_at=opened, closes_at=opened + datetime.timedelta(days=30))
    day = datetime.timedelta(days=1)
    assert not due_for_reminder(survey, opened + day)  # the first two days: the invitation
    assert due_for_reminder(survey, opened + 3 * day)
    survey.last_reminded_at = opened + 3 * day
    assert not due_for_reminder(survey, opened + 5 * day)
    assert due_for_reminder(survey, opened + 10 * day)  # a week later
    survey.last_reminded_at = opened + 24 * day
    assert not due_for_reminder(survey, opened + 27 * day)
    assert due_for_reminder(survey, opened + 28 * day + datetime.timedelta(hours=2))  # the last call
    survey.last_reminded_at = opened + 28 * day + datetime.timedelta(hours=2)
    assert not due_for_reminder(survey, opened + 29 * day + datetime.timedelta(hours=2))
    assert not due_for_reminder(survey, opened + 31 * day)  # closed


def test_scheduled_reminders_mail_non_respondents_in_their_language_once(
    programme_cast, survey_scene, mailoutbox, django_capture_on_commit_callbacks
):
    c, scene = programme_cast, survey_scene
    c.tomiris.language = "ru"
    c.tomiris.save(update_fields=["language"])
    Participation.objects.create(survey=scene.anonymous, user=c.talgat)
    later = timezone.now() + datetime.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        count = survey_reminders_send(now=later)
    # pre: both teachers; anonymous: tomiris only (talgat has answered)
    assert count == 3
    to_tomiris = [m for m in mailoutbox if m.to == [c.tomiris.email]]
    assert len(to_tomiris) == 2 and all("Пожалуйста" in m.body or "анкет" in m.body for m in to_tomiris)
    assert AuditEntry.objects.filter(action="surveys.survey.reminded", actor__isnull=True).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert survey_reminders_send(now=later + datetime.timedelta(hours=2)) == 0
    assert len(mailoutbox) == 3


def test_the_command_reminds_and_a_manual_reminder_counts(
    programme_cast, survey_scene, mailoutbox, django_capture_on_commit_callbacks
):
    from io import StringIO

    from shamy.surveys.models import Survey

    c, scene = programme_cast, survey_scene
    Survey.objects.filter(pk__in=[scene.pre.pk, scene.anonymous.pk]).update(
        opens_at=timezone.now() - datetime.timedelta(days=3)
    )
    scene.anonymous.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        survey_remind(actor=c.aliya, survey=scene.anonymous)  # by hand: the scheduled run skips it today
    assert len(mailoutbox) == 2
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("surveys_remind", stdout=out)
    assert "queued survey reminders" in out.getvalue()
    assert sorted(m.to[0] for m in mailoutbox[2:]) == sorted([c.talgat.email, c.tomiris.email])
    assert all(f"/surveys/{scene.pre.pk}/respond/" in m.body for m in mailoutbox[2:])
