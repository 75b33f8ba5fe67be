"""Compile every .po catalogue of the project to .mo with polib.

Django's own ``compilemessages`` needs GNU gettext's ``msgfmt``, which a fresh machine may
lack; this needs nothing outside the virtual environment. Fuzzy entries are left out, as
msgfmt does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def catalogues() -> list[Path]:
    root = Path(settings.BASE_DIR)
    return sorted(
        path
        for path in root.rglob("*.po")
        if ".venv" not in path.parts and "node_modules" not in path.parts and "LC_MESSAGES" in path.parts
    )


class Command(BaseCommand):
    help = "Compile the project's .po translation catalogues to .mo (no gettext tools needed)."

    def handle(self, *args: Any, **options: Any) -> None:
        compiled = 0
        for po_path in catalogues():
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            compiled += 1
        if options["verbosity"] > 0:
            self.stdout.write(f"Compiled {compiled} catalogue(s).")
