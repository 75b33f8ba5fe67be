"""Evidence: adding a file or a video link, removing it, and serving the file and its thumbnail."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shamy.access.http import AuthedHttpRequest
from shamy.core import files
from shamy.core.rules import checked
from shamy.portfolios import selectors
from shamy.portfolios.forms import EvidenceForm
from shamy.portfolios.models import DevelopmentProject, Evidence
from shamy.portfolios.services import evidence as evidence_services
from shamy.portfolios.views.common import apply_errors, checked_project, project_anchor


@checked_project("edit")
def evidence_add(request: AuthedHttpRequest, project: DevelopmentProject) -> HttpResponse:
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            evidence_services.evidence_add(actor=request.user, project=project, upload=data.pop("file"), **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The evidence has been added."))
            return redirect(project_anchor(project.pk, "#evidence"))
    # A failed upload re-renders the form with everything typed; only the file must be chosen again.
    status = 400 if request.method == "POST" else 200
    return render(request, "portfolios/evidence_form.html", {"form": form, "project": project}, status=status)


@checked(Evidence, "delete", kwarg="evidence_id", shape=selectors.evidence_page)
def evidence_delete(request: AuthedHttpRequest, evidence: Evidence) -> HttpResponse:
    """GET: a page that names what will be removed and asks to confirm; POST: remove it."""
    if request.method != "POST":
        context = {"evidence": evidence, "project": evidence.project, "sections": list(evidence.sections.all())}
        return render(request, "portfolios/evidence_confirm_delete.html", context)
    evidence_services.evidence_delete(actor=request.user, evidence=evidence)
    messages.success(request, _("The evidence has been removed."))
    return redirect(project_anchor(evidence.project_id, "#evidence"))


@checked(Evidence, "read", kwarg="evidence_id", shape=selectors.evidence_page)
def evidence_file(request: AuthedHttpRequest, evidence: Evidence) -> HttpResponseBase:
    if not evidence.file:
        raise Http404
    inline = evidence.mime.startswith(("image/", "audio/")) or evidence.mime == "application/pdf"
    return files.file_response(evidence, evidence.file, content_type=evidence.mime, inline=inline, max_age=3600)


@checked(Evidence, "read", kwarg="evidence_id", shape=selectors.evidence_page)
def evidence_thumbnail(request: AuthedHttpRequest, evidence: Evidence) -> HttpResponseBase:
    if not evidence.thumbnail:
        raise Http404
    return files.file_response(evidence, evidence.thumbnail, content_type="image/jpeg", inline=True, max_age=3600)


@require_POST
@checked(Evidence, "read", kwarg="evidence_id", shape=selectors.evidence_page)
def evidence_publication(request: AuthedHttpRequest, evidence: Evidence) -> HttpResponse:
    """Allow or stop publishing a photo on the project's public page and poster."""
    published = request.POST.get("published") == "1"
    try:
        evidence_services.evidence_set_publication(actor=request.user, evidence=evidence, published=published)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if published:
            messages.success(request, _("The photo may now appear on the public page and the poster."))
        else:
            messages.success(request, _("The photo is no longer published."))
    return redirect(project_anchor(evidence.project_id, "#evidence"))
