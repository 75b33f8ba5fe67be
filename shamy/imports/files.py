"""Reading uploaded tables: checking a file by its content, then turning it into rows of text.

Formats are recognised by what the bytes are, not by the file's name alone: an ``.xlsx`` must be
a real zip holding the OOXML workbook parts, a ``.csv`` must decode as text (UTF-8 with or
without a byte-order mark, else Windows-1251, the usual export of Russian-language Excel).

Every import of every app reads its file here, so the limits hold for all of them (issue 12): a
20 MB upload limit counts compressed bytes, and a small XLSX can unpack to a huge sheet. So an
XLSX is refused, before openpyxl parses it, when its parts unpack to more than
``IMPORT_MAX_UNPACKED_BYTES`` (the sum of the zip's declared sizes, which also bound what the zip
reader returns) or when its shared strings or first sheet hold a cell longer than
``IMPORT_MAX_CELL_CHARS`` (a streaming scan that never holds the long text). While rows are read,
a file with more than ``IMPORT_MAX_ROWS`` rows, a row wider than ``IMPORT_MAX_COLUMNS`` or a
longer cell is refused. The sheet's ``<dimension>`` tag is ignored: some programs write a stale
one, and openpyxl's read-only mode would otherwise stop at it and drop the rows after it.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import posixpath
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext_lazy as _

CSV = "csv"
XLSX = "xlsx"
_TEXT_EXTENSIONS = {".csv": CSV, ".txt": CSV, ".xlsx": XLSX}
_OOXML_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
_ALLOWED_CONTROL = {"\t", "\n", "\r"}
_SCAN_CHUNK = 64 * 1024


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


def _too_many_rows() -> FileProblem:
    return FileProblem(
        _("The file has more than %(limit)s rows. Split it into files of at most %(limit)s rows each."),
        {"limit": settings.IMPORT_MAX_ROWS},
    )


def _too_long_cell(line: int | None = None) -> FileProblem:
    limit = settings.IMPORT_MAX_CELL_CHARS
    if line is None:
        return FileProblem(
            _("The file holds a cell longer than %(limit)s characters. Shorten it and upload the file again."),
            {"limit": limit},
        )
    return FileProblem(
        _("Row %(line)s holds a cell longer than %(limit)s characters. Shorten it and upload the file again."),
        {"line": line, "limit": limit},
    )


def _check_row(line: int, cells: Sequence[str]) -> None:
    """Refuse the file at the first row past a limit, before more rows are kept."""
    if line > settings.IMPORT_MAX_ROWS + 1:  # the header row is not counted
        raise _too_many_rows()
    if len(cells) > settings.IMPORT_MAX_COLUMNS:
        raise FileProblem(
            _("Row %(line)s has more than %(limit)s columns. Delete the unused columns and upload the file again."),
            {"line": line, "limit": settings.IMPORT_MAX_COLUMNS},
        )
    limit = settings.IMPORT_MAX_CELL_CHARS
    if any(len(cell) > limit for cell in cells):
        raise _too_long_cell(line)


def _table(raw_rows: Iterator[tuple[int, Sequence[str]]]) -> Table:
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    for line, raw in raw_rows:
        _check_row(line, raw)
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
        if "field larger than field limit" in str(error):
            # The csv module's own cap (131,072 characters) is far above ours: the cell is too long.
            raise _too_long_cell(reader.line_num) from error
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


def _local(name: str) -> str:
    return name.rpartition("}")[2].rpartition(":")[2]


def _damaged() -> FileProblem:
    return FileProblem(_("The workbook cannot be read: it may be damaged."))


class _Found(Exception):
    def __init__(self, value: str) -> None:
        super().__init__(value)
        self.value = value


def _parse_xml(
    stream: IO[bytes],
    *,
    start: Callable[[str, dict[str, str]], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> None:
    """Stream an XML part through expat, chunk by chunk. A workbook's parts never declare a DTD,
    so one is refused (its entities could expand without bound); malformed XML is "damaged"."""
    parser = expat.ParserCreate()

    def doctype(*_args: object) -> None:
        raise _damaged()

    parser.StartDoctypeDeclHandler = doctype
    if start is not None:
        parser.StartElementHandler = start
    if text is not None:
        parser.CharacterDataHandler = text
    try:
        while chunk := stream.read(_SCAN_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise _damaged() from error


def _first_attribute(archive: zipfile.ZipFile, part: str, tag: str, attribute: str, **match: str) -> str | None:
    """The ``attribute`` of the first ``tag`` element of ``part`` whose attributes equal ``match``."""

    def start(name: str, attributes: dict[str, str]) -> None:
        if _local(name) == tag and all(attributes.get(key) == value for key, value in match.items()):
            # By local name: the relationships prefix is "r" by convention only.
            raise _Found(next((value for key, value in attributes.items() if _local(key) == attribute), ""))

    try:
        with archive.open(part) as stream:
            _parse_xml(stream, start=start)
    except _Found as found:
        return found.value
    return None


def _first_sheet_part(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    """The zip part of the workbook's first sheet (the one that is imported), or None if unsure."""
    if "xl/_rels/workbook.xml.rels" not in names:
        return None
    relation = _first_attribute(archive, "xl/workbook.xml", "sheet", "id")
    if not relation:
        return None
    target = _first_attribute(archive, "xl/_rels/workbook.xml.rels", "Relationship", "Target", Id=relation) or ""
    part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    return part if part in names else None


def _scan_cells(stream: IO[bytes], cell_tag: str) -> None:
    """Refuse an XML part at the first cell (``cell_tag`` element) holding more text than the
    limit. Expat hands text over in pieces, so a long text is never held whole."""
    limit = settings.IMPORT_MAX_CELL_CHARS
    length = 0

    def start(name: str, _attributes: dict[str, str]) -> None:
        nonlocal length
        if _local(name) == cell_tag:
            length = 0

    def text(data: str) -> None:
        nonlocal length
        length += len(data)
        if length > limit:
            raise _too_long_cell()

    _parse_xml(stream, start=start, text=text)


def check_workbook_limits(data: bytes) -> None:
    """Refuse a workbook that unpacks to more than the limit or holds a cell longer than the
    limit, before it is parsed. Raises FileProblem."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            unpacked = sum(entry.file_size for entry in entries)
            limit = settings.IMPORT_MAX_UNPACKED_BYTES
            if unpacked > limit:
                raise FileProblem(
                    _("The workbook unpacks to %(size)s MB of data; the limit is %(limit)s MB."),
                    {"size": round(unpacked / 1024 / 1024, 1), "limit": round(limit / 1024 / 1024, 1)},
                )
            names = {entry.filename for entry in entries}
            first = _first_sheet_part(archive, names)
            sheets = (
                [first] if first else sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))
            )
            for part, cell_tag in [("xl/sharedStrings.xml", "si"), *[(sheet, "c") for sheet in sheets]]:
                if part in names:
                    with archive.open(part) as stream:
                        _scan_cells(stream, cell_tag)
    except FileProblem:
        raise
    except Exception as error:  # a damaged zip fails in many ways (BadZipFile, zlib.error, EOFError...)
        raise _damaged() from error


def read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    check_workbook_limits(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds of errors for damaged files
        raise _damaged() from error
    try:
        sheet = workbook.worksheets[0]
        # The <dimension> tag may be stale (some exporters write A1:E2 over many rows): read-only
        # mode would stop there and drop the other rows and columns silently. Read what is there.
        sheet.reset_dimensions()  # type: ignore[union-attr]
        return _table(
            (line, [_cell_text(value) for value in row])
            for line, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        )
    finally:
        workbook.close()


def read_table(data: bytes, file_format: str) -> Table:
    check_content(data, file_format)
    return read_xlsx(data) if file_format == XLSX else read_csv(data)
