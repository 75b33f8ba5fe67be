"""Credential endpoints of the JSON API.

- ``POST /api/v1/credentials/verify`` (no authentication): a machine sends a credential's JSON and
  learns valid, revoked (date, reason), expired, not yet valid, tampered or not found;
- ``GET /api/v1/credentials`` (token): the credentials the caller may list, scoped like the pages
  (a teacher their own, the certifier and the coordinator their programme's).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status
from pydantic import BaseModel

from shamy.access.context import access_for
from shamy.credentials import permissions, selectors, verification
from shamy.credentials.models import Certificate

router = Router(tags=["credentials"])


class VerificationOut(BaseModel):
    status: str
    number: str | None = None
    revoked_at: str | None = None
    reason: str | None = None
    detail: str = ""
    checks: dict[str, bool] = {}


class CredentialOut(BaseModel):
    number: str
    status: str
    json_url: str
    verify_url: str
    holder: str
    programme: str
    issued_at: str


class ProblemOut(BaseModel):
    detail: str
    code: str


@router.post(
    "/credentials/verify",
    auth=None,
    response={200: VerificationOut, 400: ProblemOut},
    url_name="credential-verify",
    openapi_extra={"requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}, "required": True}},
)
def credential_verify(request: HttpRequest) -> Any:
    """Verify a credential's JSON: signature, issuer, revocation and validity dates. Answers only
    what the certificate itself shows."""
    try:
        document = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return Status(400, {"detail": "The body is not JSON.", "code": "invalid_json"})
    outcome = verification.verify_document(document)
    certificate = outcome.certificate
    revoked = outcome.status == verification.REVOKED and certificate is not None
    return {
        "status": outcome.status,
        "number": certificate.number if certificate is not None else None,
        "revoked_at": certificate.revoked_at.isoformat()
        if revoked and certificate and certificate.revoked_at
        else None,
        "reason": certificate.revocation_reason if revoked and certificate else None,
        "detail": outcome.detail if outcome.status == verification.TAMPERED else "",
        "checks": outcome.checks,
    }


def _row(certificate: Certificate) -> dict[str, Any]:
    return {
        "number": certificate.number,
        "status": "revoked" if certificate.is_revoked else "valid",
        "json_url": certificate.iri,
        "verify_url": certificate.verify_url,
        "holder": certificate.holder_name,
        "programme": certificate.programme_label,
        "issued_at": certificate.issued_at.isoformat(),
    }


@router.get("/credentials", response=list[CredentialOut], url_name="credential-list")
def credential_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Credentials the caller may list, newest first."""
    if not permissions.can_list_certificates(request.user):
        raise PermissionDenied
    access = access_for(request.user)
    return [_row(certificate) for certificate in selectors.certificate_list(access=access)]
