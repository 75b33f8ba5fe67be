"""Reads: certificates under the named rules, a cohort's runs, and the public documents (the
issuer's controller document, its keys, the status lists), which anyone may read."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.http import Http404

from shamy.access.context import Access
from shamy.core.translated import localized
from shamy.credentials.credential import timestamp
from shamy.credentials.models import Certificate, CertificateRun, Issuer, IssuerKey, StatusList
from shamy.credentials.services.certificates import signing_key
from shamy.credentials.vc import dataintegrity, statuslist
from shamy.credentials.vc.loader import MULTIKEY_V1
from shamy.programmes.models import Cohort

_RELATED = ("issuer", "programme", "teacher")
DID_V1 = "https://www.w3.org/ns/did/v1"


def certificate_page(rows: QuerySet[Certificate]) -> QuerySet[Certificate]:
    return rows.select_related(*_RELATED, "key")


def certificate_list(*, access: Access) -> QuerySet[Certificate]:
    return Certificate.objects.restrict(access, "view").select_related(*_RELATED).order_by("-issued_at", "-id")


def run_page(rows: QuerySet[CertificateRun]) -> QuerySet[CertificateRun]:
    return rows.select_related("cohort__programme")


def certification_cohorts(*, programme_ids: list[int]) -> QuerySet[Cohort]:
    return Cohort.objects.filter(programme_id__in=programme_ids).select_related("programme").order_by("-starts_on")


def recent_runs(*, access: Access) -> list[CertificateRun]:
    return list(CertificateRun.objects.restrict(access, "view").select_related("cohort")[:10])


def certified_teachers(programme_id: int, start: datetime.datetime, end: datetime.datetime) -> dict[str, int]:
    """Distinct teachers of a programme certified between ``start`` and ``end`` (issued then, not
    revoked), by the locality of their certified portfolio's school, and ``"all"`` (a teacher counts
    once). The rule of the analytics' "certified teachers" (``shamy/credentials/analytics.py``) on
    a programme's period; the results page and the donor report read it."""
    rows = Certificate.objects.filter(
        programme_id=programme_id, issued_at__gte=start, issued_at__lte=end, revoked_at__isnull=True
    )
    counts = {
        row["submission__school__locality"]: row["n"]
        for row in rows.order_by().values("submission__school__locality").annotate(n=Count("teacher_id", distinct=True))
    }
    counts["all"] = rows.values("teacher_id").distinct().count()
    return counts


def certificate_by_number(number: str) -> Certificate | None:
    """For the public verification page (what it shows is decided there)."""
    return Certificate.objects.select_related("issuer", "key").filter(number=number).first()


def _multikey(key: IssuerKey, with_context: bool = True) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": key.iri,
        "type": "Multikey",
        "controller": key.issuer.iri,
        "publicKeyMultibase": key.public_key_multibase,
    }
    return {"@context": MULTIKEY_V1, **document} if with_context else document


def issuer_document(slug: str) -> dict[str, Any]:
    """The issuer's controller document: every key it has signed with (retired keys too, so
    what they signed still verifies). It has the DID document's shape, which verifiers such as
    jsonld-signatures read as plain JSON; the issuer itself is an https URL."""
    issuer = Issuer.objects.filter(slug=slug).first()
    if issuer is None:
        raise Http404
    keys = list(issuer.keys.select_related("issuer").order_by("created_at", "id"))
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": issuer.iri,
        "name": localized(issuer.name, "en"),
        "verificationMethod": [_multikey(key, with_context=False) for key in keys],
        "assertionMethod": [key.iri for key in keys],
    }


def key_document(slug: str, public_key_multibase: str) -> dict[str, Any]:
    """The Multikey document at the verification method's URL."""
    key = (
        IssuerKey.objects.select_related("issuer")
        .filter(issuer__slug=slug, public_key_multibase=public_key_multibase)
        .first()
    )
    if key is None:
        raise Http404
    return _multikey(key)


def status_list_document(public_id: Any) -> dict[str, Any]:
    """The signed Bitstring Status List credential, re-signed when a bit changes (cached)."""
    status = StatusList.objects.select_related("issuer").filter(public_id=public_id).first()
    if status is None:
        raise Http404
    cache_key = f"credentials:status:{status.pk}:{status.updated_at.timestamp()}"
    signed: dict[str, Any] | None = cache.get(cache_key)
    if signed is None:
        key, private = signing_key(status.issuer)
        document = statuslist.status_list_credential(
            list_url=status.iri,
            issuer=status.issuer.iri,
            encoded_list=statuslist.encode(bytes(status.bits)),
            valid_from=timestamp(status.updated_at),
        )
        signed = dataintegrity.sign(
            document,
            key=private,  # type: ignore[arg-type]
            verification_method=key.iri,
            created=status.updated_at,
        )
        cache.set(cache_key, signed, 60 * 60)
    return signed
