"""Thin views: the certifier's approvals, certificates (PDF, credential JSON, LinkedIn), revocation,
and the public documents: verification page, issuer and key documents, the status list."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from shamy.access.context import access_for
from shamy.access.http import AuthedHttpRequest
from shamy.assessment import selectors as assessment_selectors
from shamy.assessment.forms import DecisionForm
from shamy.assessment.models import Decision
from shamy.assessment.services.decisions import decisions_record
from shamy.core import files
from shamy.core.translated import localized
from shamy.credentials import permissions, selectors, verification
from shamy.credentials.credential import timestamp
from shamy.credentials.models import Certificate, CertificateRun, Issuer, IssuerKey, RunStatus, StatusList
from shamy.credentials.pdf import PDF_LANGUAGES, certificate_pdf
from shamy.credentials.services import certificates as certificate_services
from shamy.credentials.services import runs as run_services
from shamy.credentials.vc import dataintegrity, statuslist
from shamy.credentials.vc.loader import MULTIKEY_V1
from shamy.programmes.models import Cohort

DID_V1 = "https://www.w3.org/ns/did/v1"

JSONLD = "application/ld+json"
PDF_CACHE_SECONDS = 24 * 60 * 60


def _json(data: Any, content_type: str = JSONLD, status: int = 200) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type=f"{content_type}; charset=utf-8", status=status
    )
    response["Access-Control-Allow-Origin"] = "*"  # verifiers elsewhere read these documents
    return response


# --- The certifier --------------------------------------------------------------------------


def certification(request: AuthedHttpRequest) -> HttpResponse:
    """Recommended portfolios of the certifier's programmes, approved or rejected in batches;
    approval issues the certificates at once."""
    if not permissions.can_certify(request.user):
        raise PermissionDenied
    rows = assessment_selectors.submission_list_recommended(actor=request.user)
    form = DecisionForm(request.POST or None, queryset=rows)
    if request.method == "POST" and form.is_valid():
        try:
            decisions = decisions_record(
                actor=request.user,
                submissions=list(form.cleaned_data["submissions"]),
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            if form.cleaned_data["decision"] == Decision.APPROVED:
                for decision in decisions:
                    certificate_services.certificate_issue(actor=request.user, submission=decision.submission)
                messages.success(
                    request,
                    ngettext(
                        "%(n)s portfolio approved; its certificate is issued.",
                        "%(n)s portfolios approved; their certificates are issued.",
                        len(decisions),
                    )
                    % {"n": len(decisions)},
                )
            else:
                messages.success(
                    request,
                    ngettext("%(n)s portfolio rejected.", "%(n)s portfolios rejected.", len(decisions))
                    % {"n": len(decisions)},
                )
            return redirect("credentials:certification")
    cohorts = (
        Cohort.objects.filter(programme_id__in=permissions.certifier_programme_ids(request.user))
        .select_related("programme")
        .order_by("programme_id", "-starts_on", "id")
    )
    runs = CertificateRun.objects.filter(cohort__in=cohorts).select_related("cohort")[:10]
    context = {"form": form, "rows": rows, "cohorts": cohorts, "runs": runs, "pdf_languages": PDF_LANGUAGES}
    return render(request, "credentials/certification.html", context)


# --- Certificates ---------------------------------------------------------------------------


def _linkedin_url(certificate: Certificate) -> str:
    query = {
        "startTask": "CERTIFICATION_NAME",
        "name": localized(certificate.programme_name),
        "organizationName": localized(certificate.issuer.name),
        "issueYear": certificate.issued_at.year,
        "issueMonth": certificate.issued_at.month,
        "certUrl": certificate.verify_url,
        "certId": certificate.number,
    }
    return "https://www.linkedin.com/profile/add?" + urlencode(query)


def certificate_list(request: AuthedHttpRequest) -> HttpResponse:
    if not permissions.can_list_certificates(request.user):
        raise PermissionDenied
    rows = [
        {
            "certificate": certificate,
            "linkedin": _linkedin_url(certificate) if permissions.is_holder(request.user, certificate) else "",
            "can_revoke": permissions.can_revoke_certificate(request.user, certificate),
        }
        for certificate in selectors.certificate_list(actor=request.user)
    ]
    return render(request, "credentials/certificate_list.html", {"rows": rows, "pdf_languages": PDF_LANGUAGES})


@require_GET
def certificate_pdf_download(request: AuthedHttpRequest, number: str) -> HttpResponse:
    certificate = selectors.certificate_get_for_user(user=request.user, number=number)
    if not permissions.can_download_certificate(request.user, certificate):
        raise PermissionDenied
    language = request.GET.get("lang", "kk")
    if language not in PDF_LANGUAGES:
        language = "kk"
    key = f"credentials:pdf:{certificate.pk}:{language}:{certificate.credential['proof']['proofValue']}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = certificate_pdf(certificate, language=language)
        cache.set(key, pdf, PDF_CACHE_SECONDS)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}-{language}.pdf"'
    return response


@require_GET
def credential_json(request: AuthedHttpRequest, number: str) -> HttpResponse:
    certificate = selectors.certificate_get_for_user(user=request.user, number=number)
    if not permissions.can_download_certificate(request.user, certificate):
        raise PermissionDenied
    response = _json(certificate.credential, "application/vc+ld+json")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.json"'
    return response


@require_POST
def certificate_revoke(request: AuthedHttpRequest, number: str) -> HttpResponse:
    certificate = selectors.certificate_get_for_user(user=request.user, number=number)
    if not permissions.can_revoke_certificate(request.user, certificate):
        raise PermissionDenied
    try:
        certificate_services.certificate_revoke(
            actor=request.user, certificate=certificate, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Certificate %(number)s has been revoked.") % {"number": certificate.number})
    return redirect("credentials:certificate-list")


# --- Public ---------------------------------------------------------------------------------


@login_not_required
@require_GET
def verify(request: HttpRequest, number: str) -> HttpResponse:
    """What a person sees after scanning the QR code: valid, revoked, expired, tampered, not found,
    and only what the certificate itself shows."""
    outcome = verification.verify_number(number)
    certificate = outcome.certificate
    context = {
        "outcome": outcome,
        "number": number,
        "certificate": certificate,
        "programme": localized(certificate.programme_name) if certificate else "",
        "issuer_name": localized(certificate.issuer.name) if certificate else "",
    }
    status = 404 if outcome.status == verification.NOT_FOUND else 200
    return render(request, "credentials/verify.html", context, status=status)


def _multikey(key: IssuerKey, with_context: bool = True) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": key.iri,
        "type": "Multikey",
        "controller": key.issuer.iri,
        "publicKeyMultibase": key.public_key_multibase,
    }
    return {"@context": MULTIKEY_V1, **document} if with_context else document


@login_not_required
@require_GET
def issuer_document(request: HttpRequest, slug: str) -> HttpResponse:
    """The issuer's controller document: its profile and every key it has signed with (retired
    keys too: what they signed still verifies)."""
    issuer = get_object_or_404(Issuer, slug=slug)
    keys = list(issuer.keys.select_related("issuer").order_by("created_at", "id"))
    document = {
        # A controller document in the DID document shape (verifiers such as jsonld-signatures read
        # its verification relationships as plain JSON); the issuer itself is an https URL.
        "@context": [DID_V1, MULTIKEY_V1],
        "id": issuer.iri,
        "name": localized(issuer.name, "en"),
        "verificationMethod": [_multikey(key, with_context=False) for key in keys],
        "assertionMethod": [key.iri for key in keys],
    }
    return _json(document)


@login_not_required
@require_GET
def issuer_key_document(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """The Multikey document at the verification method's URL."""
    found = get_object_or_404(IssuerKey.objects.select_related("issuer"), issuer__slug=slug, public_key_multibase=key)
    return _json(_multikey(found))


@login_not_required
@require_GET
def status_list(request: HttpRequest, public_id: str) -> HttpResponse:
    """The signed Bitstring Status List credential, re-signed when a bit changes (cached)."""
    status = get_object_or_404(StatusList.objects.select_related("issuer"), public_id=public_id)
    cache_key = f"credentials:status:{status.pk}:{status.updated_at.timestamp()}"
    signed = cache.get(cache_key)
    if signed is None:
        key, private = certificate_services.signing_key(status.issuer)
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
    return _json(signed, "application/vc+ld+json")


# --- Cohort runs ----------------------------------------------------------------------------


@require_POST
def run_start(request: AuthedHttpRequest) -> HttpResponse:
    cohort = get_object_or_404(
        Cohort.objects.filter(programme_id__in=sorted(access_for(request.user).programme_ids)),
        pk=request.POST.get("cohort") or 0,
    )
    if not run_services.can_run_cohort(request.user, cohort):
        raise PermissionDenied
    run = run_services.certificate_run_start(
        actor=request.user, cohort=cohort, language=request.POST.get("language", "kk")
    )
    return redirect("credentials:run-detail", run.public_id)


def _run_get(request: AuthedHttpRequest, public_id: str) -> CertificateRun:
    run = get_object_or_404(CertificateRun.objects.select_related("cohort__programme"), public_id=public_id)
    if not run_services.can_run_cohort(request.user, run.cohort):
        raise Http404
    return run


@vary_on_headers("HX-Request")
def run_detail(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    run = _run_get(request, public_id)
    partial = request.headers.get("HX-Request") == "true"
    template = "credentials/_run_status.html" if partial else "credentials/run_detail.html"
    return render(request, template, {"run": run})


def run_download(request: AuthedHttpRequest, public_id: str) -> HttpResponseBase:
    run = _run_get(request, public_id)
    if run.status != RunStatus.DONE:
        raise Http404
    return files.file_response(
        run, run.archive, content_type="application/zip", filename=f"certificates-{run.cohort_id}.zip"
    )
