"""Attendance that one wrong tap cannot corrupt (issue 11, point 1): marking opens shortly before
the gathering starts (per programme), marks can be changed and cleared with every change in the
audit log, "everyone present" then the exceptions, a marked gathering is cancelled in one flow
that clears its marks, and a gathering still ahead counts for no hours."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from shamy.attendance.models import Attendance, AttendanceStatus, Gathering, GatheringKind
from shamy.attendance.selectors import attendance_rates_by_school, participation_hours, person_hours
from shamy.attendance.services.gatherings import gathering_cancel, gathering_clear_and_cancel, gathering_create
from shamy.attendance.services.marking import (
    attendance_clear_all,
    attendance_mark,
    attendance_mark_everyone,
)
from shamy.audit.models import AuditEntry
from shamy.programmes.models import Programme

pytestmark = pytest.mark.django_db


def _session(c, starts_at: datetime.datetime) -> Gathering:
    return gathering_create(
        actor=c.timur,
        programme=c.programme,
        cohort=c.cohort_a,
        kind=GatheringKind.IN_SCHOOL,
        title="Келешек сессия",
        school=c.school_a1,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        leads=[c.timur],
    )


def test_a_gathering_days_ahead_refuses_marks_with_the_time_they_open(programme_cast):
    c = programme_cast
    future = _session(c, timezone.now() + datetime.timedelta(days=11))
    row = future.attendances.get(person=c.person_talgat)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        attendance_mark(actor=c.timur, attendance=row, status=AttendanceStatus.PRESENT)
    assert "can be marked from" in error.value.messages[0]
    row.refresh_from_db()
    assert row.status == "" and row.marked_by is None
    assert not AuditEntry.objects.filter(action="attendance.attendance.marked").exists()
    with pytest.raises(ValidationError):
        attendance_mark_everyone(actor=c.timur, gathering=future)
    assert not future.attendances.exclude(status="").exists()


def test_marking_opens_the_programmes_minutes_before_the_start(programme_cast):
    c = programme_cast
    soon = _session(c, timezone.now() + datetime.timedelta(minutes=45))
    row = soon.attendances.get(person=c.person_talgat)
    # Default: one hour before. 45 minutes before the start is inside it.
    assert c.programme.marking_opens_minutes == 60
    attendance_mark(actor=c.timur, attendance=row, status=AttendanceStatus.PRESENT)
    assert Attendance.objects.get(pk=row.pk).status == AttendanceStatus.PRESENT
    # The programme opens marking only 30 minutes before: 45 minutes before is too early.
    Programme.objects.filter(pk=c.programme.pk).update(marking_opens_minutes=30)
    other = soon.attendances.get(person=c.person_timur)
    with pytest.raises(ValidationError):
        attendance_mark(actor=c.timur, attendance=other, status=AttendanceStatus.ABSENT)
    assert Attendance.objects.get(pk=other.pk).status == ""


def test_the_take_screen_disables_the_buttons_and_says_when_marking_opens(client, programme_cast):
    c = programme_cast
    future = _session(c, timezone.now() + datetime.timedelta(days=11))
    client.force_login(c.timur)
    with translation.override("en"):
        response = client.get(reverse("attendance:attendance-take", args=[future.pk]), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.context["marking_open"] is False
    assert 'id="marking-closed"' in page
    assert page.count('class="attendance-button present"') == 2
    assert page.count(" disabled ") >= 8  # four buttons for each of the two people expected
    assert reverse("attendance:attendance-mark-everyone", args=[future.pk]) not in page


def test_a_refused_htmx_tap_shows_the_reason_in_the_row(client, programme_cast):
    c = programme_cast
    future = _session(c, timezone.now() + datetime.timedelta(days=11))
    row = future.attendances.get(person=c.person_talgat)
    client.force_login(c.timur)
    response = client.post(
        reverse("attendance:attendance-mark", args=[row.pk]), {"status": "present"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="alert"' in body and f'id="attendance-{row.pk}"' in body
    assert 'data-status=""' in body
    row.refresh_from_db()
    assert row.status == ""


def test_marks_can_be_changed_and_cleared_and_the_audit_keeps_each_change(client, programme_cast, scene):
    c = programme_cast
    row = scene.attendance_talgat
    attendance_mark(actor=c.timur, attendance=row, status=AttendanceStatus.PRESENT)
    attendance_mark(actor=c.timur, attendance=row, status=AttendanceStatus.LATE)
    client.force_login(c.timur)
    response = client.post(reverse("attendance:attendance-mark", args=[row.pk]), {"status": ""}, HTTP_HX_REQUEST="true")
    assert 'data-status=""' in response.content.decode()
    row.refresh_from_db()
    assert row.status == "" and row.marked_by is None and row.marked_at is None
    entries = AuditEntry.objects.filter(
        target_id=str(row.pk), action__in=["attendance.attendance.marked", "attendance.attendance.cleared"]
    ).order_by("id")
    changes = [(entry.action, entry.before["status"], entry.after["status"]) for entry in entries]
    assert changes == [
        ("attendance.attendance.marked", "", "present"),
        ("attendance.attendance.marked", "present", "late"),
        ("attendance.attendance.cleared", "late", ""),
    ]


def test_everyone_present_marks_the_unmarked_and_keeps_the_exceptions(client, programme_cast, scene):
    c = programme_cast
    session = scene.session_a1
    timur_row = session.attendances.get(person=c.person_timur)
    attendance_mark(actor=c.timur, attendance=timur_row, status=AttendanceStatus.EXCUSED)
    client.force_login(c.timur)
    page = client.get(reverse("attendance:attendance-take", args=[session.pk])).content.decode()
    assert reverse("attendance:attendance-mark-everyone", args=[session.pk]) in page
    response = client.post(reverse("attendance:attendance-mark-everyone", args=[session.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="attendance-sheet"' in response.content.decode()
    statuses = dict(session.attendances.values_list("person_id", "status"))
    assert statuses == {c.person_talgat.pk: "present", c.person_timur.pk: "excused"}
    assert AuditEntry.objects.filter(action="attendance.attendance.marked").count() == 2
    # Then the exception: talgat was in fact late.
    attendance_mark(actor=c.timur, attendance=scene.attendance_talgat, status=AttendanceStatus.LATE)
    assert Attendance.objects.get(pk=scene.attendance_talgat.pk).status == "late"


def test_everyone_present_is_only_for_those_who_mark(client, programme_cast, scene):
    client.force_login(programme_cast.talgat)
    response = client.post(reverse("attendance:attendance-mark-everyone", args=[scene.session_a1.pk]))
    assert response.status_code == 403
    assert not scene.session_a1.attendances.exclude(status="").exists()


def test_a_marked_gathering_is_cancelled_in_one_flow_that_clears_the_marks(client, programme_cast, scene):
    c = programme_cast
    session = scene.session_a1
    attendance_mark_everyone(actor=c.timur, gathering=session)
    with pytest.raises(ValidationError):
        gathering_cancel(actor=c.timur, gathering=session, reason="Қар")
    client.force_login(c.timur)
    url = reverse("attendance:gathering-clear-cancel", args=[session.pk])
    page = client.get(url).content.decode()
    assert 'id="marks-to-clear"' in page and c.person_talgat.full_name in page
    assert client.post(url, {"cancel-reason": ""}).status_code == 200  # a reason is needed
    assert session.attendances.exclude(status="").count() == 2
    response = client.post(url, {"cancel-reason": "Жол жабық"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.is_cancelled and session.cancel_reason == "Жол жабық"
    assert not session.attendances.exclude(status="").exists()
    assert AuditEntry.objects.filter(action="attendance.attendance.cleared").count() == 2
    assert AuditEntry.objects.filter(action="attendance.gathering.cancelled", target_id=str(session.pk)).exists()


def test_clear_and_cancel_is_all_or_nothing(programme_cast, scene):
    c = programme_cast
    session = scene.session_a1
    attendance_mark_everyone(actor=c.timur, gathering=session)
    with pytest.raises(ValidationError):
        gathering_clear_and_cancel(actor=c.timur, gathering=session, reason="   ")
    assert session.attendances.exclude(status="").count() == 2
    assert attendance_clear_all(actor=c.timur, gathering=session) == 2
    assert not session.attendances.exclude(status="").exists()


def test_marks_on_a_gathering_still_ahead_count_for_no_hours_or_rates(programme_cast, scene):
    c = programme_cast
    attendance_mark(actor=c.timur, attendance=scene.attendance_talgat, status=AttendanceStatus.PRESENT)
    assert person_hours(person_id=c.person_talgat.pk) == 2.0
    # A mark left on a gathering that is still ahead (given before marking had a window).
    future = _session(c, timezone.now() + datetime.timedelta(days=11))
    Attendance.objects.filter(gathering=future).update(status=AttendanceStatus.PRESENT, marked_at=timezone.now())
    assert person_hours(person_id=c.person_talgat.pk) == 2.0
    hours = {row.person_id: row.hours for row in participation_hours(programme=c.programme)}
    assert hours[c.person_talgat.pk] == 2.0
    by_school = {row.key: row for row in attendance_rates_by_school(programme=c.programme)}
    assert by_school[c.school_a1.pk].present == 1


def test_the_programme_form_sets_when_marking_opens(client, programme_cast):
    from shamy.programmes.forms import ProgrammeForm

    form = ProgrammeForm()
    assert form.fields["marking_opens_minutes"].initial == 60
    assert ProgrammeForm({}).fields["marking_opens_minutes"].required is False
    too_long = ProgrammeForm({"marking_opens_minutes": 5000})
    assert not too_long.is_valid() and "marking_opens_minutes" in too_long.errors


def test_the_coordinator_changes_when_marking_opens_and_it_is_audited(client, programme_cast):
    c = programme_cast
    url = reverse("programmes:programme-marking", args=[c.programme.pk])
    client.force_login(c.aliya)
    assert client.post(url, {"marking_opens_minutes": "2000"}).status_code == 302
    assert Programme.objects.get(pk=c.programme.pk).marking_opens_minutes == 60  # out of range: refused
    assert client.post(url, {"marking_opens_minutes": "15"}).status_code == 302
    assert Programme.objects.get(pk=c.programme.pk).marking_opens_minutes == 15
    entry = AuditEntry.objects.get(action="programmes.programme.updated")
    assert (entry.before, entry.after) == ({"marking_opens_minutes": 60}, {"marking_opens_minutes": 15})
    page = client.get(reverse("programmes:programme-detail", args=[c.programme.pk])).content.decode()
    assert 'name="marking_opens_minutes"' in page
    client.force_login(c.timur)
    assert client.post(url, {"marking_opens_minutes": "0"}).status_code == 403
