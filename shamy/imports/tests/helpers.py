"""Building import files for tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

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
