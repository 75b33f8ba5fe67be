"""Thin views: the certifier's approvals, certificates (PDF, credential JSON, LinkedIn), revocation,
cohort ZIPs, and the public documents: verification page, issuer and key documents, status list."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from shamy.access.http import AuthedHttpRequest
from shamy.assessment import selectors as assessment_selectors
from shamy.assessment.forms import DecisionForm
from shamy.assessment.models import Decision
from shamy.assessment.services.decisions import decisions_record
from shamy.core import files
from shamy.core.rules import checked, requires
from shamy.core.translated import localized
from shamy.credentials import permissions, selectors, verification
from shamy.credentials.models import Certificate, CertificateRun, RunStatus
from shamy.credentials.pdf import PDF_LANGUAGES, certificate_pdf
from shamy.credentials.services import certificates as certificate_services
from shamy.credentials.services import runs as run_services
from shamy.programmes.models import Cohort

JSONLD = "application/ld+json"
PDF_CACHE_SECONDS = 24 * 60 * 60


def _json(data: Any, content_type: str = JSONLD) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"  # verifiers elsewhere read these documents
    return response


# --- The certifier --------------------------------------------------------------------------


def _decided(request: AuthedHttpRequest, form: DecisionForm) -> HttpResponse | None:
    try:
        decisions = decisions_record(
            actor=request.user,
            submissions=list(form.cleaned_data["submissions"]),
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        form.add_error(None, error.messages)
        return None
    n = len(decisions)
    if form.cleaned_data["decision"] == Decision.APPROVED:
        for decision in decisions:
            certificate_services.certificate_issue(actor=request.user, submission=decision.submission)
        text = ngettext(
            "%(n)s portfolio approved; its certificate is issued.",
            "%(n)s portfolios approved; their certificates are issued.",
            n,
        )
    else:
        text = ngettext("%(n)s portfolio rejected.", "%(n)s portfolios rejected.", n)
    messages.success(request, text % {"n": n})
    return redirect("credentials:certification")


@requires(permissions.may_certify)
def certification(request: AuthedHttpRequest) -> HttpResponse:
    """Recommended portfolios of the certifier's programmes, approved or rejected in batches;
    approval issues the certificates at once. Below: a cohort's certificates as one ZIP."""
    rows = assessment_selectors.submission_list_recommended(access=request.access)
    form = DecisionForm(request.POST or None, queryset=rows)
    if request.method == "POST" and form.is_valid() and (done := _decided(request, form)) is not None:
        return done
    programme_ids = permissions.certifier_programme_ids(request.user)
    context = {
        "form": form,
        "rows": rows,
        "cohorts": selectors.certification_cohorts(programme_ids=programme_ids),
        "runs": selectors.recent_runs(access=request.access),
        "pdf_languages": PDF_LANGUAGES,
    }
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


@requires(permissions.may_list_certificates)
def certificate_list(request: AuthedHttpRequest) -> HttpResponse:
    rows = [
        {
            "certificate": certificate,
            "linkedin": _linkedin_url(certificate) if permissions.is_holder(request.user, certificate) else "",
            "can_revoke": permissions.can_revoke_certificate(request.user, certificate),
        }
        for certificate in selectors.certificate_list(access=request.access)
    ]
    return render(request, "credentials/certificate_list.html", {"rows": rows, "pdf_languages": PDF_LANGUAGES})


@require_GET
@checked(Certificate, kwarg="number", field="number", shape=selectors.certificate_page)
def certificate_pdf_download(request: AuthedHttpRequest, certificate: Certificate) -> HttpResponse:
    language = request.GET.get("lang", "kk")
    language = language if language in PDF_LANGUAGES else "kk"
    key = f"credentials:pdf:{certificate.pk}:{language}:{certificate.credential['proof']['proofValue']}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = certificate_pdf(certificate, language=language)
        cache.set(key, pdf, PDF_CACHE_SECONDS)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}-{language}.pdf"'
    return response


@require_GET
@checked(Certificate, kwarg="number", field="number", shape=selectors.certificate_page)
def credential_json(request: AuthedHttpRequest, certificate: Certificate) -> HttpResponse:
    response = _json(certificate.credential, "application/vc+ld+json")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.json"'
    return response


@require_POST
@checked(Certificate, "revoke", kwarg="number", field="number", shape=selectors.certificate_page)
def certificate_revoke(request: AuthedHttpRequest, certificate: Certificate) -> HttpResponse:
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


# --- Cohort runs ----------------------------------------------------------------------------


@require_POST
@checked(Cohort, "certificate-run", kwarg="cohort_id")
def run_start(request: AuthedHttpRequest, cohort: Cohort) -> HttpResponse:
    language = request.POST.get("language", "kk")
    run = run_services.certificate_run_start(actor=request.user, cohort=cohort, language=language)
    return redirect("credentials:run-detail", run.public_id)


@vary_on_headers("HX-Request")
@checked(CertificateRun, kwarg="public_id", field="public_id", name="run", shape=selectors.run_page)
def run_detail(request: AuthedHttpRequest, run: CertificateRun) -> HttpResponse:
    partial = request.headers.get("HX-Request") == "true"
    template = "credentials/_run_status.html" if partial else "credentials/run_detail.html"
    return render(request, template, {"run": run})


@checked(CertificateRun, kwarg="public_id", field="public_id", name="run", shape=selectors.run_page)
def run_download(request: AuthedHttpRequest, run: CertificateRun) -> HttpResponseBase:
    if run.status != RunStatus.DONE:
        raise Http404
    return files.file_response(
        run, run.archive, content_type="application/zip", filename=f"certificates-{run.cohort_id}.zip"
    )


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


@login_not_required
@require_GET
def issuer_document(request: HttpRequest, slug: str) -> HttpResponse:
    return _json(selectors.issuer_document(slug))


@login_not_required
@require_GET
def issuer_key_document(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    return _json(selectors.key_document(slug, key))


@login_not_required
@require_GET
def status_list(request: HttpRequest, public_id: str) -> HttpResponse:
    return _json(selectors.status_list_document(public_id), "application/vc+ld+json")
