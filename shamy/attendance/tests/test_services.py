from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shamy.attendance.models import Attendance, AttendanceStatus, Gathering, GatheringKind
from shamy.attendance.selectors import (
    attendance_rates_by_region,
    attendance_rates_by_school,
    participation_hours,
    person_hours,
)
from shamy.attendance.services.gatherings import (
    MAX_MATERIAL_BYTES,
    gathering_create,
    material_add,
    series_create,
    series_dates,
)
from shamy.attendance.services.marking import attendance_mark, feedback_add
from shamy.audit.models import AuditEntry
from shamy.core.testing.files import png_bytes

pytestmark = pytest.mark.django_db
ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")


def test_series_dates_every_second_wednesday():
    first = datetime.date(2024, 9, 4)  # a Wednesday
    dates = series_dates(first, datetime.date(2024, 10, 31), 2, skip=[datetime.date(2024, 10, 2)])
    assert dates == [
        datetime.date(2024, 9, 4),
        datetime.date(2024, 9, 18),
        datetime.date(2024, 10, 16),
        datetime.date(2024, 10, 30),
    ]
    assert all(day.weekday() == 2 for day in dates)


def test_series_create_makes_all_sessions_in_one_call(programme_cast):
    c = programme_cast
    series = series_create(
        actor=c.timur,
        programme=c.programme,
        cohort=c.cohort_a,
        school=c.school_a1,
        title="Мектептегі сессия",
        first_on=datetime.date(2025, 9, 3),
        until=datetime.date(2025, 12, 24),
        interval_weeks=2,
        start_time=datetime.time(15, 0),
        end_time=datetime.time(16, 30),
        leads=[c.timur],
    )
    sessions = list(series.gatherings.order_by("starts_at"))
    assert len(sessions) == 9  # 3 Sep … 24 Dec, fortnightly
    first = sessions[0]
    assert first.starts_at.astimezone(ALMATY).time() == datetime.time(15, 0)
    assert first.kind == GatheringKind.IN_SCHOOL and first.school == c.school_a1
    assert {a.person for a in first.attendances.all()} == {c.person_talgat, c.person_timur}
    assert list(first.leads.all()) == [c.timur]
    assert AuditEntry.objects.filter(action="attendance.gathering.created").count() == 9
    assert AuditEntry.objects.filter(action="attendance.series.created").count() == 1


def test_facilitator_cannot_schedule_for_another_school(programme_cast):
    c = programme_cast
    with pytest.raises(PermissionDenied):
        series_create(
            actor=c.timur,
            programme=c.programme,
            school=c.school_b1,
            title="x",
            first_on=datetime.date(2025, 9, 3),
            until=datetime.date(2025, 9, 30),
            start_time=datetime.time(15, 0),
            end_time=datetime.time(16, 0),
        )
    with pytest.raises(PermissionDenied):
        series_create(
            actor=c.talgat,
            programme=c.programme,
            school=c.school_a1,
            title="x",
            first_on=datetime.date(2025, 9, 3),
            until=datetime.date(2025, 9, 30),
            start_time=datetime.time(15, 0),
            end_time=datetime.time(16, 0),
        )


def test_webinar_needs_a_link(programme_cast):
    c = programme_cast
    start = datetime.datetime(2025, 2, 1, 10, tzinfo=ALMATY)
    with pytest.raises(ValidationError):
        gathering_create(
            actor=c.aliya,
            programme=c.programme,
            kind=GatheringKind.WEBINAR,
            title="Вебинар",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
        )


def _gathering(c, start, hours, school, expected):
    return gathering_create(
        actor=c.aliya,
        programme=c.programme,
        kind=GatheringKind.IN_SCHOOL,
        title="Сессия",
        school=school,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=hours),
        expected=expected,
        leads=[c.aliya],
    )


def test_participation_hours_and_rates_hand_computed(programme_cast):
    c = programme_cast
    a1, b1 = c.school_a1.pk, c.school_b1.pk
    day = datetime.datetime(2025, 3, 5, 15, tzinfo=ALMATY)
    g1 = _gathering(c, day, 2, c.school_a1, [(c.person_talgat, a1), (c.person_timur, a1)])
    g2 = _gathering(
        c, day + datetime.timedelta(days=14), 1.5, c.school_a1, [(c.person_talgat, a1), (c.person_timur, a1)]
    )
    g3 = _gathering(c, day, 3, c.school_b1, [(c.person_tomiris, b1)])
    marks = [
        (g1, c.person_talgat, AttendanceStatus.PRESENT),
        (g1, c.person_timur, AttendanceStatus.ABSENT),
        (g2, c.person_talgat, AttendanceStatus.LATE),
        (g2, c.person_timur, AttendanceStatus.EXCUSED),
        (g3, c.person_tomiris, AttendanceStatus.PRESENT),
    ]
    for gathering, person, status in marks:
        attendance_mark(
            actor=c.aliya, attendance=Attendance.objects.get(gathering=gathering, person=person), status=status
        )

    # talgat: present 2 h + late 1.5 h = 3.5 h; timur: 0 h; tomiris: 3 h.
    assert person_hours(person_id=c.person_talgat.pk) == 3.5
    assert person_hours(person_id=c.person_timur.pk) == 0
    hours = {row.person_id: (row.hours, row.attended) for row in participation_hours(programme=c.programme)}
    assert hours == {c.person_talgat.pk: (3.5, 2), c.person_timur.pk: (0, 0), c.person_tomiris.pk: (3.0, 1)}

    by_school = {row.key: row for row in attendance_rates_by_school(programme=c.programme)}
    # A1: 4 marked places, 2 attended (present + late) → 50 %. B1: 1 of 1 → 100 %.
    assert (by_school[a1].present, by_school[a1].late, by_school[a1].excused, by_school[a1].absent) == (1, 1, 1, 1)
    assert by_school[a1].rate == 0.5
    assert by_school[b1].rate == 1.0
    by_region = {row.key: row.rate for row in attendance_rates_by_region(programme=c.programme)}
    assert by_region == {c.region_a.pk: 0.5, c.region_b.pk: 1.0}


def test_rates_run_one_query_per_table(programme_cast, django_assert_num_queries):
    c = programme_cast
    with django_assert_num_queries(1):
        attendance_rates_by_school(programme=c.programme)
    with django_assert_num_queries(1):
        attendance_rates_by_region(programme=c.programme)
    with django_assert_num_queries(1):
        participation_hours(programme=c.programme)


def test_only_leads_and_coordinator_mark(programme_cast, scene):
    c = programme_cast
    row = scene.attendance_talgat
    for actor in (c.talgat, c.madina, c.bolat, c.aigerim):
        with pytest.raises(PermissionDenied):
            attendance_mark(actor=actor, attendance=row, status=AttendanceStatus.PRESENT)
    attendance_mark(actor=c.timur, attendance=row, status=AttendanceStatus.LATE)
    row.refresh_from_db()
    assert row.status == AttendanceStatus.LATE and row.marked_by == c.timur
    with pytest.raises(ValidationError):
        attendance_mark(actor=c.timur, attendance=row, status="sleeping")


def test_materials_are_checked_by_content_and_size(programme_cast, scene):
    c = programme_cast
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    with pytest.raises(ValidationError):
        material_add(actor=c.timur, gathering=scene.session_a1, upload=fake)
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (MAX_MATERIAL_BYTES + 1))
    with pytest.raises(ValidationError):
        material_add(actor=c.timur, gathering=scene.session_a1, upload=big)
    # A real image: photos are re-encoded without metadata, so a damaged one is refused.
    png = SimpleUploadedFile("photo.exe", png_bytes())
    material = material_add(actor=c.timur, gathering=scene.session_a1, upload=png)
    assert material.content_type == "image/png"
    assert material.file.name.endswith(".png")
    with pytest.raises(PermissionDenied):
        material_add(actor=c.talgat, gathering=scene.session_a1, upload=png)


def test_feedback_visible_to_participants_of_the_event(client, programme_cast, scene):
    from django.urls import reverse

    c = programme_cast
    feedback_add(actor=c.timur, presentation=scene.presentation, text="Жақсы бастама!")
    url = reverse("attendance:gathering-detail", args=[scene.network_a.pk])
    client.force_login(c.talgat)
    assert "Жақсы бастама!" in client.get(url).content.decode()
    client.force_login(c.aigerim)
    assert "Жақсы бастама!" in client.get(url).content.decode()
    with pytest.raises(PermissionDenied):
        feedback_add(actor=c.serik, presentation=scene.presentation, text="x")
    with pytest.raises(PermissionDenied):
        feedback_add(actor=c.tomiris, presentation=scene.presentation, text="x")


def test_visibility_of_gatherings_per_persona(programme_cast, scene):
    c = programme_cast

    def seen(user):
        return set(Gathering.objects.restrict(user, "view").values_list("pk", flat=True))

    a1, net, b1 = scene.session_a1.pk, scene.network_a.pk, scene.session_b1.pk
    assert seen(c.aliya) == {a1, net, b1}
    assert seen(c.timur) == {a1, net}
    assert seen(c.madina) == {a1, net}
    assert seen(c.talgat) == {a1, net}
    assert seen(c.tomiris) == {b1}
    assert seen(c.saule) == {b1}
    assert seen(c.erbol) == set()
    assert seen(c.serik) == set()
    assert seen(c.nurlan) == set()
    assert seen(c.kairat) == set()


def test_expected_people_can_be_added_and_removed_until_marked(programme_cast, scene):
    from shamy.attendance.services.marking import attendance_expect, attendance_unexpect

    c = programme_cast
    network = scene.network_a
    row = network.attendances.get(person=c.person_talgat)
    attendance_unexpect(actor=c.madina, attendance=row)
    assert not network.attendances.filter(person=c.person_talgat).exists()
    again = attendance_expect(actor=c.madina, gathering=network, person=c.person_talgat)
    assert again.school == c.school_a1
    with pytest.raises(ValidationError):
        attendance_expect(actor=c.madina, gathering=network, person=c.person_talgat)
    with pytest.raises(ValidationError):
        attendance_expect(actor=c.madina, gathering=network, person=c.teacher_a1)  # not in the programme
    # The event takes place now (marking opens shortly before it starts).
    now = timezone.now()
    Gathering.objects.filter(pk=network.pk).update(starts_at=now, ends_at=now + datetime.timedelta(hours=2))
    attendance_mark(actor=c.madina, attendance=again, status=AttendanceStatus.PRESENT)
    with pytest.raises(ValidationError):
        attendance_unexpect(actor=c.madina, attendance=again)
    with pytest.raises(PermissionDenied):
        attendance_expect(actor=c.talgat, gathering=network, person=c.person_timur)


def test_observers_see_no_rate_of_a_small_group_nor_one_worked_out_from_it():
    """Issue 12, point 8: the attendance report hides, for aggregate-only readers, each school
    or region whose figures come from fewer people than the threshold, and one more school of
    the region, so that the hidden school is not its region minus the others."""
    from shamy.attendance.selectors import RateRow, suppress_rates

    region = RateRow(1, "Region", 30, 2, 1, 7, people=14)
    big = RateRow(10, "Big school", 20, 1, 1, 3, people=10, region=1)
    small = RateRow(11, "Small school", 6, 1, 0, 2, people=3, region=1)
    other = RateRow(2, "Other region", 40, 0, 0, 5, people=12)
    suppress_rates([region, other], [big, small], 10)
    assert small.hidden  # three people
    assert big.hidden or region.hidden  # else: region minus the big school gives the small one
    assert not other.hidden
    # Hidden rows are hidden whole, so no column of the region gives one away.
    alone = RateRow(12, "Alone", 4, 0, 0, 0, people=2, region=3)
    third = RateRow(3, "Third region", 4, 0, 0, 0, people=2)
    suppress_rates([third], [alone], 10)
    assert alone.hidden and third.hidden


def test_a_presentation_names_the_presenters_school(client, programme_cast, scene):
    # At a network event teachers from many schools present: each presentation says where its
    # presenter comes from (their school on the event's list), in every language.
    from django.urls import reverse
    from django.utils import translation

    from shamy.attendance.models import Attendance

    c = programme_cast
    presenter = scene.presentation.presenter
    row = Attendance.objects.select_related("school").get(gathering=scene.network_a, person=presenter)
    assert row.school is not None
    url = reverse("attendance:gathering-detail", args=[scene.network_a.pk])
    for language in ("kk", "ru", "en"):
        with translation.override(language):
            name = row.school.name
        type(c.aigerim).objects.filter(pk=c.aigerim.pk).update(language=language)  # the account's language wins
        client.force_login(c.aigerim)
        html = client.get(url).content.decode()
        section = html[html.index(f'id="presentation-{scene.presentation.pk}"') :]
        section = section[: section.index("</section>")]
        assert f"{scene.presentation.presenter.full_name} · {name}" in section
