"""Interoperability: credentials issued by the platform verify with an independent implementation,
Digital Bazaar's reference stack (@digitalbazaar/vc with @digitalbazaar/eddsa-rdfc-2022-cryptosuite),
run with node from ``interop/vc-node`` (``npm ci`` there; ``make install`` and CI do it). Its document
loader serves the same bundled contexts and the issuer's documents as this app serves them, and
refuses every other URL, so nothing is fetched.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from shamy.credentials.services.certificates import certificate_revoke
from shamy.credentials.services.issuers import issuer_key_add

pytestmark = pytest.mark.django_db

INTEROP = Path(__file__).resolve().parents[3] / "interop" / "vc-node"
BASE = "http://localhost:8000"


def node_verify(tmp_path: Path, credential: dict, documents: dict) -> dict:
    node = shutil.which("node") or pytest.fail("node is needed for the interoperability test")
    if not (INTEROP / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        pytest.fail("run `npm ci` in interop/vc-node (make install does) for the interoperability test")
    (tmp_path / "credential.json").write_text(json.dumps(credential), encoding="utf-8")
    (tmp_path / "documents.json").write_text(json.dumps(documents), encoding="utf-8")
    done = subprocess.run(  # noqa: S603
        [node, str(INTEROP / "verify.mjs"), str(tmp_path)], capture_output=True, check=True, timeout=120
    )
    return json.loads(done.stdout.decode())


def served_documents(client, world) -> dict:
    """The issuer's documents exactly as this app serves them, by URL."""
    urls = [
        world.issuer.iri,
        *[key.iri for key in world.issuer.keys.all()],
        world.certificate.credential["credentialStatus"]["statusListCredential"],
    ]
    documents = {}
    for url in urls:
        response = client.get(url.removeprefix(BASE))
        assert response.status_code == 200, url
        documents[url] = json.loads(response.content)
    return documents


def test_a_certificate_verifies_with_digital_bazaars_stack(world, client, tmp_path):
    result = node_verify(tmp_path, world.certificate.credential, served_documents(client, world))
    assert result == {"verified": True, "revoked": False, "error": None}


def test_digital_bazaars_stack_rejects_a_changed_credential(world, client, tmp_path):
    forged = copy.deepcopy(world.certificate.credential)
    forged["credentialSubject"]["identifier"][0]["identityHash"] = "Басқа Адам"
    result = node_verify(tmp_path, forged, served_documents(client, world))
    assert result["verified"] is False


def test_digital_bazaars_stack_sees_the_revocation(world, client, tmp_path):
    certificate_revoke(actor=world.serik, certificate=world.certificate, reason="Қате")
    result = node_verify(tmp_path, world.certificate.credential, served_documents(client, world))
    assert result["verified"] is False and result["revoked"] is True


def test_after_key_rotation_the_old_certificate_still_verifies_with_digital_bazaars_stack(world, client, tmp_path):
    issuer_key_add(actor=None, issuer=world.issuer)
    result = node_verify(tmp_path, world.certificate.credential, served_documents(client, world))
    assert result["verified"] is True, result


def test_control_characters_and_kazakh_text_canonicalise_alike(world, client, tmp_path):
    """RDFC-1.0 escapes control characters that pyld leaves alone; the platform's escaping agrees
    with rdf-canonize, so a project title with a backspace or form feed still verifies."""
    from shamy.credentials.credential import build_credential
    from shamy.credentials.services.certificates import signing_key
    from shamy.credentials.vc import dataintegrity

    certificate = world.certificate
    certificate.project_title = "Әріптес\bтер\fмен\x01 «жоба»\x7f"
    key, private = signing_key(world.issuer)
    signed = dataintegrity.sign(
        build_credential(certificate), key=private, verification_method=key.iri, created=certificate.issued_at
    )
    assert "\\b" in dataintegrity.canonicalize({k: v for k, v in signed.items() if k != "proof"})
    result = node_verify(tmp_path, signed, served_documents(client, world))
    assert result["verified"] is True, result
    assert reverse("credentials:issuer", args=[world.issuer.slug])
