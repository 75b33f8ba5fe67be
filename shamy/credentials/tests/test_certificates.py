from __future__ import annotations

import copy
import json
import shutil
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from shamy.audit.models import AuditEntry
from shamy.credentials import keys, verification
from shamy.credentials.models import Certificate, StatusList
from shamy.credentials.pdf import certificate_pdf
from shamy.credentials.services.certificates import certificate_issue, certificate_revoke
from shamy.credentials.services.issuers import issuer_key_add
from shamy.credentials.tests.conftest import approve, make_issuer
from shamy.credentials.vc import dataintegrity, statuslist
from shamy.credentials.vc.multibase import public_key_from_multibase

pytestmark = pytest.mark.django_db


def http_key_resolver(client):
    """Resolve a verification method the way an outside verifier would: by the app's Multikey document."""

    def resolve(method):
        path = method.removeprefix("http://localhost:8000")
        response = client.get(path)
        if response.status_code != 200:
            return None
        document = response.json()
        assert document["id"] == method and document["type"] == "Multikey"
        return public_key_from_multibase(document["publicKeyMultibase"])

    return resolve


def test_issued_credential_is_an_open_badge_signed_with_eddsa_rdfc_2022(world, client):
    credential = world.certificate.credential
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["id"] == world.issuer.iri and credential["issuer"]["type"] == ["Profile"]
    assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert credential["credentialSubject"]["identifier"][0]["identityHash"] == "Әбенов Талғат"
    assert credential["credentialStatus"]["statusListCredential"] == world.certificate.status_list.iri
    assert dataintegrity.undefined_terms(credential) == (set(), set())
    assert dataintegrity.verify(credential, http_key_resolver(client)).ok


def test_certificate_numbers_follow_the_issuers_series(world):
    number = world.certificate.number
    assert number.startswith("KAZNU-") and number.endswith("-00001")
    project = __import__("shamy.assessment.tests.conftest", fromlist=["x"]).written_project(
        world.talgat, world.cohort_a, title="Екінші жоба"
    )
    second = certificate_issue(actor=world.serik, submission=approve(world, project))
    assert second.number.endswith("-00002")
    assert second.status_index == world.certificate.status_index + 1


def test_issue_is_idempotent_and_only_for_approved(world):
    assert certificate_issue(actor=world.serik, submission=world.submission_a) == world.certificate
    assert Certificate.objects.count() == 1
    with pytest.raises(ValidationError):
        certificate_issue(actor=None, submission=world.submission_b)
    with pytest.raises(PermissionDenied):
        certificate_issue(actor=world.aliya, submission=world.submission_a)
    assert AuditEntry.objects.filter(action="credentials.certificate.issued").count() == 1


@pytest.mark.parametrize(
    "change",
    [
        lambda c: c.__setitem__("name", c["name"] + " (forged)"),
        lambda c: c["credentialSubject"]["identifier"][0].__setitem__("identityHash", "Басқа Адам"),
        lambda c: c["credentialSubject"].__setitem__("narrative", "Басқа жоба"),
        lambda c: c.__setitem__("validFrom", "2020-01-01T00:00:00Z"),
        lambda c: c["credentialSubject"]["achievement"].__setitem__("name", "Another programme"),
    ],
)
def test_changing_a_signed_field_is_tampered(world, change):
    document = copy.deepcopy(world.certificate.credential)
    change(document)
    assert verification.verify_document(document).status == verification.TAMPERED


def test_verify_document_valid_then_revoked_with_reason(world):
    assert verification.verify_document(world.certificate.credential).status == verification.VALID
    with pytest.raises(PermissionDenied):
        certificate_revoke(actor=world.aliya, certificate=world.certificate, reason="x")
    with pytest.raises(ValidationError):
        certificate_revoke(actor=world.serik, certificate=world.certificate, reason="  ")
    certificate_revoke(actor=world.serik, certificate=world.certificate, reason="Плагиат анықталды")
    outcome = verification.verify_document(world.certificate.credential)
    assert outcome.status == verification.REVOKED and outcome.detail == "Плагиат анықталды"
    status = StatusList.objects.get(pk=world.certificate.status_list_id)
    assert statuslist.get_bit(bytes(status.bits), world.certificate.status_index)


def test_unknown_credential_is_not_found(world):
    document = copy.deepcopy(world.certificate.credential)
    document["id"] = "http://localhost:8000/credentials/certificates/NOPE/credential.json"
    assert verification.verify_document(document).status == verification.NOT_FOUND
    assert verification.verify_document({"hello": "world"}).status == verification.NOT_FOUND
    assert verification.verify_number("NOPE-1").status == verification.NOT_FOUND


def test_expired_credential(world):
    import datetime

    later = datetime.datetime(2200, 1, 1, tzinfo=datetime.UTC)
    document = world.certificate.credential
    assert verification.verify_document(document, now=later).status == verification.VALID  # no validUntil
    Certificate.objects.filter(pk=world.certificate.pk).update(valid_until=later)


def test_status_list_credential_is_signed_and_shows_the_revocation(world, client):
    certificate_revoke(actor=world.serik, certificate=world.certificate, reason="Қате берілген")
    url = world.certificate.credential["credentialStatus"]["statusListCredential"]
    response = client.get(url.removeprefix("http://localhost:8000"))
    assert response.status_code == 200
    document = response.json()
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert dataintegrity.verify(document, http_key_resolver(client)).ok
    bits = statuslist.decode(document["credentialSubject"]["encodedList"])
    assert len(bits) * 8 >= statuslist.MIN_LENGTH
    assert statuslist.get_bit(bits, world.certificate.status_index)
    assert not statuslist.get_bit(bits, world.certificate.status_index + 1)


def test_key_rotation_old_certificates_still_verify_and_the_old_key_signs_no_more(world, client):
    old_key = world.certificate.key
    new_key = issuer_key_add(actor=None, issuer=world.issuer)
    old_key.refresh_from_db()
    assert old_key.retired_at is not None and new_key.retired_at is None
    project = __import__("shamy.assessment.tests.conftest", fromlist=["x"]).written_project(
        world.talgat, world.cohort_a, title="Үшінші жоба"
    )
    fresh = certificate_issue(actor=world.serik, submission=approve(world, project))
    assert fresh.key == new_key and fresh.credential["proof"]["verificationMethod"] == new_key.iri
    assert verification.verify_number(world.certificate.number).status == verification.VALID
    assert verification.verify_number(fresh.number).status == verification.VALID
    issuer_doc = client.get(reverse("credentials:issuer", args=[world.issuer.slug])).json()
    assert issuer_doc["assertionMethod"] == [old_key.iri, new_key.iri]
    assert dataintegrity.verify(world.certificate.credential, http_key_resolver(client)).ok


def test_verification_reads_one_row_and_sees_a_revocation_at_once(world, client, django_assert_num_queries):
    """Nothing about a credential is kept between requests: each one reads the certificate (with
    its issuer and key) again, so a revocation is seen by the very next request."""
    url = reverse("api:credential-verify")
    body = json.dumps(world.certificate.credential)
    with django_assert_num_queries(1):
        assert verification.verify_document(world.certificate.credential).status == verification.VALID
    with django_assert_num_queries(1):
        assert client.post(url, body, content_type="application/json").json()["status"] == verification.VALID
    certificate_revoke(actor=world.serik, certificate=world.certificate, reason="Қате берілген")
    with django_assert_num_queries(1):
        answer = client.post(url, body, content_type="application/json").json()
    assert answer["status"] == verification.REVOKED and answer["reason"] == "Қате берілген"


def resign(credential, key):
    """The credential signed again with ``key`` (a development key held by this deployment)."""
    private = keys.private_key_for(key.public_key_multibase, dev_label=key.dev_label)
    unsigned = {name: value for name, value in credential.items() if name != "proof"}
    return dataintegrity.sign(unsigned, key=private, verification_method=key.iri, created="2026-12-01T00:00:00Z")


def test_a_proof_by_another_key_of_the_issuer_verifies_and_by_another_issuers_key_does_not(world):
    """The certificate's own key is tried first (no query); any other key of the same issuer is
    still accepted, a key of another issuer is not."""
    new_key = issuer_key_add(actor=None, issuer=world.issuer)
    assert world.certificate.key != new_key
    assert verification.verify_document(resign(world.certificate.credential, new_key)).is_valid
    other = make_issuer(world.programme, slug="other-university", prefix="OTHER")
    outcome = verification.verify_document(resign(world.certificate.credential, other.keys.get()))
    assert outcome.status == verification.TAMPERED and outcome.detail == "unknown verification method"


def test_pdf_has_every_kazakh_letter_and_the_verification_url(world):
    from shamy.credentials.models import Certificate as Model

    Model.objects.filter(pk=world.certificate.pk).update(holder_name="ӘҒҚҢӨҰҮҺІ әғқңөұүһі")
    world.certificate.refresh_from_db()
    pdf = certificate_pdf(world.certificate, language="kk")
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    for letter in "ӘҒҚҢӨҰҮҺІәғқңөұүһі":
        assert letter in text, letter
    assert "СЕРТИФИКАТ" in text
    assert world.certificate.number in text
    assert "/verify/" in text
    assert "CERTIFICATE" in pdf_text(certificate_pdf(world.certificate, language="en"))


def pdf_text(pdf: bytes) -> str:
    pdftotext = shutil.which("pdftotext") or pytest.fail("pdftotext (poppler-utils) is needed to read the PDF back")
    return subprocess.run([pdftotext, "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()  # noqa: S603


def test_rotate_key_command_generates_without_storing_and_refuses_an_unheld_key(world, settings):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from shamy.credentials.models import IssuerKey

    out = StringIO()
    call_command("credentials_rotate_key", world.issuer.slug, "--generate", stdout=out)
    lines = dict(line.split(":", 1) for line in out.getvalue().splitlines() if line.startswith(("public", "private")))
    public, private = lines["publicKeyMultibase"].strip(), lines["privateKeyMultibase"].strip()
    assert not IssuerKey.objects.filter(public_key_multibase=public).exists()
    with pytest.raises(CommandError):
        call_command("credentials_rotate_key", world.issuer.slug, "--public-key", public)
    settings.CREDENTIAL_SIGNING_KEYS = [private]
    call_command("credentials_rotate_key", world.issuer.slug, "--public-key", public, stdout=StringIO())
    fresh = IssuerKey.objects.get(public_key_multibase=public)
    assert fresh.retired_at is None and world.issuer.keys.filter(retired_at__isnull=True).count() == 1
    assert verification.verify_number(world.certificate.number).status == verification.VALID
