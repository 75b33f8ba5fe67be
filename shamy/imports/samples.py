"""Empty template files for each import kind, with headers in the user's language. The XLSX
template offers each enumerated column's values as a drop-down, listed on a second sheet."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from shamy.core import exports
from shamy.imports.base import Importer
from shamy.imports.cells import ChoiceListParser, allowed_values
from shamy.imports.files import CSV, XLSX

# Rows of the XLSX template that offer the drop-downs.
TEMPLATE_ROWS = 5000


def headers(importer: Importer) -> list[str]:
    return [str(column.label) for column in importer.columns]


def template_response(importer: Importer, file_format: str) -> HttpResponse:
    name = f"shamy-{importer.kind}-{get_language() or 'kk'}"
    if file_format == CSV:
        # Semicolons and a byte-order mark: what Excel in Kazakh and Russian locales opens directly.
        return exports.csv_response(headers(importer), [], name, delimiter=";")
    if file_format == XLSX:
        choices = {
            index: allowed_values(column.parse)
            for index, column in enumerate(importer.columns)
            if allowed_values(column.parse)
        }
        return exports.xlsx_response(
            headers(importer),
            [],
            name,
            title=importer.kind,
            bold_header=True,
            column_widths=[max(12, len(label) + 2) for label in headers(importer)],
            choices=choices,
            choices_title=str(_("Allowed values")),
            choices_rows=TEMPLATE_ROWS,
            # Columns that take several values suggest them but accept a list.
            lenient={
                index for index, column in enumerate(importer.columns) if isinstance(column.parse, ChoiceListParser)
            },
            choices_error=str(_("Choose a value from the list.")),
        )
    raise ValueError(file_format)
