"""Empty template files for each import kind, with headers in the user's language."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import get_language

from shamy.core import exports
from shamy.imports.base import Importer
from shamy.imports.files import CSV, XLSX


def headers(importer: Importer) -> list[str]:
    return [str(column.label) for column in importer.columns]


def template_response(importer: Importer, file_format: str) -> HttpResponse:
    name = f"shamy-{importer.kind}-{get_language() or 'kk'}"
    if file_format == CSV:
        # Semicolons and a byte-order mark: what Excel in Kazakh and Russian locales opens directly.
        return exports.csv_response(headers(importer), [], name, delimiter=";")
    if file_format == XLSX:
        return exports.xlsx_response(
            headers(importer),
            [],
            name,
            title=importer.kind,
            bold_header=True,
            column_widths=[max(12, len(label) + 2) for label in headers(importer)],
        )
    raise ValueError(file_format)
