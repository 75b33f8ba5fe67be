"""Every named URL of the Shamy apps appears in some permission matrix (deny by default, proven).

The convention, for every app present and future
-------------------------------------------------
A test module ``shamy/<app>/tests/test_*.py`` (sub-folders of ``tests/`` count too) that proves
who may open which view declares, at module level, one of:

* ``MATRIX``: a list of ``shamy.core.testing.matrix.Row``, each naming its URL
  (``Row("registry:school-list", ...)``), run by ``matrix_test`` for every persona, as in
  ``shamy/registry/tests/test_views.py``;
* ``COVERED_URL_NAMES``: a set of namespaced URL names the module's own tests cover (for the
  rare module that cannot state its checks as rows).

This test finds such modules by reading the files for a top-level ``MATRIX`` or
``COVERED_URL_NAMES`` assignment, imports them, collects the names, walks the project's URL
resolver and fails on every named URL that no module lists. Adding a view therefore means adding
it to a matrix; nothing needs registering here.

Exempt, and only these:

* Django's admin (``admin:*``), for operators, outside the product's permission model;
* the JavaScript translation catalogue: public by design (``/healthz`` and ``/readyz`` are
  listed by ``shamy/health/tests``);
* the JSON API's names, listed in ``API_URL_NAMES``: token-authenticated and covered by
  ``shamy/api/tests/test_api.py``;
* the public sign-in, sign-out and password-reset pages, listed in ``PUBLIC_ACCOUNT_URL_NAMES``
  and covered by ``shamy/accounts/tests/test_login.py``.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

import shamy
from shamy.core.testing.fuzz import fuzzed_rows
from shamy.core.testing.matrix import Row

SHAMY_DIR = Path(shamy.__file__).resolve().parent
REPOSITORY_DIR = SHAMY_DIR.parent

EXEMPT_NAMESPACES = frozenset({"admin"})
PUBLIC_URL_NAMES = frozenset({"javascript-catalog"})
API_URL_NAMES = frozenset(
    {
        "api:api-root",
        "api:openapi-json",
        "api:openapi-view",
        "api:region-list",
        "api:region-detail",
        "api:school-list",
        "api:school-detail",
    }
)
PUBLIC_ACCOUNT_URL_NAMES = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "accounts:password-reset",
        "accounts:password-reset-done",
        "accounts:password-reset-confirm",
        "accounts:password-reset-complete",
    }
)
EXEMPT_URL_NAMES = PUBLIC_URL_NAMES | API_URL_NAMES | PUBLIC_ACCOUNT_URL_NAMES

DECLARATIONS = ("MATRIX", "COVERED_URL_NAMES")
_DECLARATION = re.compile(rf"^({'|'.join(DECLARATIONS)})\s*(:[^=\n]*)?=", re.MULTILINE)


def _walk(patterns: Iterable[URLPattern | URLResolver], namespace: str = "") -> Iterator[tuple[str, str]]:
    """(namespace, "namespace:name") for every named pattern, however deeply included."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, inner)
        elif pattern.name:
            yield namespace, f"{namespace}:{pattern.name}" if namespace else pattern.name


def site_url_names() -> set[str]:
    return {
        name
        for namespace, name in _walk(get_resolver().url_patterns)
        if namespace.split(":")[0] not in EXEMPT_NAMESPACES
    }


def _matrix_modules() -> Iterator[ModuleType]:
    for path in sorted(SHAMY_DIR.glob("*/tests/**/test_*.py")):
        if not _DECLARATION.search(path.read_text(encoding="utf-8")):
            continue
        relative = path.relative_to(REPOSITORY_DIR).with_suffix("")
        packages = [REPOSITORY_DIR.joinpath(*relative.parts[:depth]) for depth in range(1, len(relative.parts))]
        if all((package / "__init__.py").exists() for package in packages):
            yield importlib.import_module(".".join(relative.parts))
        else:  # a tests folder without __init__.py: load the file on its own
            spec = importlib.util.spec_from_file_location("_url_coverage_" + "_".join(relative.parts), path)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            yield module


def _names_in(declaration: Iterable[Any]) -> set[str]:
    """URL names from MATRIX (``Row.url_name``) or from a set of names."""
    names = set()
    for item in declaration:
        name = item.url_name if isinstance(item, Row) else item
        assert isinstance(name, str), f"cannot read a URL name from {item!r}"
        names.add(name)
    return names


def covered_url_names() -> dict[str, set[str]]:
    """Module name → URL names its MATRIX or COVERED_URL_NAMES lists."""
    covered: dict[str, set[str]] = {}
    for module in _matrix_modules():
        names: set[str] = set()
        for attribute in DECLARATIONS:
            if hasattr(module, attribute):
                names |= _names_in(getattr(module, attribute))
        covered[module.__name__] = names
    return covered


def test_every_named_url_is_in_a_permission_matrix():
    covered = set().union(*covered_url_names().values())
    missing = sorted(site_url_names() - covered - EXEMPT_URL_NAMES)
    assert not missing, (
        "These URL names are in no permission matrix. Add a Row for each to the MATRIX (or COVERED_URL_NAMES) "
        "of the app's tests/test_*.py, with the expected status for every persona: " + ", ".join(missing)
    )


def test_the_scan_finds_the_known_matrices():
    # Guards the scanner itself: if it found nothing, the check above would pass vacuously.
    covered = covered_url_names()
    assert "registry:school-list" in covered["shamy.registry.tests.test_views"]
    assert "audit:entry-list" in covered["shamy.audit.tests.test_views"]
    assert "accounts:profile" in covered["shamy.accounts.tests.test_views"]
    assert API_URL_NAMES - {"api:api-root"} <= covered["shamy.api.tests.test_api"]
    assert "portfolios:board" in covered["shamy.portfolios.tests.test_permissions"]
    assert "attendance:gathering-cancel" in covered["shamy.programmes.tests.test_matrix"]


def test_the_walk_sees_nested_namespaces_and_skips_the_admin():
    names = site_url_names()
    assert {"home:home", "registry:school-detail", "api:school-list", "audit:entry-list"} <= names
    assert not any(name.startswith("admin:") for name in names)


def test_exemptions_name_real_urls():
    # A renamed URL must not leave a stale exemption behind (it would hide its replacement).
    for name in sorted(EXEMPT_URL_NAMES):
        for args in ([], ["x"], [1], ["MQ", "set-password"]):
            try:
                reverse(name, args=args)
                break
            except NoReverseMatch:
                continue
        else:
            raise AssertionError(f"exempt URL name {name} does not exist")


def test_every_matrix_of_pages_has_a_query_parameter_fuzz_test():
    # shamy.core.testing.fuzz: no page's GET parameter may give a server error (issue 12).
    missing = []
    for module in _matrix_modules():
        rows = [row for row in getattr(module, "MATRIX", []) if isinstance(row, Row)]
        if not fuzzed_rows(rows, {persona for row in rows for persona in row.expected}):
            continue  # no page that anyone opens with 200 (an API matrix, POST-only rows...)
        if not any(hasattr(value, "fuzzed_rows") for value in vars(module).values()):
            missing.append(module.__name__)
    assert not missing, (
        "These matrix modules list pages but fuzz none of their GET parameters; add "
        "`test_query_parameters = query_fuzz_test(MATRIX, PERSONAS, ...)` (shamy.core.testing.fuzz): "
        + ", ".join(missing)
    )
