"""Setting up events (the summit, its programme, its volunteers), training topics and sessions:
the coordinator's pages and services, and the survey's average under the platform's suppression."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from shamy.audit.models import AuditEntry
from shamy.operators import selectors
from shamy.operators.models import Event, EventFeedback, EventSession, Registration, RegistrationStatus, Topic
from shamy.operators.services.events import (
    event_create,
    event_session_create,
    event_update,
    registration_create,
    volunteer_add,
    volunteer_remove,
)
from shamy.operators.services.training import session_update
from shamy.operators.tests.scene import at

pytestmark = pytest.mark.django_db


def _new_event(c, **overrides) -> Event:
    starts = timezone.now() + datetime.timedelta(days=60)
    values = {
        "actor": c.aliya,
        "programme": c.programme,
        "slug": "Summit-2029",
        "title": {"kk": " Саммит ", "ru": "Саммит", "en": ""},
        "region": c.region_b,
        "place": "Атырау",
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=8),
        "capacity": 2,
        "state_quota": 0,
    }
    return event_create(**(values | overrides))


def test_the_coordinator_creates_an_event_in_three_languages_and_it_is_audited(programme_cast):
    c = programme_cast
    event = _new_event(c)
    assert event.slug == "summit-2029"
    assert event.title == {"kk": "Саммит", "ru": "Саммит"}  # trimmed; the empty English left out
    assert AuditEntry.objects.filter(action="operators.event.created", target_id=str(event.pk)).count() == 1
    with pytest.raises(PermissionDenied):
        _new_event(c, actor=c.talgat, slug="other")
    with pytest.raises(ValidationError):
        _new_event(c, slug="quota", state_quota=3)  # the quota is part of the capacity
    with pytest.raises(ValidationError):
        _new_event(c, slug="untitled", title={"kk": " ", "ru": ""})


def test_a_larger_capacity_moves_the_waiting_list_up_and_a_smaller_one_is_refused(programme_cast, mailoutbox):
    c = programme_cast
    event = _new_event(c)
    people = [
        registration_create(
            event=event, full_name=f"P {n}", email=f"p{n}@example.kz", language="kk", school=None, send=False
        )
        for n in range(4)
    ]
    assert [p.status for p in people] == ["confirmed", "confirmed", "waiting", "waiting"]
    with pytest.raises(ValidationError) as refused:
        event_update(actor=c.aliya, event=event, changes={"capacity": 1})
    assert "capacity" in refused.value.message_dict
    promoted = event_update(actor=c.aliya, event=event, changes={"capacity": 3, "place": " Атырау, Arena "})
    assert [p.pk for p in promoted] == [people[2].pk]
    assert Registration.objects.get(pk=people[3].pk).status == RegistrationStatus.WAITING
    entry = AuditEntry.objects.get(action="operators.event.updated", target_id=str(event.pk))
    assert (entry.before["capacity"], entry.after["capacity"]) == (2, 3)
    assert entry.after["place"] == "Атырау, Arena"
    # Saving the same values writes nothing.
    assert event_update(actor=c.aliya, event=event, changes={"capacity": 3}) == []
    assert AuditEntry.objects.filter(action="operators.event.updated").count() == 1
    with pytest.raises(PermissionDenied):
        event_update(actor=c.nurlan, event=event, changes={"capacity": 10})


def test_event_sessions_stay_within_the_event_and_volunteers_come_and_go(programme_cast, operator_scene):
    c, s = programme_cast, operator_scene
    day = datetime.date(2028, 3, 28)
    session = event_session_create(
        actor=c.aliya, event=s.event, title={"kk": "Панель", "ru": "Панель"}, starts_at=at(day, 11), ends_at=at(day, 12)
    )
    assert AuditEntry.objects.filter(action="operators.event_session.created", target_id=str(session.pk)).exists()
    with pytest.raises(ValidationError):
        event_session_create(
            actor=c.aliya, event=s.event, title={"ru": "Поздно"}, starts_at=at(day, 17), ends_at=at(day, 19)
        )
    assert volunteer_add(actor=c.aliya, event=s.event, email=c.timur.email.upper()) == c.timur
    with pytest.raises(ValidationError):
        volunteer_add(actor=c.aliya, event=s.event, email=c.timur.email)  # already one
    with pytest.raises(ValidationError):
        volunteer_add(actor=c.aliya, event=s.event, email="nobody@example.kz")
    volunteer_remove(actor=c.aliya, event=s.event, user=c.madina)
    assert set(s.event.volunteers.all()) == {c.timur}
    actions = set(AuditEntry.objects.filter(target_id=str(s.event.pk)).values_list("action", flat=True))
    assert {"operators.volunteer.added", "operators.volunteer.removed"} <= actions
    with pytest.raises(PermissionDenied):
        volunteer_add(actor=c.madina, event=s.event, email=c.serik.email)


def test_the_event_form_keeps_what_was_typed_when_the_service_refuses(client, programme_cast, operator_scene):
    c, s = programme_cast, operator_scene
    client.force_login(c.aliya)
    data = {
        "title_kk": "Жаңа саммит",
        "title_ru": "Новый саммит",
        "slug": s.event.slug,  # taken
        "region": c.region_b.pk,
        "place": "Атырау",
        "starts_at": "2029-03-28T09:00",
        "ends_at": "2029-03-28T18:00",
        "capacity": 600,
        "state_quota": 300,
    }
    response = client.post(reverse("operators:event-create", args=[c.programme.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    html = response.content.decode()
    assert 'value="Жаңа саммит"' in html and 'value="Новый саммит"' in html
    assert Event.objects.count() == 1


def test_the_coordinator_edits_a_session_within_the_rules(programme_cast, operator_scene):
    c, s = programme_cast, operator_scene
    day = s.day.on
    topic = Topic.objects.create(programme=c.programme, code="reading", name={"kk": "Оқу", "ru": "Чтение"})
    session_update(
        actor=c.aliya,
        session=s.session,
        changes={"topic": topic, "room": "202", "capacity": 5, "starts_at": at(day, 10, 30), "ends_at": at(day, 12)},
    )
    s.session.refresh_from_db()
    s.session.gathering.refresh_from_db()
    assert (s.session.topic, s.session.room, s.session.capacity) == (topic, "202", 5)
    assert s.session.gathering.starts_at == at(day, 10, 30) and s.session.gathering.place == "202"
    entry = AuditEntry.objects.get(action="operators.session.updated", target_id=str(s.session.pk))
    assert entry.before["room"] == "101" and entry.after["room"] == "202"
    with pytest.raises(ValidationError):
        session_update(actor=c.aliya, session=s.session, changes={"capacity": 0})  # talgat is signed up
    with pytest.raises(ValidationError):
        session_update(
            actor=c.aliya, session=s.session, changes={"starts_at": at(day + datetime.timedelta(days=1), 10)}
        )
    with pytest.raises(PermissionDenied):
        session_update(actor=c.timur, session=s.session, changes={"room": "303"})
    with pytest.raises(TypeError):
        session_update(actor=c.aliya, session=s.session, changes={"trainer": s.partner_trainer})


def test_topics_are_typed_per_language_and_shown_in_the_readers_language(client, programme_cast, operator_scene):
    c = programme_cast
    client.force_login(c.aliya)
    url = reverse("operators:topics", args=[c.programme.pk])
    response = client.post(url, {"code": "leadership", "name_kk": "Көшбасшылық", "name_ru": "Лидерство"})
    assert response.status_code == 302
    topic = Topic.objects.get(code="leadership")
    assert topic.name == {"kk": "Көшбасшылық", "ru": "Лидерство"}
    with translation.override("ru"):
        assert topic.label == "Лидерство"
    with translation.override("kk"):
        assert topic.label == "Көшбасшылық"
    # A code already used: the form comes back with what was typed.
    again = client.post(url, {"code": "leadership", "name_kk": "Басқа", "name_ru": "Другое"})
    assert again.status_code == 200 and 'value="Басқа"' in again.content.decode()


def test_the_survey_average_is_hidden_below_the_smallest_group(programme_cast, operator_scene):
    event = operator_scene.event
    Event.objects.filter(pk=event.pk).update(capacity=30)
    event.refresh_from_db()
    people = [
        registration_create(
            event=event, full_name=f"P {n}", email=f"f{n}@example.kz", language="kk", school=None, send=False
        )
        for n in range(12)
    ]
    Registration.objects.filter(pk__in=[p.pk for p in people]).update(checked_in_at=event.starts_at)
    for person in people[:3]:
        EventFeedback.objects.create(registration=person, score=2)
    figures = selectors.event_figures(event=event)
    assert figures.feedback_count == 3 and figures.feedback_average is None and figures.feedback_hidden
    for person in people[3:]:
        EventFeedback.objects.create(registration=person, score=5)
    figures = selectors.event_figures(event=event)
    assert figures.feedback_average == 4.25 and not figures.feedback_hidden
    assert EventSession.objects.filter(event=event).count() == 1


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_setup_pages_take_the_same_queries_for_few_and_many_rows(client, programme_cast, operator_scene):
    from shamy.core.testing.factories import UserFactory

    c, s = programme_cast, operator_scene
    client.force_login(c.aliya)
    urls = [
        reverse("operators:volunteers", args=[s.event.pk]),
        reverse("operators:topics", args=[c.programme.pk]),
        reverse("operators:event-detail", args=[s.event.pk]),
    ]
    for url in urls:  # warm the per-process caches (the analytics' threshold setting)
        _queries(client, url)
    before = [_queries(client, url) for url in urls]
    day = datetime.date(2028, 3, 28)
    for n in range(15):
        s.event.volunteers.add(UserFactory())
        Topic.objects.create(programme=c.programme, code=f"topic-{n}", name={"kk": f"Тақырып {n}"})
        EventSession.objects.create(
            event=s.event, title={"kk": f"Сессия {n}"}, starts_at=at(day, 10), ends_at=at(day, 11)
        )
    assert [_queries(client, url) for url in urls] == before


def test_a_session_named_after_its_topic_reads_in_each_language(client, programme_cast, operator_scene):
    # The session's gathering (attendance pages, home blocks, calendars) takes the topic's names.
    c, s = programme_cast, operator_scene
    topic = Topic.objects.create(
        programme=c.programme, code="reading", name={"kk": "Оқу", "ru": "Чтение", "en": "Reading"}
    )
    gathering = s.session.gathering
    # Made without a title of its own: named after its topic in every language, and follows a new topic.
    assert gathering.title_translations == s.session.topic.name
    session_update(actor=c.aliya, session=s.session, changes={"topic": topic})
    gathering.refresh_from_db()
    assert gathering.title_translations == {"kk": "Оқу", "ru": "Чтение", "en": "Reading"}
    url = reverse("attendance:gathering-detail", args=[gathering.pk])
    for language, title in (("kk", "Оқу"), ("ru", "Чтение"), ("en", "Reading")):
        with translation.override(language):
            assert gathering.display_title == title
        type(c.aliya).objects.filter(pk=c.aliya.pk).update(language=language)
        client.force_login(c.aliya)
        html = client.get(url).content.decode()
        assert f"<h1>{title}" in html or f">{title}<" in html, language
