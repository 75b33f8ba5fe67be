from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shamy.attendance.models import Attendance, AttendanceStatus, GatheringKind
from shamy.attendance.services.gatherings import gathering_create
from shamy.core.testing.factories import EmploymentFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _add_sessions(c, count):
    start = timezone.now() + datetime.timedelta(days=1)
    for n in range(count):
        gathering_create(
            actor=c.aliya,
            programme=c.programme,
            kind=GatheringKind.IN_SCHOOL,
            title=f"Сессия {n}",
            school=c.school_a1,
            starts_at=start + datetime.timedelta(days=n),
            ends_at=start + datetime.timedelta(days=n, hours=1),
            leads=[c.timur],
        )


def test_gathering_list_query_count_is_constant(client, programme_cast):
    c = programme_cast
    client.force_login(c.timur)
    url = reverse("attendance:gathering-list", args=[c.programme.pk])
    _add_sessions(c, 2)
    two = _queries(client, url)
    _add_sessions(c, 18)
    assert _queries(client, url) == two


def test_my_sessions_query_count_is_constant(client, programme_cast):
    c = programme_cast
    client.force_login(c.talgat)
    url = reverse("attendance:my-sessions")
    _add_sessions(c, 2)
    two = _queries(client, url)
    _add_sessions(c, 18)
    assert _queries(client, url) == two


def test_attendance_board_query_count_is_constant(client, programme_cast, scene):
    c = programme_cast
    client.force_login(c.timur)
    url = reverse("attendance:attendance-take", args=[scene.session_a1.pk])
    two = _queries(client, url)
    for _n in range(18):
        person = PersonFactory()
        EmploymentFactory(person=person, school=c.school_a1)
        Attendance.objects.create(gathering=scene.session_a1, person=person, school=c.school_a1)
    assert _queries(client, url) == two


def test_report_query_count_is_constant(client, programme_cast, scene):
    c = programme_cast
    client.force_login(c.aliya)
    url = reverse("attendance:report", args=[c.programme.pk])
    two = _queries(client, url)
    _add_sessions(c, 5)
    for row in Attendance.objects.all():
        row.status = AttendanceStatus.PRESENT
        row.save()
    assert _queries(client, url) == two


def test_observer_report_hides_small_groups_the_coordinator_sees(client, programme_cast, scene):
    """Issue 12, point 8: the cast's schools have one or two people marked: the coordinator sees
    their rates, the observer (aggregate-only) sees them suppressed."""
    c = programme_cast
    for row in Attendance.objects.all():
        row.status = AttendanceStatus.PRESENT
        row.save()
    url = reverse("attendance:report", args=[c.programme.pk])
    client.force_login(c.aliya)
    response = client.get(url)
    assert response.context["by_school"] and not any(row.hidden for row in response.context["by_school"])
    assert 'class="suppressed"' not in response.content.decode()
    client.force_login(c.nurlan)
    response = client.get(url)
    page = response.content.decode()
    assert all(row.hidden for row in response.context["by_school"])
    assert all(row.hidden for row in response.context["by_region"])
    assert 'class="suppressed"' in page and response.context["minimum"] == 10


def test_htmx_mark_returns_the_updated_row(client, programme_cast, scene):
    c = programme_cast
    client.force_login(c.timur)
    response = client.post(
        reverse("attendance:attendance-mark", args=[scene.attendance_talgat.pk]),
        {"status": AttendanceStatus.PRESENT},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="attendance-{scene.attendance_talgat.pk}"' in body
    assert 'data-status="present"' in body
    scene.attendance_talgat.refresh_from_db()
    assert scene.attendance_talgat.status == AttendanceStatus.PRESENT


def test_calendar_download_is_valid_icalendar(client, programme_cast, scene):
    c = programme_cast
    client.force_login(c.talgat)
    response = client.get(reverse("attendance:my-calendar"))
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert f"UID:gathering-{scene.session_a1.pk}@shamy.kz" in text
    assert f"UID:gathering-{scene.network_a.pk}@shamy.kz" in text
    assert f"UID:gathering-{scene.session_b1.pk}@shamy.kz" not in text
    school = client.get(reverse("attendance:school-calendar", args=[c.school_a1.pk])).content.decode()
    assert f"UID:gathering-{scene.session_a1.pk}@shamy.kz" in school


def test_material_download_returns_the_file(client, programme_cast, scene):
    client.force_login(programme_cast.talgat)
    response = client.get(reverse("attendance:material-download", args=[scene.material.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
