"""A small iCalendar (RFC 5545) writer for gatherings: no third-party dependency.

RFC 5545 rules followed: lines end in CRLF (3.1); lines longer than 75 octets are folded
with CRLF + one space, never inside a UTF-8 character (3.1); TEXT values escape backslash,
semicolon, comma and newlines (3.3.11); date-times are written in UTC with a trailing "Z"
(3.3.5); every VEVENT has UID and DTSTAMP (3.6.1).

A changed event keeps its UID and carries a higher SEQUENCE (3.8.7.4) so calendar apps replace
their copy; a cancelled one stays in the feed with STATUS:CANCELLED (3.8.1.11) so they strike it
instead of silently keeping it. The sequence is the gathering's own counter, raised by the
services on every change, so the same gathering always gives the same event.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

PRODID = "-//Shamy//Programme gatherings//KK"
MAX_OCTETS = 75


@dataclass(frozen=True)
class Event:
    uid: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""
    last_modified: datetime.datetime | None = None
    sequence: int = 0
    cancelled: bool = False


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold one content line into CRLF-separated pieces of at most 75 octets each
    (continuation pieces start with a space, which counts towards their 75)."""
    pieces: list[str] = []
    current = ""
    current_octets = 0
    limit = MAX_OCTETS
    for char in line:
        size = len(char.encode("utf-8"))
        if current_octets + size > limit:
            pieces.append(current)
            current = " "
            current_octets = 1
        current += char
        current_octets += size
    pieces.append(current)
    return "\r\n".join(pieces)


def format_utc(value: datetime.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("naive datetimes cannot be written to a calendar")
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def build_calendar(events: Iterable[Event], *, name: str, now: datetime.datetime) -> bytes:
    """The calendar as UTF-8 bytes, ready to serve as ``text/calendar``."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    stamp = format_utc(now)
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{format_utc(event.starts_at)}",
            f"DTEND:{format_utc(event.ends_at)}",
            f"SEQUENCE:{event.sequence}",
            f"SUMMARY:{escape_text(event.summary)}",
        ]
        if event.cancelled:
            lines.append("STATUS:CANCELLED")
        if event.location:
            lines.append(f"LOCATION:{escape_text(event.location)}")
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        if event.last_modified is not None:
            lines.append(f"LAST-MODIFIED:{format_utc(event.last_modified)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("".join(fold(line) + "\r\n" for line in lines)).encode("utf-8")
