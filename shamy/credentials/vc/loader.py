"""The offline JSON-LD document loader: the bundled contexts, and nothing else.

Signing and verifying must never touch the network: a context fetched at verification time could
change what a credential means (and a verifier would depend on a third party's server). The
contexts in ``contexts/`` are copies of the published ones (provenance in ``contexts/README.md``);
``contexts/index.json`` maps each URL to its file. Any other URL is refused.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"


class ContextRefused(Exception):
    """A document asked for a context that is not bundled."""


@cache
def _index() -> dict[str, str]:
    data = json.loads((CONTEXTS_DIR / "index.json").read_text(encoding="utf-8"))
    return {url: name for url, name in data.items() if not url.startswith("_")}


@cache
def _context(url: str) -> dict[str, Any]:
    name = _index()[url]
    document: dict[str, Any] = json.loads((CONTEXTS_DIR / name).read_text(encoding="utf-8"))
    return document


def known_contexts() -> frozenset[str]:
    return frozenset(_index())


def context_document(url: str) -> dict[str, Any]:
    """The bundled context at ``url`` (a fresh copy), or :class:`ContextRefused`."""
    if url not in _index():
        raise ContextRefused(url)
    return json.loads(json.dumps(_context(url)))


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld's document loader interface: a remote document for a bundled URL only."""
    if url not in _index():
        raise ContextRefused(f"context not bundled, refused (no network access): {url}")
    # "tag": "static" lets pyld keep the resolved context in its process-wide cache (it caches a
    # remote context across calls only when the loader tags it): the bundled files never change,
    # and resolving them again on every call cost most of a verification's time.
    return {"contextUrl": None, "documentUrl": url, "document": _context(url), "tag": "static"}
