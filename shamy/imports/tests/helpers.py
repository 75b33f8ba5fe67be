"""Building import files for tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence

from django.core.files.uploadedfile import SimpleUploadedFile

SCHOOL_HEADER = ["external_id", "bin", "name_kk", "name_ru", "region", "district", "locality", "pupils", "teachers"]


def csv_bytes(
    rows: Sequence[Sequence[object]], *, delimiter: str = ",", encoding: str = "utf-8", bom: bool = False
) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([[str(cell) for cell in row] for row in rows])
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(data: bytes, name: str = "schools.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def school_row(number: int, *, bin_value: str = "", region: str = "19", district: str = "195200") -> list[object]:
    return [
        f"EXT-{number}",
        bin_value,
        f"№{number} мектеп",
        f"Школа №{number}",
        region,
        district,
        "rural",
        100 + number,
        10 + number,
    ]


def rewrite_part(data: bytes, part: str, transform: Callable[[bytes], bytes]) -> bytes:
    """The same zip with one part's bytes replaced by ``transform(old)``."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry.filename)
            target.writestr(entry.filename, transform(content) if entry.filename == part else content)
    return out.getvalue()


def with_dimension(data: bytes, ref: str) -> bytes:
    """The workbook with its first sheet's ``<dimension ref>`` rewritten (a stale tag, as some
    exporters write)."""
    import re

    def stale(xml: bytes) -> bytes:
        changed, count = re.subn(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), xml)
        assert count == 1
        return changed

    return rewrite_part(data, "xl/worksheets/sheet1.xml", stale)


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/data.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Data" sheetId="1" r:id="rId7"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId7" Target="worksheets/data.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    '<Relationship Id="rId8" Target="sharedStrings.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
    "</Relationships>"
)


def xlsx_by_hand(rows: Sequence[Sequence[str]], *, dimension: str | None = None, shared: bool = True) -> bytes:
    """A workbook written the way Excel writes it: every text in ``xl/sharedStrings.xml`` (or
    inline in the sheet when not ``shared``), the sheet in a part not named sheet1.xml, and an
    optional ``<dimension>`` tag. Unlike openpyxl, it does not cut texts at 32,767 characters."""
    import zipfile
    from xml.sax.saxutils import escape

    from openpyxl.utils import get_column_letter

    strings: list[str] = []
    sheet_rows = []
    for row_number, row in enumerate(rows, start=1):
        cells = []
        for column, text in enumerate(row, start=1):
            reference = f"{get_column_letter(column)}{row_number}"
            if shared:
                strings.append(text)
                cells.append(f'<c r="{reference}" t="s"><v>{len(strings) - 1}</v></c>')
            else:
                cells.append(f'<c r="{reference}" t="inlineStr"><is><t>{escape(text)}</t></is></c>')
        sheet_rows.append(f'<row r="{row_number}">{"".join(cells)}</row>')
    tag = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{tag}'
        f"<sheetData>{''.join(sheet_rows)}</sheetData></worksheet>"
    )
    string_table = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}">'
        + "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
        + "</sst>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/data.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", string_table)
    return out.getvalue()
