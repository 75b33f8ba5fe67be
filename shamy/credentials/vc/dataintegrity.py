"""Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite (W3C vc-di-eddsa, section 3.3).

Signing: the proof options (the proof without ``proofValue``, with the document's ``@context``)
and the document without its proof are each canonicalised with RDFC-1.0 (pyld's URDNA2015, which
is the same algorithm) to N-Quads; the signed bytes are SHA-256(proof options) followed by
SHA-256(document); ``proofValue`` is the Ed25519 signature as multibase base58btc.

Known pitfalls handled here (``shared/credentials/README.md``):

- pyld resolves relative IRIs against a default base: it is called with ``base=None`` and a
  credential with a relative IRI is refused before signing;
- pyld escapes only tab, newline, carriage return, quote and backslash in N-Quads literals, but
  RDFC-1.0's canonical N-Quads escapes every other control character too (``\\b``, ``\\f`` and
  ``\\u00XX``): :func:`_rdfc_escape` replaces pyld's escaping;
- a property or type that no context defines silently drops out of the canonical form (so out of
  the signature): :func:`undefined_terms` finds them and :func:`sign` refuses such documents;
- nothing is fetched: :mod:`.loader` serves the bundled contexts only.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pyld.nquads
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld

from shamy.credentials.vc import loader
from shamy.credentials.vc.contextcache import CachingProcessor
from shamy.credentials.vc.multibase import MultibaseError, multibase_decode, multibase_encode

CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"
UNDEFINED_TERMS_CONTEXT = "https://www.w3.org/ns/credentials/undefined-terms/v2"
UNDEFINED_TERM_PREFIX = "https://www.w3.org/ns/credentials/undefined-term#"

_ECHAR = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
# What RDFC-1.0 escapes: the characters above, every other control character, and DEL.
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    return _ECHAR.get(char) or f"\\u{ord(char):04X}"


def _rdfc_escape(value: str) -> str:
    """RDFC-1.0 canonical N-Quads literal escaping (RDF 1.2 canonical N-Triples)."""
    return _NEEDS_ESCAPE.sub(_escape_char, value)


# pyld's serialiser looks the escape function up in its module at call time.
pyld.nquads.escape = _rdfc_escape


class CanonicalisationError(ValueError):
    """The document cannot be signed as it is (undefined terms, relative IRIs, a bad context)."""


def _options() -> dict[str, Any]:
    return {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": loader.document_loader,
        "base": None,
    }


def canonicalize(document: dict[str, Any]) -> str:
    """The RDFC-1.0 canonical N-Quads of a JSON-LD document, with the bundled contexts only."""
    try:
        result: str = CachingProcessor().normalize(document, _options())
    except jsonld.JsonLdError as error:
        raise CanonicalisationError(str(error)) from error
    return result


def _walk_expanded(node: Any, found: set[str], relative: set[str]) -> None:
    if isinstance(node, list):
        for item in node:
            _walk_expanded(item, found, relative)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key.startswith(UNDEFINED_TERM_PREFIX):
            found.add(key.removeprefix(UNDEFINED_TERM_PREFIX))
        if key == "@type" and "@value" not in node:
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and item.startswith(UNDEFINED_TERM_PREFIX):
                    found.add(item.removeprefix(UNDEFINED_TERM_PREFIX))
                elif isinstance(item, str) and ":" not in item:
                    relative.add(item)
        if key == "@id" and isinstance(value, str) and ":" not in value:
            relative.add(value)
        if key != "@value":
            _walk_expanded(value, found, relative)


def _sets_vocab(context: Any) -> bool:
    if isinstance(context, str):
        try:
            context = loader.context_document(context)
        except loader.ContextRefused as error:
            raise CanonicalisationError(str(error)) from error
        context = context.get("@context", {})
    return isinstance(context, dict) and bool(context.get("@vocab"))


def undefined_terms(document: dict[str, Any]) -> tuple[set[str], set[str]]:
    """Terms (properties and types) that no context of the document defines, and relative IRIs.

    Expands the document with one more context appended, the VC "undefined terms" catch-all
    ``@vocab``: whatever then expands under that vocabulary was undefined before.
    """
    probe = copy.deepcopy(document)
    probe.pop("proof", None)
    contexts = probe.get("@context", [])
    contexts = contexts if isinstance(contexts, list) else [contexts]
    if any(_sets_vocab(context) for context in contexts):
        # A context with its own catch-all vocabulary defines every term (the examples context).
        probe["@context"] = contexts
    else:
        probe["@context"] = [*contexts, UNDEFINED_TERMS_CONTEXT]
    try:
        expanded = CachingProcessor().expand(probe, {"documentLoader": loader.document_loader, "base": None})
    except jsonld.JsonLdError as error:
        raise CanonicalisationError(str(error)) from error
    found: set[str] = set()
    relative: set[str] = set()
    _walk_expanded(expanded, found, relative)
    return found, relative


def check_signable(document: dict[str, Any]) -> None:
    """Refuse a document whose every property would not be signed."""
    found, relative = undefined_terms(document)
    if found:
        raise CanonicalisationError(f"terms that no context defines (they would not be signed): {sorted(found)}")
    if relative:
        raise CanonicalisationError(f"relative IRIs (they would not be signed as written): {sorted(relative)}")


def hash_data(document: dict[str, Any], proof_options: dict[str, Any]) -> bytes:
    """SHA-256(canonical proof options) || SHA-256(canonical document without proof)."""
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    options = {key: value for key, value in proof_options.items() if key != "proofValue"}
    options["@context"] = document["@context"]
    return (
        hashlib.sha256(canonicalize(options).encode()).digest()
        + hashlib.sha256(canonicalize(unsecured).encode()).digest()
    )


def _timestamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign(
    document: dict[str, Any],
    *,
    key: Ed25519PrivateKey,
    verification_method: str,
    created: datetime.datetime | str,
    check: bool = True,
) -> dict[str, Any]:
    """A copy of ``document`` with an ``eddsa-rdfc-2022`` proof (assertionMethod)."""
    if check:
        check_signable(document)
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created if isinstance(created, str) else _timestamp(created),
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    signature = key.sign(hash_data(document, proof))
    signed = {key_: value for key_, value in document.items() if key_ != "proof"}
    signed["proof"] = {**proof, "proofValue": multibase_encode(signature)}
    return signed


@dataclass(frozen=True)
class ProofCheck:
    """The outcome of checking one proof: ``ok``, or why not (``error``)."""

    ok: bool
    verification_method: str = ""
    error: str = ""


KeyResolver = Callable[[str], Ed25519PublicKey | None]


def _proofs(document: dict[str, Any]) -> Iterator[Any]:
    proof = document.get("proof")
    yield from proof if isinstance(proof, list) else [proof]


def verify(document: dict[str, Any], resolve_key: KeyResolver) -> ProofCheck:
    """Check the document's ``eddsa-rdfc-2022`` proof; ``resolve_key`` maps a verification method
    to its public key (None when unknown). Never fetches anything."""
    proofs = [proof for proof in _proofs(document) if proof is not None]
    if len(proofs) != 1 or not isinstance(proofs[0], dict):
        return ProofCheck(False, error="expected exactly one proof")
    proof = proofs[0]
    method = str(proof.get("verificationMethod", ""))
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        return ProofCheck(False, method, "unsupported proof type or cryptosuite")
    if proof.get("proofPurpose") != "assertionMethod":
        return ProofCheck(False, method, "unexpected proof purpose")
    if "@context" in proof and proof["@context"] != document.get("@context"):
        return ProofCheck(False, method, "the proof's context differs from the document's")
    key = resolve_key(method)
    if key is None:
        return ProofCheck(False, method, "unknown verification method")
    try:
        signature = multibase_decode(str(proof.get("proofValue", "")))
        data = hash_data(document, proof)
    except (MultibaseError, CanonicalisationError, loader.ContextRefused, KeyError) as error:
        return ProofCheck(False, method, f"cannot be canonicalised: {error}")
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return ProofCheck(False, method, "the signature does not match")
    return ProofCheck(True, method)
