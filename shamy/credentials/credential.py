"""The Open Badges 3.0 credential of a certificate (unsigned), and checks on it before signing."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.utils import translation
from django.utils.translation import gettext as _

from shamy.core.translated import localized
from shamy.credentials.vc.loader import CREDENTIALS_V2, OB_V3

if TYPE_CHECKING:
    from shamy.credentials.models import Certificate, Issuer


def timestamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def issuer_profile(issuer: Issuer) -> dict[str, Any]:
    profile: dict[str, Any] = {"id": issuer.iri, "type": ["Profile"], "name": localized(issuer.name, "en")}
    if issuer.url:
        profile["url"] = issuer.url
    return profile


def achievement(certificate: Certificate, language: str = "en") -> dict[str, Any]:
    from shamy.credentials.models import CertificateKind, absolute

    with translation.override(language):
        if certificate.kind == CertificateKind.TRAINER:
            narrative = _(
                "Certified as a trainer of the school operator's programme after a training-of-trainers "
                "course, by an international partner or by an earlier certified trainer; trains teachers "
                "and further trainers in the operator's schools and in state schools."
            )
            description = _("Trainer of teachers in the training-of-trainers cascade.")
            name = _("Certified trainer: %(programme)s") % {
                "programme": localized(certificate.programme_name, language)
            }
            identifier = f"/credentials/achievements/{certificate.programme_id}/trainer"
        else:
            narrative = _(
                "A portfolio of an action-research development project, assessed against the programme's "
                "rubric by a link facilitator and approved by the certifying university; at least the "
                "required attendance of the programme's sessions."
            )
            description = _("Non-positional teacher leadership: leading a development project with colleagues.")
            name = localized(certificate.programme_name, language)
            identifier = f"/credentials/achievements/{certificate.programme_id}"
    return {
        "id": absolute(identifier),
        "type": ["Achievement"],
        "name": name,
        "description": description,
        "criteria": {"narrative": narrative},
    }


def build_credential(certificate: Certificate) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential. Every property is defined by the VC 2.0 or OB 3.0 context
    (checked again before signing), so all of it is signed."""
    earned = achievement(certificate)
    document: dict[str, Any] = {
        "@context": [CREDENTIALS_V2, OB_V3],
        "id": certificate.iri,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile(certificate.issuer),
        "validFrom": timestamp(certificate.issued_at),
        "name": f"{earned['name']} · {certificate.number}",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "hashed": False,
                    "identityHash": certificate.holder_name,
                    "identityType": "name",
                }
            ],
            "achievement": earned,
            "narrative": certificate.project_title,
        },
        "credentialStatus": {
            "id": f"{certificate.status_list.iri}#{certificate.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(certificate.status_index),
            "statusListCredential": certificate.status_list.iri,
        },
    }
    if certificate.valid_until is not None:
        document["validUntil"] = timestamp(certificate.valid_until)
    return document
