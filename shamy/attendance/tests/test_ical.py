from __future__ import annotations

import datetime
import zoneinfo

from hypothesis import given
from hypothesis import strategies as st

from shamy.attendance.ical import Event, build_calendar, escape_text, fold

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
NOW = datetime.datetime(2025, 1, 15, 9, 30, tzinfo=datetime.UTC)


def _unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_calendar_structure_crlf_and_utc_times():
    event = Event(
        uid="gathering-7@shamy.kz",
        starts_at=datetime.datetime(2025, 1, 22, 15, 0, tzinfo=ALMATY),
        ends_at=datetime.datetime(2025, 1, 22, 17, 0, tzinfo=ALMATY),
        summary="Мектептегі сессия; жоба, кезең 2",
        description="Күн тәртібі:\n1. Рефлексия\\талқылау",
        location="Ақсу ауылы, №1 мектеп",
    )
    body = build_calendar([event], name="Ақсу", now=NOW)
    text = body.decode("utf-8")
    assert text.endswith("\r\n")
    # Every line break is CRLF: no bare LF or CR.
    assert "\n" not in text.replace("\r\n", "")
    assert "\r" not in text.replace("\r\n", "")
    lines = _unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-2] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines
    assert "UID:gathering-7@shamy.kz" in lines
    assert "DTSTAMP:20250115T093000Z" in lines
    # Almaty is UTC+5 (since 2024 UTC+5 for the whole country): 15:00 local = 10:00Z.
    offset = datetime.datetime(2025, 1, 22, 15, 0, tzinfo=ALMATY).utcoffset()
    expected_hour = 15 - int(offset.total_seconds() // 3600)
    assert f"DTSTART:20250122T{expected_hour:02d}0000Z" in lines
    assert "SUMMARY:Мектептегі сессия\\; жоба\\, кезең 2" in lines
    assert "DESCRIPTION:Күн тәртібі:\\n1. Рефлексия\\\\талқылау" in lines
    assert lines.count("BEGIN:VEVENT") == 1 and lines.count("END:VEVENT") == 1


def test_long_lines_fold_at_75_octets_without_splitting_letters():
    summary = "Әріптестермен кеңесу және өзгерісті басқару туралы ұзақ тақырып " * 4
    text = build_calendar(
        [Event(uid="u@x", starts_at=NOW, ends_at=NOW + datetime.timedelta(hours=1), summary=summary)],
        name="x",
        now=NOW,
    ).decode("utf-8")
    physical = text.split("\r\n")
    assert any(line.startswith(" ") for line in physical)
    for line in physical:
        assert len(line.encode("utf-8")) <= 75
    assert "SUMMARY:" + escape_text(summary) in _unfold(text)


@given(st.text(min_size=0, max_size=400))
def test_folding_round_trips_and_respects_the_limit(value):
    line = "DESCRIPTION:" + escape_text(value)
    folded = fold(line)
    assert folded.replace("\r\n ", "") == line
    for piece in folded.split("\r\n"):
        assert len(piece.encode("utf-8")) <= 75


def test_escape_text():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_cancelled_event_has_status_cancelled_and_its_sequence():
    start = datetime.datetime(2025, 1, 22, 15, 0, tzinfo=ALMATY)
    planned = Event(uid="a@shamy.kz", starts_at=start, ends_at=start + datetime.timedelta(hours=1), summary="A")
    cancelled = Event(
        uid="b@shamy.kz",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        summary="B",
        sequence=3,
        cancelled=True,
    )
    text = build_calendar([planned, cancelled], name="x", now=NOW).decode("utf-8")
    first, second = text.split("BEGIN:VEVENT")[1:]
    assert "\r\nSEQUENCE:0\r\n" in first and "STATUS:" not in first
    assert "\r\nSEQUENCE:3\r\n" in second and "\r\nSTATUS:CANCELLED\r\n" in second
