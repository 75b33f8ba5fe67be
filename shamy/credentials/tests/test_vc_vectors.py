"""The signer and verifier against the official test vectors, byte for byte.

Credentials are checked by independent implementations, so the canonical forms, the hashes and
the signature must equal the published ones exactly (W3C vc-di-eddsa ``eddsa-rdfc-2022`` vectors,
1EdTech's Open Badges 3.0 vector; copies in ``tests/vectors/``, from ``shared/credentials``).
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shamy.credentials.vc import dataintegrity as di
from shamy.credentials.vc import loader
from shamy.credentials.vc import multibase as mb

VECTORS = Path(__file__).parent / "vectors"
W3C = VECTORS / "w3c-vc-di-eddsa"
OB = VECTORS / "1edtech-obv3"


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def unsecured(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "proof"}


def did_key_resolver(method: str):
    did, _, fragment = method.partition("#")
    return mb.public_key_from_multibase(fragment) if did == f"did:key:{fragment}" else None


W3C_KEY = mb.private_key_from_multibase(load(W3C / "keyPair.json")["privateKeyMultibase"])


def test_w3c_key_pair_round_trips_through_multikey():
    pair = load(W3C / "keyPair.json")
    assert mb.public_key_multibase(W3C_KEY.public_key()) == pair["publicKeyMultibase"]
    assert mb.private_key_multibase(W3C_KEY) == pair["privateKeyMultibase"]


def test_w3c_canonical_document_and_proof_options_are_byte_equal():
    signed = load(W3C / "signedDataInt.json")
    assert di.canonicalize(unsecured(signed)) == (W3C / "canonDocDataInt.txt").read_text()
    options = {key: value for key, value in signed["proof"].items() if key != "proofValue"}
    options["@context"] = signed["@context"]
    assert di.canonicalize(options) == (W3C / "proofCanonDataInt.txt").read_text()


def test_w3c_combined_hash_is_byte_equal():
    signed = load(W3C / "signedDataInt.json")
    assert (
        di.hash_data(unsecured(signed), signed["proof"]).hex() == (W3C / "combinedHashDataInt.txt").read_text().strip()
    )


def test_signing_the_w3c_vector_reproduces_its_signature_and_proof_value():
    signed = load(W3C / "signedDataInt.json")
    proof = signed["proof"]
    ours = di.sign(
        unsecured(signed), key=W3C_KEY, verification_method=proof["verificationMethod"], created=proof["created"]
    )
    assert ours == signed
    signature = mb.multibase_decode(ours["proof"]["proofValue"])
    assert signature.hex() == (W3C / "sigHexDataInt.txt").read_text().strip()


@pytest.mark.parametrize("name", ["signedDataInt.json", "employ-signedDataInt.json"])
def test_w3c_signed_vectors_verify(name):
    assert di.verify(load(W3C / name), did_key_resolver).ok


def test_w3c_employ_vector_canonical_form_with_blank_nodes_is_byte_equal():
    signed = load(W3C / "employ-signedDataInt.json")
    assert di.canonicalize(unsecured(signed)) == (W3C / "employ-canonDocDataInt.txt").read_text()


def obv3_resolver(method: str):
    document = load(OB / "multikey.json")
    return mb.public_key_from_multibase(document["publicKeyMultibase"]) if method == document["id"] else None


def test_1edtech_obv3_vector_canonical_forms_hashes_and_signature():
    signed, expected = load(OB / "signed-obv3.json"), load(OB / "expected.json")
    assert unsecured(signed) == load(OB / "unsigned-obv3.json")
    document_canon = di.canonicalize(unsecured(signed))
    assert document_canon == (OB / "document-canon.txt").read_text()
    options = {key: value for key, value in signed["proof"].items() if key != "proofValue"}
    options["@context"] = signed["@context"]
    proof_canon = di.canonicalize(options)
    assert proof_canon == (OB / "proof-canon.txt").read_text()
    assert hashlib.sha256(document_canon.encode()).hexdigest() == expected["documentHashHex"]
    assert hashlib.sha256(proof_canon.encode()).hexdigest() == expected["proofHashHex"]
    assert signed["proof"]["proofValue"] == expected["proofValue"]
    assert mb.multibase_decode(expected["proofValue"]).hex() == expected["signatureHex"]
    public = mb.public_key_from_multibase(load(OB / "multikey.json")["publicKeyMultibase"])
    assert public.public_bytes_raw().hex() == expected["publicKeyHex"]


def test_1edtech_obv3_vector_verifies():
    assert di.verify(load(OB / "signed-obv3.json"), obv3_resolver).ok


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("name",), "Teamwork Badge!"),
        (("validFrom",), "2011-01-01T00:00:00Z"),
        (("issuer", "name"), "Someone Else"),
        (("credentialSubject", "id"), "did:example:someone-else"),
        (("credentialSubject", "achievement", "criteria", "narrative"), "Anyone."),
        (("proof", "created"), "2010-01-01T19:23:25Z"),
    ],
)
def test_changing_any_signed_field_makes_verification_fail(path, value):
    document = load(OB / "signed-obv3.json")
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    check = di.verify(document, obv3_resolver)
    assert not check.ok
    assert check.error == "the signature does not match"


def test_a_proof_by_an_unknown_key_does_not_verify():
    assert di.verify(load(OB / "signed-obv3.json"), lambda method: None).error == "unknown verification method"


def test_loader_refuses_any_url_not_bundled():
    with pytest.raises(loader.ContextRefused):
        loader.document_loader("https://example.com/context.json")
    document = {
        **load(OB / "unsigned-obv3.json"),
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://example.com/x"],
    }
    with pytest.raises(di.CanonicalisationError):
        di.canonicalize(document)


def test_a_property_no_context_defines_is_refused_before_signing():
    document = load(OB / "unsigned-obv3.json")
    document["credentialSubject"]["hours"] = 72
    found, relative = di.undefined_terms(document)
    assert found == {"hours"} and not relative
    with pytest.raises(di.CanonicalisationError, match="hours"):
        di.sign(document, key=W3C_KEY, verification_method="did:key:x#x", created="2026-01-01T00:00:00Z")


def test_an_undefined_type_and_a_relative_id_are_refused():
    document = load(OB / "unsigned-obv3.json")
    document["type"] = ["VerifiableCredential", "OpenBadgeCredential", "ShamyCertificate"]
    document["credentialSubject"]["achievement"]["id"] = "badge/1"
    found, relative = di.undefined_terms(document)
    assert "ShamyCertificate" in found
    assert relative == {"badge/1"}


def test_control_characters_are_escaped_as_rdfc_canonical_n_quads():
    document = copy.deepcopy(load(OB / "unsigned-obv3.json"))
    document["name"] = 'a\bb\fc\x01d\x7fe\tf"g\\h'
    canon = di.canonicalize(document)
    assert '"a\\bb\\fc\\u0001d\\u007Fe\\tf\\"g\\\\h"' in canon


@settings(max_examples=15, deadline=None)
@given(name=st.text(min_size=1, max_size=40), narrative=st.text(max_size=80))
def test_sign_then_verify_round_trip_and_any_change_fails(name, narrative):
    document = load(OB / "unsigned-obv3.json")
    document["name"] = name
    document["credentialSubject"]["achievement"]["criteria"]["narrative"] = narrative
    method = mb.did_key_verification_method(W3C_KEY.public_key())
    signed = di.sign(document, key=W3C_KEY, verification_method=method, created="2026-01-01T00:00:00Z")
    assert di.verify(signed, did_key_resolver).ok
    signed["name"] = name + "x"
    assert not di.verify(signed, did_key_resolver).ok
