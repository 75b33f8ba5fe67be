"""CSV and XLSX export of a filtered school list, streamed so a national export stays small in memory.

Written through ``shamy.core.exports``: no school name comes back as a live formula."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

from shamy.core import exports
from shamy.registry.models import School

EXPORT_CHUNK = 2000


def yes_no(value: bool) -> str:
    """A yes/no cell in the reader's language."""
    return _("yes") if value else _("no")


def _columns() -> list[tuple[str, Any]]:
    return [
        (_("ID"), lambda s: s.pk),
        (_("External ID"), lambda s: s.external_id or ""),
        (_("Name (Kazakh)"), lambda s: s.name_kk),
        (_("Name (Russian)"), lambda s: s.name_ru),
        (_("BIN"), lambda s: s.bin or ""),
        (_("KATO code"), lambda s: s.kato),
        (_("Region"), lambda s: s.region.name),
        (_("District"), lambda s: s.district.name if s.district else ""),
        (_("Locality"), lambda s: s.get_locality_display()),
        (_("Small-class"), lambda s: yes_no(s.is_small_class)),
        (_("Language of instruction"), lambda s: s.get_language_display()),
        (_("Grades"), lambda s: f"{s.grade_from}–{s.grade_to}"),
        (_("Pupils"), lambda s: s.pupils),
        (_("Teachers"), lambda s: s.teachers),
        (_("Internet"), lambda s: s.get_internet_display()),
        (_("Internet connected on"), lambda s: s.internet_connected_on.isoformat() if s.internet_connected_on else ""),
        (_("Year last modernised"), lambda s: s.modernised_year or ""),
        (_("Ownership"), lambda s: s.get_ownership_display()),
        (_("Future School"), lambda s: s.get_future_school_display()),
        (_("Latitude"), lambda s: str(s.latitude) if s.latitude is not None else ""),
        (_("Longitude"), lambda s: str(s.longitude) if s.longitude is not None else ""),
        (_("Demo data"), lambda s: yes_no(s.is_demo)),
    ]


def _filename() -> str:
    return f"shamy-schools-{timezone.localdate().isoformat()}"


def _rows(schools: QuerySet[School], columns: list[tuple[str, Any]]) -> Iterator[list[Any]]:
    for school in schools.iterator(chunk_size=EXPORT_CHUNK):
        yield [getter(school) for _title, getter in columns]


def schools_csv_response(schools: QuerySet[School]) -> HttpResponseBase:
    columns = _columns()
    header = [title for title, _getter in columns]
    return exports.csv_stream_response(header, _rows(schools, columns), _filename())


def schools_xlsx_response(schools: QuerySet[School]) -> HttpResponseBase:
    columns = _columns()
    header = [title for title, _getter in columns]
    return exports.xlsx_response(header, _rows(schools, columns), _filename(), title=_("Schools"))
