"""The portfolio: its page, its sections (with autosave and edit conflicts), submitting it,
and the certifiers' list of submitted portfolios."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shamy.access.http import AuthedHttpRequest
from shamy.core.rules import allowed, checked, require, requires
from shamy.portfolios import export, permissions, quotes, selectors
from shamy.portfolios.forms import SectionForm
from shamy.portfolios.models import DevelopmentProject, Draft, Portfolio, PortfolioSection
from shamy.portfolios.services import drafts as draft_services
from shamy.portfolios.services import portfolios as portfolio_services
from shamy.portfolios.views.common import PAGE_SIZE, apply_errors


@checked(Portfolio, "read", kwarg="project_id", field="project_id", shape=selectors.portfolio_page)
def portfolio_detail(request: AuthedHttpRequest, portfolio: Portfolio) -> HttpResponse:
    project, access, draft = portfolio.project, request.access, not portfolio.is_submitted
    context = {
        "portfolio": portfolio,
        "project": project,
        "sections": list(portfolio.sections.all()),
        "can_edit": draft and allowed(access, project, "edit"),
        "can_submit": draft and allowed(access, project, "manage"),
        "can_view_project": allowed(access, project, "read"),
    }
    return render(request, "portfolios/portfolio_detail.html", context)


@checked(Portfolio, "submit", kwarg="project_id", field="project_id", shape=selectors.portfolio_page)
def portfolio_submit(request: AuthedHttpRequest, portfolio: Portfolio) -> HttpResponse:
    """GET: what submitting means and what is in the portfolio, with a confirm button; POST: submit."""
    if request.method != "POST":
        sections = list(portfolio.sections.all())
        context = {
            "portfolio": portfolio,
            "project": portfolio.project,
            "sections": sections,
            "empty": [section for section in sections if not section.body.strip()],
        }
        return render(request, "portfolios/portfolio_confirm_submit.html", context)
    try:
        portfolio_services.portfolio_submit(actor=request.user, portfolio=portfolio)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your portfolio has been submitted for assessment."))
    return redirect("portfolios:portfolio-detail", portfolio.project_id)


@requires(permissions.may_list_submitted)
def submitted_list(request: AuthedHttpRequest) -> HttpResponse:
    portfolios = selectors.portfolio_list_submitted(actor=request.user)
    page = Paginator(portfolios, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portfolios/submitted_list.html", {"page": page, "query": ""})


def _section_form(
    request: AuthedHttpRequest, section: PortfolioSection, key: str, evidence: Any
) -> tuple[SectionForm, Draft | None]:
    """The posted form, or the saved text; if a draft was left unsaved, the draft (restored)."""
    if request.method == "POST":
        return SectionForm(request.POST, section_key=key, evidence=evidence), None
    draft = selectors.drafts(access=request.access, keys=[key]).get(key)
    restored = draft if draft is not None and draft.text != section.body else None
    initial = {
        "body": restored.text if restored is not None else section.body,
        "version": section.version,
        "evidence": [e.pk for e in section.evidence.all()],
    }
    return SectionForm(initial=initial, section_key=key, evidence=evidence), restored


def _conflict(
    request: AuthedHttpRequest, conflict: Any, form: SectionForm, project: DevelopmentProject, key: str, evidence: Any
) -> HttpResponse:
    """Someone saved the section since this form was opened: show both texts, keep mine."""
    data, current = form.cleaned_data, conflict.current
    initial = {"body": data["body"], "version": current.version, "evidence": [e.pk for e in data["evidence"]]}
    context = {
        "section": current,
        "project": project,
        "mine": data["body"],
        "theirs": current.body,
        "form": SectionForm(initial=initial, section_key=key, evidence=evidence),
    }
    return render(request, "portfolios/section_conflict.html", context, status=409)


def _locked(request: AuthedHttpRequest, section: PortfolioSection) -> HttpResponse:
    """The section of a submitted portfolio: say why it cannot be edited and what to do."""
    context = {"section": section, "portfolio": section.portfolio, "project": section.portfolio.project}
    return render(request, "portfolios/section_locked.html", context, status=403)


def _insert(
    request: AuthedHttpRequest, section: PortfolioSection, key: str, project: DevelopmentProject, evidence: Any
) -> HttpResponse:
    """Add a quote of one of the project's records to the text being edited (not saved yet: the
    text is kept as a draft, as if typed, and saved with the Save button)."""
    quote = selectors.section_quote(project=project, token=request.POST.get("insert", ""))
    if quote is None:
        raise Http404
    body = quotes.append_quote(request.POST.get("body", ""), quote)
    raw_version = request.POST.get("version", "")
    version = int(raw_version) if raw_version.isascii() and raw_version.isdigit() else section.version
    chosen = {int(pk) for pk in request.POST.getlist("evidence") if pk.isascii() and pk.isdigit()}
    if quote.evidence_id is not None:
        chosen.add(quote.evidence_id)
    draft_services.draft_save(actor=request.user, key=key, text=body)
    initial = {"body": body, "version": version, "evidence": sorted(chosen)}
    form = SectionForm(initial=initial, section_key=key, evidence=evidence)
    context = {
        "form": form,
        "section": section,
        "project": project,
        "key": key,
        "sources": selectors.section_sources(project=project),
        "inserted": quote,
    }
    template = "portfolios/_section_editor.html" if request.htmx else "portfolios/section_form.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@checked(PortfolioSection, kwarg="section_id", name="section", shape=selectors.section_page)
def section_edit(request: AuthedHttpRequest, section: PortfolioSection) -> HttpResponse:
    key, project = f"section:{section.pk}", section.portfolio.project
    if not allowed(request.access, section, "edit"):
        require(request.access, project, "edit")  # 403 for whoever may not edit the project at all
        if section.portfolio.is_submitted:
            return _locked(request, section)
        require(request.access, section, "edit")  # 403
    if request.method == "POST" and request.POST.get("discard") == "1":
        draft_services.draft_discard(actor=request.user, key=key)
        return redirect("portfolios:section-edit", section.pk)
    evidence = project.evidence.all()
    if request.method == "POST" and request.POST.get("insert"):
        return _insert(request, section, key, project, evidence)
    form, restored = _section_form(request, section, key, evidence)
    if request.method == "POST" and form.is_valid():
        saved = _section_save(request, form, section, key, evidence)
        if saved is not None:
            return saved
    context = {
        "form": form,
        "section": section,
        "project": project,
        "restored": restored,
        "key": key,
        "sources": selectors.section_sources(project=project),
    }
    return render(request, "portfolios/section_form.html", context, status=400 if request.method == "POST" else 200)


def _section_save(
    request: AuthedHttpRequest, form: Any, section: PortfolioSection, key: str, evidence: Any
) -> HttpResponse | None:
    """Save a valid section form: the redirect, the conflict page, or ``None`` with the form's errors."""
    project = section.portfolio.project
    try:
        portfolio_services.section_save(actor=request.user, section=section, **form.cleaned_data)
    except portfolio_services.SectionConflict as conflict:
        return _conflict(request, conflict, form, project, key, evidence)
    except ValidationError as error:
        apply_errors(form, error)
        return None
    messages.success(request, _("The section has been saved."))
    return redirect(reverse("portfolios:portfolio-detail", args=[project.pk]) + f"#section-{section.pk}")


@require_POST
def autosave(request: AuthedHttpRequest) -> HttpResponse:
    """htmx autosave: store the typed text as a draft and answer "Saved at HH:MM"."""
    key = request.POST.get("key", "")
    text = request.POST.get("body", request.POST.get("text", ""))
    try:
        draft = draft_services.draft_save(actor=request.user, key=key, text=text)
    except PermissionDenied:
        raise Http404 from None
    time = formats.time_format(timezone.localtime(draft.saved_at), "H:i")
    return HttpResponse(_("Saved at %(time)s") % {"time": time})


@checked(Portfolio, "read", kwarg="project_id", field="project_id", shape=selectors.portfolio_page)
def portfolio_export_pdf(request: AuthedHttpRequest, portfolio: Portfolio) -> HttpResponse:
    """The whole portfolio as one PDF (sections, the evidence list, photos embedded): for the
    teacher and everyone who may open the portfolio. A read: not audited."""
    evidence = selectors.portfolio_export_evidence(portfolio=portfolio)
    pdf = export.portfolio_pdf(portfolio, evidence)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{export.export_name(portfolio)}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@checked(Portfolio, "read", kwarg="project_id", field="project_id", shape=selectors.portfolio_page)
def portfolio_export_zip(request: AuthedHttpRequest, portfolio: Portfolio) -> HttpResponse:
    """The portfolio as a ZIP: the PDF, an HTML copy that opens offline, and every evidence file."""
    evidence = selectors.portfolio_export_evidence(portfolio=portfolio)
    archive = export.portfolio_zip(portfolio, evidence)
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export.export_name(portfolio)}.zip"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
