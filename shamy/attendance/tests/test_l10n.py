"""Language that reads as native (issue 11, point 7) on the attendance pages: titles that only name
the gathering's kind follow the page's language, and people sort in Kazakh alphabetical order."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from shamy.attendance.models import Attendance, AttendanceStatus, GatheringKind, title_for_display
from shamy.attendance.selectors import attendance_rows, participation_hours
from shamy.attendance.services.gatherings import gathering_create
from shamy.core.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db

KIND_NAME = {"kk": "Мектептегі сессия", "ru": "Занятие в школе", "en": "In-school session"}


@pytest.mark.parametrize("stored", ["Мектептегі сессия", "Школьная сессия", "In-school session", " мектептегі сессия "])
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_title_naming_only_the_kind_reads_in_the_page_language(stored, language):
    with translation.override(language):
        assert title_for_display(stored, GatheringKind.IN_SCHOOL) == KIND_NAME[language]


def test_a_title_of_its_own_stays_as_written():
    with translation.override("ru"):
        assert title_for_display("Мектептегі сессия: жобалар", GatheringKind.IN_SCHOOL) == "Мектептегі сессия: жобалар"
        # The name of another kind is a title of its own for this one.
        assert title_for_display("Мектептегі сессия", GatheringKind.WEBINAR) == "Мектептегі сессия"


def _in_school_session(c, *, title="Мектептегі сессия", expected=()):
    start = timezone.now() - datetime.timedelta(days=1)
    return gathering_create(
        actor=c.aliya,
        programme=c.programme,
        kind=GatheringKind.IN_SCHOOL,
        title=title,
        school=c.school_a1,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        leads=[c.timur],
        expected=[(person, c.school_a1.pk) for person in expected],
    )


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_generated_in_school_title_is_translated_on_the_pages(client, programme_cast, language):
    """Every demo in-school session was titled «Мектептегі сессия», which stayed Kazakh on ru and en pages."""
    c = programme_cast
    gathering = _in_school_session(c)
    type(c.aliya).objects.filter(pk=c.aliya.pk).update(language=language)  # the account's language wins
    client.force_login(c.aliya)
    detail = client.get(reverse("attendance:gathering-detail", args=[gathering.pk])).content.decode()
    listing = client.get(reverse("attendance:gathering-list", args=[c.programme.pk])).content.decode()
    for html in (detail, listing):
        assert KIND_NAME[language] in html
        if language != "kk":
            assert "Мектептегі сессия" not in html


def test_people_sort_in_kazakh_order_in_the_hours_table_and_the_attendance_list(programme_cast):
    """Issue 11 found «Ілиясова» before «Айтжанов» in the hours table: a binary sort puts І (U+0406)
    before А (U+0410). The Kazakh alphabet reads А Ә Б … Ы І Ь Э Ю Я."""
    c = programme_cast
    surnames = ["Ілиясова", "Айтжанов", "Әбенова", "Ыдырысов", "Өмірбек", "Оспанов"]
    people = [PersonFactory(surname=surname, given_name="Асел") for surname in surnames]
    gathering = _in_school_session(c, title="Жобалар", expected=people)
    Attendance.objects.filter(gathering=gathering).update(status=AttendanceStatus.PRESENT)
    expected_order = ["Айтжанов", "Әбенова", "Оспанов", "Өмірбек", "Ыдырысов", "Ілиясова"]

    hours = [row.name.split()[0] for row in participation_hours(programme=c.programme)]
    assert [name for name in hours if name in surnames] == expected_order
    listed = [row.person.surname for row in attendance_rows(gathering=gathering)]
    assert listed == expected_order
