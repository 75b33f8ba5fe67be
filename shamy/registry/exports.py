"""CSV and XLSX export of a filtered school list, streamed so a national export stays small in memory."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from shamy.registry.models import School

EXPORT_CHUNK = 2000


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
        (_("Small-class"), lambda s: _("yes") if s.is_small_class else _("no")),
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
        (_("Demo data"), lambda s: _("yes") if s.is_demo else _("no")),
    ]


def _filename(extension: str) -> str:
    return f"shamy-schools-{timezone.localdate().isoformat()}.{extension}"


class _Echo:
    def write(self, value: str) -> str:
        return value


def schools_csv_response(schools: QuerySet[School]) -> StreamingHttpResponse:
    columns = _columns()
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield "\ufeff"  # Excel opens UTF-8 CSV with Kazakh letters correctly only with a BOM.
        yield writer.writerow([title for title, _getter in columns])
        for school in schools.iterator(chunk_size=EXPORT_CHUNK):
            yield writer.writerow([getter(school) for _title, getter in columns])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def schools_xlsx_response(schools: QuerySet[School]) -> FileResponse:
    columns = _columns()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Schools"))
    sheet.append([title for title, _getter in columns])
    for school in schools.iterator(chunk_size=EXPORT_CHUNK):
        sheet.append([getter(school) for _title, getter in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return FileResponse(
        buffer,
        as_attachment=True,
        filename=_filename("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
