"""Empty template files for each import kind, with headers in the user's language."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from shamy.imports.base import Importer
from shamy.imports.cells import ChoiceListParser, allowed_values
from shamy.imports.files import CSV, XLSX

# Rows of the XLSX template that offer the drop-downs.
TEMPLATE_ROWS = 5000

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
        _add_drop_downs(workbook, sheet, importer)
        buffer_bytes = io.BytesIO()
        workbook.save(buffer_bytes)
        response = HttpResponse(buffer_bytes.getvalue(), content_type=XLSX_TYPE)
    else:
        raise ValueError(file_format)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _add_drop_downs(workbook: Any, sheet: Any, importer: Importer) -> None:
    """A second sheet lists each enumerated column's values in the user's language, and the column
    offers them as a drop-down (for columns that take several values, as a suggestion only)."""
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    columns = [(index, column, allowed_values(column.parse)) for index, column in enumerate(importer.columns, start=1)]
    columns = [(index, column, values) for index, column, values in columns if values]
    if not columns:
        return
    lists = workbook.create_sheet(str(_("Allowed values"))[:31])
    for list_column, (index, column, values) in enumerate(columns, start=1):
        letter = get_column_letter(list_column)
        lists.cell(row=1, column=list_column, value=str(column.label)).data_type = "s"
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=list_column, value=value).data_type = "s"
        lists.column_dimensions[letter].width = max(14, *(len(value) + 2 for value in values))
        several = isinstance(column.parse, ChoiceListParser)
        validation = DataValidation(
            type="list",
            formula1=f"{quote_sheetname(lists.title)}!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=not several,
            errorTitle=str(column.label),
            error=str(_("Choose a value from the list.")),
        )
        target = get_column_letter(index)
        validation.add(f"{target}2:{target}{TEMPLATE_ROWS}")
        sheet.add_data_validation(validation)
