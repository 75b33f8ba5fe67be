"""Verifying a credential as the issuer: signature, issuer, revocation and validity dates.

The outcome is one of ``valid``, ``revoked``, ``expired``, ``not_yet_valid``, ``tampered`` (the
signature does not match, or the key does not belong to the issuer) or ``not_found`` (not a
credential this platform issued). Nothing is fetched: keys are this platform's own, contexts the
bundled ones.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import timezone

from shamy.credentials.models import Certificate, IssuerKey
from shamy.credentials.vc import dataintegrity
from shamy.credentials.vc.multibase import public_key_from_multibase

VALID, REVOKED, EXPIRED, NOT_YET_VALID, TAMPERED, NOT_FOUND = (
    "valid",
    "revoked",
    "expired",
    "not_yet_valid",
    "tampered",
    "not_found",
)


@dataclass
class Outcome:
    status: str
    certificate: Certificate | None = None
    detail: str = ""
    checks: dict[str, bool] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return self.status == VALID


def _parse(value: Any) -> datetime.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _issuer_id(document: dict[str, Any]) -> str:
    issuer = document.get("issuer")
    return str(issuer.get("id", "")) if isinstance(issuer, dict) else str(issuer or "")


def _key_resolver(issuer_iri: str, certificate: Certificate) -> Any:
    """The public key of a verification method that is a key of the issuer ``issuer_iri``.

    The certificate's own key (read with it) is tried first, which spares a query
    in the usual case; any other key of the issuer is looked up as before (a copy of a credential
    signed with an earlier key, for instance)."""

    def resolve(method: str) -> Ed25519PublicKey | None:
        own = certificate.key
        if own.iri == method and own.issuer.iri == issuer_iri:
            return public_key_from_multibase(own.public_key_multibase)
        for key in IssuerKey.objects.select_related("issuer"):
            if key.iri == method and key.issuer.iri == issuer_iri:
                return public_key_from_multibase(key.public_key_multibase)
        return None

    return resolve


def _certificate_by_number(number: str) -> Certificate | None:
    """One query: the certificate with its issuer and the key it was signed with. The number is
    unique, so no ordering (the model's default one only cost time)."""
    rows = Certificate.objects.select_related("issuer", "key").filter(number=number).order_by()[:1]
    certificate = next(iter(rows), None)
    if certificate is not None and certificate.key.issuer_id == certificate.issuer_id:
        certificate.key.issuer = certificate.issuer  # the same row: no second join, no query
    return certificate


def _certificate_for_id(credential_id: Any) -> Certificate | None:
    """The certificate whose credential has this id: the number is read from the id (our own URL,
    an indexed lookup), then the stored credential must carry exactly that id."""
    if not isinstance(credential_id, str) or not credential_id.startswith(settings.CREDENTIALS_BASE_URL + "/"):
        return None
    try:
        match = resolve(urlsplit(credential_id).path)
    except Resolver404:
        return None
    if match.view_name != "credentials:credential-json":
        return None
    certificate = _certificate_by_number(match.kwargs["number"])
    return certificate if certificate is not None and certificate.credential.get("id") == credential_id else None


def verify_document(document: Any, *, now: datetime.datetime | None = None) -> Outcome:
    """Verify a credential's JSON as received."""
    if not isinstance(document, dict) or "proof" not in document:
        return Outcome(NOT_FOUND, detail="not a signed credential")
    certificate = _certificate_for_id(document.get("id"))
    if certificate is None:
        return Outcome(NOT_FOUND, detail="no certificate of this platform has that id")
    check = dataintegrity.verify(document, _key_resolver(_issuer_id(document), certificate))
    if not check.ok:
        return Outcome(TAMPERED, certificate, check.error, {"signature": False})
    return _status(certificate, document, now or timezone.now())


def _status(certificate: Certificate, document: dict[str, Any], now: datetime.datetime) -> Outcome:
    checks = {"signature": True, "issuer": _issuer_id(document) == certificate.issuer.iri}
    if not checks["issuer"]:
        return Outcome(TAMPERED, certificate, "issuer does not match", checks)
    if certificate.is_revoked:
        return Outcome(REVOKED, certificate, certificate.revocation_reason, checks)
    valid_from, valid_until = _parse(document.get("validFrom")), _parse(document.get("validUntil"))
    if valid_from is not None and now < valid_from:
        return Outcome(NOT_YET_VALID, certificate, "", checks)
    if valid_until is not None and now > valid_until:
        return Outcome(EXPIRED, certificate, "", checks)
    return Outcome(VALID, certificate, "", checks)


def verify_number(number: str, *, now: datetime.datetime | None = None) -> Outcome:
    """Verify the stored credential of the certificate with this number (the QR code's page)."""
    certificate = _certificate_by_number(number)
    if certificate is None:
        return Outcome(NOT_FOUND)
    return verify_certificate(certificate, now=now)


def verify_certificate(certificate: Certificate, *, now: datetime.datetime | None = None) -> Outcome:
    """Verify a certificate's stored credential: signature, issuer, revocation, dates."""
    check = dataintegrity.verify(certificate.credential, _key_resolver(certificate.issuer.iri, certificate))
    if not check.ok:
        return Outcome(TAMPERED, certificate, check.error, {"signature": False})
    return _status(certificate, certificate.credential, now or timezone.now())
