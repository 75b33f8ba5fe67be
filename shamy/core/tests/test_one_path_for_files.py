"""Uploaded tables and images are read in one place each, so the limits of issue 12 hold for
every app, including later ones: tables through ``shamy.imports.files`` (unpacked size, rows,
columns, cell length, the real rows whatever the <dimension> tag says), images through
``shamy.core.files`` (pixels from the header, reduced decoding, bounded concurrency)."""

from __future__ import annotations

import re
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[2]
_READERS = {
    "table": (re.compile(r"load_workbook\(|csv\.reader\(|csv\.DictReader\(|pandas|xlrd"), {"imports/files.py"}),
    "image": (re.compile(r"Image\.open\(|ImageFile\.Parser\("), {"core/files.py"}),
}
# Files shipped with the code, not uploads: the official school counts read by the trend charts.
_BUNDLED_DATA_READERS = {"analytics/trends.py"}


def _modules() -> list[tuple[str, str]]:
    found = []
    for path in sorted(_ROOT.rglob("*.py")):
        relative = path.relative_to(_ROOT).as_posix()
        if "/tests/" in relative or "/testing/" in relative or "/migrations/" in relative:
            continue
        found.append((relative, path.read_text(encoding="utf-8")))
    return found


def test_tables_and_images_are_read_only_through_the_checked_readers():
    offenders = []
    for relative, text in _modules():
        for kind, (pattern, allowed) in _READERS.items():
            if relative in allowed or relative in _BUNDLED_DATA_READERS:
                continue
            if pattern.search(text):
                offenders.append((kind, relative))
    assert offenders == [], "read uploaded tables via shamy.imports.files and images via shamy.core.files"
