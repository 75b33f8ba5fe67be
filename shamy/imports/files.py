"""Reading uploaded tables: checking a file by its content, then turning it into rows of text.

Formats are recognised by what the bytes are, not by the file's name alone: an ``.xlsx`` must be
a real zip holding the OOXML workbook parts, a ``.csv`` must decode as text (UTF-8 with or
without a byte-order mark, else Windows-1251, the usual export of Russian-language Excel).
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

CSV = "csv"
XLSX = "xlsx"
_TEXT_EXTENSIONS = {".csv": CSV, ".txt": CSV, ".xlsx": XLSX}
_OOXML_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
_ALLOWED_CONTROL = {"\t", "\n", "\r"}


class FileProblem(Exception):
    """The upload cannot be read. ``message`` is a lazy translatable text, ``params`` its values."""

    def __init__(self, message: object, params: dict[str, object] | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.params = params or {}

    def text(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)


@dataclass(frozen=True)
class Table:
    """A file's header and its rows, every cell as stripped text; ``lines`` are the file's row numbers."""

    header: list[str]
    rows: list[list[str]]
    lines: list[int]


def format_from_name(name: str) -> str:
    lowered = name.lower()
    for extension, kind in _TEXT_EXTENSIONS.items():
        if lowered.endswith(extension):
            return kind
    raise FileProblem(_("Upload a CSV or XLSX file (its name should end in .csv or .xlsx)."))


def check_content(data: bytes, file_format: str) -> None:
    """Raise FileProblem unless ``data`` really is a file of ``file_format`` within the size limit."""
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        raise FileProblem(
            _("The file is too large: the limit is %(limit)s MB."), {"limit": round(limit / 1024 / 1024, 1)}
        )
    if not data.strip():
        raise FileProblem(_("The file is empty."))
    if file_format == XLSX:
        if not _is_workbook(data):
            raise FileProblem(_("This is not an Excel workbook (.xlsx): the file's content does not match its name."))
        return
    if data.startswith(b"PK\x03\x04") or b"\x00" in data:
        raise FileProblem(_("This is not a CSV text file: the file holds binary data."))
    text = decode_text(data)
    if any(unicodedata.category(char) == "Cc" and char not in _ALLOWED_CONTROL for char in text):
        raise FileProblem(_("This is not a CSV text file: the file holds binary data."))


def _is_workbook(data: bytes) -> bool:
    if not data.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return all(part in names for part in _OOXML_PARTS)


def decode_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1251")
    except UnicodeDecodeError as error:
        raise FileProblem(_("The file's text encoding is not recognised: save it as CSV UTF-8.")) from error


def _sniff_delimiter(text: str) -> str:
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: first_line.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _clean(value: str) -> str:
    return unicodedata.normalize("NFC", value).replace("\u00a0", " ").strip()


def _table(raw_rows: Iterator[tuple[int, Sequence[str]]]) -> Table:
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    for line, raw in raw_rows:
        cells = [_clean(cell) for cell in raw]
        if not any(cells):
            continue  # blank lines are skipped everywhere, the header included
        if header is None:
            header = cells
            continue
        rows.append(cells)
        lines.append(line)
    if header is None:
        raise FileProblem(_("The file has no header row."))
    while header and not header[-1]:
        header.pop()
    return Table(header=header, rows=rows, lines=lines)


def read_csv(data: bytes) -> Table:
    text = decode_text(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    try:
        return _table((reader.line_num, row) for row in reader)
    except csv.Error as error:
        raise FileProblem(_("The CSV file is malformed: %(reason)s"), {"reason": str(error)}) from error


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(decimal.Decimal(repr(value)), "f")
    return str(value)


def read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds of errors for damaged files
        raise FileProblem(_("The workbook cannot be read: it may be damaged.")) from error
    try:
        sheet = workbook.worksheets[0]
        return _table(
            (line, [_cell_text(value) for value in row])
            for line, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        )
    finally:
        workbook.close()


def read_table(data: bytes, file_format: str) -> Table:
    check_content(data, file_format)
    return read_xlsx(data) if file_format == XLSX else read_csv(data)
