"""Changing, rescheduling, cancelling and restoring a gathering, and what a cancellation does
to the pages, the calendars, the hours and the rates."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from shamy.attendance.models import Attendance, AttendanceStatus, Gathering, GatheringKind
from shamy.attendance.selectors import (
    attendance_rates_by_region,
    attendance_rates_by_school,
    participation_hours,
    person_hours,
)
from shamy.attendance.services.gatherings import (
    gathering_cancel,
    gathering_create,
    gathering_restore,
    gathering_update,
)
from shamy.attendance.services.marking import attendance_expect, attendance_mark
from shamy.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")


def _utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat()


def _vevents(text: str) -> dict[str, list[str]]:
    """UID → the unfolded content lines of that VEVENT."""
    lines = text.replace("\r\n ", "").split("\r\n")
    events: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = []
        elif line == "END:VEVENT" and current is not None:
            uid = next(item for item in current if item.startswith("UID:"))[4:]
            events[uid] = current
            current = None
        elif current is not None:
            current.append(line)
    return events


# --- Editing and rescheduling -----------------------------------------------------------------


def test_update_changes_the_fields_and_audits_them_before_and_after(programme_cast, scene):
    c = programme_cast
    session = scene.session_a1
    old_title, old_starts, old_ends = session.title, session.starts_at, session.ends_at
    new_starts = datetime.datetime(2031, 3, 4, 15, 0, tzinfo=ALMATY)
    new_ends = new_starts + datetime.timedelta(hours=1, minutes=30)

    updated = gathering_update(
        actor=c.timur,
        gathering=session,
        changes={
            "title": "  Сессия ауыстырылды  ",
            "starts_at": new_starts,
            "ends_at": new_ends,
            "place": "Кітапхана",
            "agenda": session.agenda,  # unchanged: not in the audit entry
        },
    )

    session.refresh_from_db()
    assert session.title == "Сессия ауыстырылды"
    assert session.starts_at == new_starts and session.ends_at == new_ends
    assert session.place == "Кітапхана"
    assert session.sequence == updated.sequence == 1
    entry = AuditEntry.objects.get(action="attendance.gathering.updated")
    assert entry.target_id == str(session.pk)
    assert entry.actor == c.timur
    assert entry.before == {
        "title": old_title,
        "starts_at": _utc(old_starts),
        "ends_at": _utc(old_ends),
        "place": "",
        "sequence": 0,
    }
    assert entry.after == {
        "title": "Сессия ауыстырылды",
        "starts_at": _utc(new_starts),
        "ends_at": _utc(new_ends),
        "place": "Кітапхана",
        "sequence": 1,
    }


def test_an_update_that_changes_nothing_writes_nothing(programme_cast, scene):
    c = programme_cast
    session = Gathering.objects.get(pk=scene.session_a1.pk)
    audit_before = AuditEntry.objects.count()
    # The same instants in another time zone, and the title with spaces around it: no change.
    gathering_update(
        actor=c.timur,
        gathering=session,
        changes={
            "title": f" {session.title} ",
            "starts_at": session.starts_at.astimezone(ALMATY),
            "ends_at": session.ends_at.astimezone(ALMATY),
            "school": c.school_a1,
        },
    )
    after = Gathering.objects.get(pk=session.pk)
    assert AuditEntry.objects.count() == audit_before
    assert after.updated_at == session.updated_at
    assert after.sequence == 0


def test_times_cannot_change_once_attendance_is_marked_but_the_rest_can(programme_cast, scene):
    c = programme_cast
    session = scene.session_a1
    attendance_mark(actor=c.timur, attendance=scene.attendance_talgat, status=AttendanceStatus.PRESENT)
    original_starts = session.starts_at

    with translation.override("en"), pytest.raises(ValidationError) as error:
        gathering_update(
            actor=c.timur,
            gathering=session,
            changes={"starts_at": session.starts_at + datetime.timedelta(days=1)},
        )
    assert error.value.messages == [
        "Attendance has already been marked, so the times of this gathering can no longer change."
    ]
    with translation.override("kk"), pytest.raises(ValidationError) as error:
        gathering_update(
            actor=c.timur, gathering=session, changes={"ends_at": session.ends_at + datetime.timedelta(hours=1)}
        )
    assert error.value.messages == [
        "Қатысу белгіленіп қойған, сондықтан бұл іс-шараның уақытын енді өзгертуге болмайды."
    ]

    gathering_update(actor=c.timur, gathering=session, changes={"title": "Жаңа атау", "place": "Акт залы"})
    session.refresh_from_db()
    assert (session.title, session.place, session.starts_at) == ("Жаңа атау", "Акт залы", original_starts)


def test_only_those_who_manage_the_gathering_may_update_it(programme_cast, scene):
    c = programme_cast
    for actor in (c.talgat, c.madina, c.bolat, c.aigerim, c.tomiris, c.olzhas):
        with pytest.raises(PermissionDenied):
            gathering_update(actor=actor, gathering=scene.session_a1, changes={"title": "x"})
    assert Gathering.objects.get(pk=scene.session_a1.pk).title == "Мектептегі сессия"
    gathering_update(actor=c.aliya, gathering=scene.session_a1, changes={"title": "Үйлестірушіден"})
    assert Gathering.objects.get(pk=scene.session_a1.pk).title == "Үйлестірушіден"


def test_school_and_region_must_fit_the_kind_and_the_actor(programme_cast, scene):
    c = programme_cast
    with pytest.raises(ValidationError) as error:
        gathering_update(actor=c.madina, gathering=scene.network_a, changes={"school": c.school_a1})
    assert "school" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        gathering_update(actor=c.timur, gathering=scene.session_a1, changes={"region": c.region_a})
    assert "region" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        gathering_update(actor=c.timur, gathering=scene.session_a1, changes={"school": None})
    assert "school" in error.value.message_dict
    with pytest.raises(TypeError):
        gathering_update(actor=c.timur, gathering=scene.session_a1, changes={"kind": GatheringKind.WEBINAR})
    # Timur facilitates A1 only: he may not move his session to B1; the coordinator may.
    with pytest.raises(PermissionDenied):
        gathering_update(actor=c.timur, gathering=scene.session_a1, changes={"school": c.school_b1})
    assert Gathering.objects.get(pk=scene.session_a1.pk).school == c.school_a1
    gathering_update(actor=c.aliya, gathering=scene.session_a1, changes={"school": c.school_b1})
    assert Gathering.objects.get(pk=scene.session_a1.pk).school == c.school_b1


def test_an_end_before_the_start_is_refused(programme_cast, scene):
    c = programme_cast
    session = scene.session_a1
    with pytest.raises(ValidationError):
        gathering_update(
            actor=c.timur, gathering=session, changes={"ends_at": session.starts_at - datetime.timedelta(hours=1)}
        )
    assert Gathering.objects.get(pk=session.pk).ends_at == session.ends_at
    assert not AuditEntry.objects.filter(action="attendance.gathering.updated").exists()


# --- Cancelling and restoring -----------------------------------------------------------------


def test_cancel_records_the_reason_and_audits_it(programme_cast, scene):
    c = programme_cast
    before = timezone.now()
    gathering_cancel(actor=c.timur, gathering=scene.session_a1, reason="  Боран: жолдар жабық  ")
    session = Gathering.objects.get(pk=scene.session_a1.pk)
    assert session.is_cancelled and session.cancelled_at is not None and session.cancelled_at >= before
    assert session.cancel_reason == "Боран: жолдар жабық"
    assert session.sequence == 1
    entry = AuditEntry.objects.get(action="attendance.gathering.cancelled")
    assert entry.target_id == str(session.pk) and entry.actor == c.timur
    assert entry.before == {"cancelled_at": None, "cancel_reason": "", "sequence": 0}
    assert entry.after == {
        "cancelled_at": session.cancelled_at.isoformat(),
        "cancel_reason": "Боран: жолдар жабық",
        "sequence": 1,
    }


def test_cancel_is_refused_twice_without_reason_and_to_others(programme_cast, scene):
    c = programme_cast
    with pytest.raises(ValidationError):
        gathering_cancel(actor=c.timur, gathering=scene.session_a1, reason="   ")
    for actor in (c.talgat, c.madina, c.bolat, c.aigerim):
        with pytest.raises(PermissionDenied):
            gathering_cancel(actor=actor, gathering=scene.session_a1, reason="Карантин")
    assert not Gathering.objects.get(pk=scene.session_a1.pk).is_cancelled
    gathering_cancel(actor=c.timur, gathering=scene.session_a1, reason="Карантин")
    with translation.override("ru"), pytest.raises(ValidationError) as error:
        gathering_cancel(actor=c.aliya, gathering=scene.session_a1, reason="Ещё раз")
    assert error.value.messages == ["Эта встреча уже отменена."]
    assert Gathering.objects.get(pk=scene.session_a1.pk).cancel_reason == "Карантин"
    assert AuditEntry.objects.filter(action="attendance.gathering.cancelled").count() == 1


def test_a_gathering_with_marked_attendance_cannot_be_cancelled(programme_cast, scene):
    c = programme_cast
    attendance_mark(actor=c.timur, attendance=scene.attendance_talgat, status=AttendanceStatus.ABSENT)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        gathering_cancel(actor=c.timur, gathering=scene.session_a1, reason="Карантин")
    assert error.value.messages == ["Attendance has already been marked, so this gathering can no longer be cancelled."]
    assert not Gathering.objects.get(pk=scene.session_a1.pk).is_cancelled


def test_restore_undoes_the_cancellation_and_audits_it(programme_cast, scene):
    c = programme_cast
    with pytest.raises(ValidationError):
        gathering_restore(actor=c.timur, gathering=scene.session_a1)
    gathering_cancel(actor=c.timur, gathering=scene.session_a1, reason="Карантин")
    with pytest.raises(PermissionDenied):
        gathering_restore(actor=c.talgat, gathering=scene.session_a1)
    gathering_restore(actor=c.aliya, gathering=scene.session_a1)
    session = Gathering.objects.get(pk=scene.session_a1.pk)
    assert not session.is_cancelled and session.cancel_reason == ""
    assert session.sequence == 2
    entry = AuditEntry.objects.get(action="attendance.gathering.restored")
    assert entry.actor == c.aliya
    assert entry.before["cancel_reason"] == "Карантин" and entry.before["cancelled_at"] is not None
    assert entry.after == {"cancelled_at": None, "cancel_reason": "", "sequence": 2}
    # Restored, it takes attendance again.
    attendance_mark(actor=c.timur, attendance=scene.attendance_talgat, status=AttendanceStatus.PRESENT)
    assert Attendance.objects.get(pk=scene.attendance_talgat.pk).status == AttendanceStatus.PRESENT


def test_a_cancelled_gathering_cannot_be_edited(programme_cast, scene):
    c = programme_cast
    gathering_cancel(actor=c.timur, gathering=scene.session_a1, reason="Карантин")
    with pytest.raises(ValidationError):
        gathering_update(actor=c.timur, gathering=scene.session_a1, changes={"title": "x"})
    assert Gathering.objects.get(pk=scene.session_a1.pk).title == "Мектептегі сессия"


def test_marking_and_expecting_are_refused_on_a_cancelled_gathering(programme_cast, scene):
    c = programme_cast
    gathering_cancel(actor=c.timur, gathering=scene.session_a1, reason="Карантин")
    with pytest.raises(ValidationError):
        attendance_mark(actor=c.timur, attendance=scene.attendance_talgat, status=AttendanceStatus.PRESENT)
    assert Attendance.objects.get(pk=scene.attendance_talgat.pk).status == ""
    row = Attendance.objects.get(gathering=scene.session_a1, person=c.person_timur)
    row.delete()
    with pytest.raises(ValidationError):
        attendance_expect(actor=c.timur, gathering=scene.session_a1, person=c.person_timur)
    assert not Attendance.objects.filter(gathering=scene.session_a1, person=c.person_timur).exists()


# --- Hours and rates ----------------------------------------------------------------------------


def test_hours_and_rates_leave_cancelled_gatherings_out(programme_cast):
    c = programme_cast
    a1 = c.school_a1.pk
    day = datetime.datetime(2025, 3, 5, 15, tzinfo=ALMATY)
    kept, dropped = (
        gathering_create(
            actor=c.aliya,
            programme=c.programme,
            kind=GatheringKind.IN_SCHOOL,
            title=title,
            school=c.school_a1,
            starts_at=day + datetime.timedelta(days=offset),
            ends_at=day + datetime.timedelta(days=offset, hours=hours),
            expected=[(c.person_talgat, a1)],
            leads=[c.aliya],
        )
        for title, offset, hours in (("Өтті", 0, 2), ("Тоқтатылды", 14, 3))
    )
    attendance_mark(actor=c.aliya, attendance=kept.attendances.get(), status=AttendanceStatus.PRESENT)
    attendance_mark(actor=c.aliya, attendance=dropped.attendances.get(), status=AttendanceStatus.ABSENT)
    assert person_hours(person_id=c.person_talgat.pk) == 2
    assert attendance_rates_by_school(programme=c.programme)[0].rate == 0.5
    # The services refuse to cancel a marked gathering; a row cancelled anyway (by an operator,
    # or before that rule) must still count for nothing.
    Gathering.objects.filter(pk=dropped.pk).update(cancelled_at=timezone.now(), cancel_reason="Карантин")

    assert person_hours(person_id=c.person_talgat.pk) == 2
    assert [(row.hours, row.attended) for row in participation_hours(programme=c.programme)] == [(2.0, 1)]
    (by_school,) = attendance_rates_by_school(programme=c.programme)
    assert (by_school.key, by_school.present, by_school.absent, by_school.rate) == (a1, 1, 0, 1.0)
    assert {row.key: row.rate for row in attendance_rates_by_region(programme=c.programme)} == {c.region_a.pk: 1.0}
    # A late mark on the cancelled one would have added hours: it does not.
    Attendance.objects.filter(gathering=dropped).update(status=AttendanceStatus.LATE)
    assert person_hours(person_id=c.person_talgat.pk) == 2
    assert [(row.hours, row.attended) for row in participation_hours(programme=c.programme)] == [(2.0, 1)]


# --- Calendars ----------------------------------------------------------------------------------


def test_calendar_cancels_and_reschedules_events_under_the_same_uid(client, programme_cast, scene):
    c = programme_cast
    client.force_login(c.talgat)
    url = reverse("attendance:my-calendar")
    session_uid = f"gathering-{scene.session_a1.pk}@shamy.kz"
    network_uid = f"gathering-{scene.network_a.pk}@shamy.kz"

    events = _vevents(client.get(url).content.decode())
    assert "SEQUENCE:0" in events[session_uid]
    assert not any(line.startswith("STATUS:") for line in events[session_uid] + events[network_uid])

    new_starts = datetime.datetime(2031, 3, 4, 15, 0, tzinfo=ALMATY)
    gathering_update(
        actor=c.timur,
        gathering=scene.session_a1,
        changes={"starts_at": new_starts, "ends_at": new_starts + datetime.timedelta(hours=2)},
    )
    gathering_cancel(actor=c.madina, gathering=scene.network_a, reason="Боран")

    events = _vevents(client.get(url).content.decode())
    assert "SEQUENCE:1" in events[session_uid]
    assert "DTSTART:20310304T100000Z" in events[session_uid]
    assert "STATUS:CANCELLED" not in events[session_uid]
    assert "STATUS:CANCELLED" in events[network_uid]
    assert "SEQUENCE:1" in events[network_uid]

    school = _vevents(client.get(reverse("attendance:school-calendar", args=[c.school_a1.pk])).content.decode())
    assert "STATUS:CANCELLED" in school[network_uid]
    assert "SEQUENCE:1" in school[session_uid]


# --- Pages ----------------------------------------------------------------------------------------


def _local(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_edit_form_round_trip_keeps_typed_values_on_error(client, programme_cast, scene):
    c = programme_cast
    session = scene.session_a1
    client.force_login(c.timur)
    url = reverse("attendance:gathering-edit", args=[session.pk])

    page = client.get(url).content.decode()
    assert 'value="Мектептегі сессия"' in page
    assert f'value="{_local(session.starts_at)}"' in page
    assert 'name="kind"' not in page and 'name="region"' not in page and 'name="school"' in page
    assert (
        reverse("attendance:gathering-edit", args=[session.pk])
        in client.get(reverse("attendance:gathering-detail", args=[session.pk])).content.decode()
    )

    typed = {
        "title": "Ауыстырылған сессия",
        "school": c.school_a1.pk,
        "starts_at": "2031-03-04T15:00",
        "ends_at": "2031-03-04T14:00",  # before the start
        "place": "Кітапхана",
        "online_url": "",
        "agenda": "1. Рефлексия",
    }
    response = client.post(url, typed)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Ауыстырылған сессия"' in page
    assert 'value="2031-03-04T14:00"' in page and 'value="Кітапхана"' in page
    assert "1. Рефлексия</textarea>" in page
    assert 'class="errorlist"' in page
    assert Gathering.objects.get(pk=session.pk).title == "Мектептегі сессия"

    response = client.post(url, {**typed, "ends_at": "2031-03-04T16:30"})
    assert response.status_code == 302
    assert response["Location"] == reverse("attendance:gathering-detail", args=[session.pk])
    session.refresh_from_db()
    assert session.title == "Ауыстырылған сессия" and session.place == "Кітапхана"
    assert session.starts_at == datetime.datetime(2031, 3, 4, 15, 0, tzinfo=ALMATY)
    assert session.ends_at == datetime.datetime(2031, 3, 4, 16, 30, tzinfo=ALMATY)
    assert AuditEntry.objects.filter(action="attendance.gathering.updated", target_id=str(session.pk)).count() == 1


def test_edit_form_keeps_the_times_once_attendance_is_marked(client, programme_cast, scene):
    c = programme_cast
    session = scene.session_a1
    attendance_mark(actor=c.timur, attendance=scene.attendance_talgat, status=AttendanceStatus.PRESENT)
    client.force_login(c.timur)
    url = reverse("attendance:gathering-edit", args=[session.pk])
    assert "disabled" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "title": "Атауы түзетілді",
            "school": c.school_a1.pk,
            "starts_at": "2031-03-04T15:00",
            "ends_at": "2031-03-04T16:00",
            "place": "",
            "online_url": "",
            "agenda": "",
        },
    )
    assert response.status_code == 302
    after = Gathering.objects.get(pk=session.pk)
    assert after.title == "Атауы түзетілді"
    assert (after.starts_at, after.ends_at) == (session.starts_at, session.ends_at)


def test_cancel_by_post_and_what_everyone_then_sees(client, programme_cast, scene):
    c = programme_cast
    session = scene.session_a1
    detail = reverse("attendance:gathering-detail", args=[session.pk])
    cancel = reverse("attendance:gathering-cancel", args=[session.pk])
    client.force_login(c.timur)
    page = client.get(detail).content.decode()
    assert f'action="{cancel}"' in page and 'name="cancel-reason"' in page
    assert client.get(cancel).status_code == 405  # never a GET link

    response = client.post(cancel, {"cancel-reason": "Карантин: мектеп жабық"})
    assert response.status_code == 302 and response["Location"] == detail
    session.refresh_from_db()
    assert session.is_cancelled and session.cancel_reason == "Карантин: мектеп жабық"

    page = client.get(detail).content.decode()
    assert "Тоқтатылды" in page and "Карантин: мектеп жабық" in page
    assert reverse("attendance:attendance-take", args=[session.pk]) not in page
    assert reverse("attendance:gathering-edit", args=[session.pk]) not in page
    assert f'action="{cancel}"' not in page
    assert f'action="{reverse("attendance:gathering-restore", args=[session.pk])}"' in page
    take = client.get(reverse("attendance:attendance-take", args=[session.pk]))
    assert take.status_code == 302 and take["Location"] == detail
    assert client.get(reverse("attendance:gathering-edit", args=[session.pk])).status_code == 302

    lists = [
        client.get(reverse("attendance:gathering-list", args=[c.programme.pk])).content.decode(),
        client.get(reverse("attendance:my-sessions")).content.decode(),
    ]
    for page in lists:
        assert page.count('class="badge cancelled"') == 1

    client.force_login(c.talgat)
    page = client.get(detail).content.decode()
    assert "Тоқтатылды" in page and "Карантин: мектеп жабық" in page
    assert "gathering-restore" not in page and 'name="cancel-reason"' not in page

    client.force_login(c.timur)
    client.post(reverse("attendance:gathering-restore", args=[session.pk]))
    assert not Gathering.objects.get(pk=session.pk).is_cancelled
    assert reverse("attendance:attendance-take", args=[session.pk]) in client.get(detail).content.decode()


def test_cancel_without_a_reason_changes_nothing(client, programme_cast, scene):
    client.force_login(programme_cast.timur)
    response = client.post(reverse("attendance:gathering-cancel", args=[scene.session_a1.pk]), {"cancel-reason": " "})
    assert response.status_code == 302
    assert not Gathering.objects.get(pk=scene.session_a1.pk).is_cancelled
    assert not AuditEntry.objects.filter(action="attendance.gathering.cancelled").exists()


def test_detail_page_offers_clear_and_cancel_once_attendance_is_marked(client, programme_cast, scene):
    c = programme_cast
    attendance_mark(actor=c.timur, attendance=scene.attendance_talgat, status=AttendanceStatus.PRESENT)
    client.force_login(c.timur)
    page = client.get(reverse("attendance:gathering-detail", args=[scene.session_a1.pk])).content.decode()
    assert 'name="cancel-reason"' not in page
    assert reverse("attendance:gathering-clear-cancel", args=[scene.session_a1.pk]) in page
