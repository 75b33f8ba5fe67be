"""Fixtures shared by core's translation tests (test_i18n.py, test_i18n_pages.py)."""

from __future__ import annotations

import gettext as gettext_module
import os

import polib
import pytest
from django.conf import settings
from django.test import override_settings

from shamy.core.management.commands.compiletranslations import catalogues


@pytest.fixture(scope="module")
def compiled_catalogues():
    """Compile stale .po files (``make test`` does it first) and make Django reload them.

    Each file is written beside its target and renamed into place, so test processes running in
    parallel (pytest-xdist) never read a half-written catalogue.
    """
    for po_path in catalogues():
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        partial = mo_path.with_name(f"django.{os.getpid()}.mo.tmp")
        polib.pofile(str(po_path)).save_as_mofile(str(partial))
        os.replace(partial, mo_path)
    # Python's gettext caches each .mo file it has read by path; a catalogue compiled just now
    # must be read again.
    gettext_module._translations.clear()  # type: ignore[attr-defined]
    # Changing LOCALE_PATHS makes Django drop its cached catalogues (django.test.signals).
    with override_settings(LOCALE_PATHS=list(settings.LOCALE_PATHS)):
        yield
