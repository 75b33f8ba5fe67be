"""Empty template files for each import kind, with headers in the user's language."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils.translation import get_language

from shamy.imports.base import Importer
from shamy.imports.files import CSV, XLSX

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def headers(importer: Importer) -> list[str]:
    return [str(column.label) for column in importer.columns]


def template_response(importer: Importer, file_format: str) -> HttpResponse:
    name = f"shamy-{importer.kind}-{get_language() or 'kk'}.{file_format}"
    if file_format == CSV:
        buffer = io.StringIO()
        # Semicolons and a byte-order mark: what Excel in Kazakh and Russian locales opens directly.
        csv.writer(buffer, delimiter=";").writerow(headers(importer))
        response = HttpResponse(("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
    elif file_format == XLSX:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None  # noqa: S101 (a new workbook always has a sheet)
        sheet.title = importer.kind
        sheet.append(headers(importer))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for index, column in enumerate(importer.columns, start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(
                12, len(str(column.label)) + 2
            )
        buffer_bytes = io.BytesIO()
        workbook.save(buffer_bytes)
        response = HttpResponse(buffer_bytes.getvalue(), content_type=XLSX_TYPE)
    else:
        raise ValueError(file_format)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
