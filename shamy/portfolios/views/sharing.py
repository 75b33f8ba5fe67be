"""Sharing a project: the teacher's consent and the public summary (or withdrawing both)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from shamy.access.http import AuthedHttpRequest
from shamy.portfolios import selectors
from shamy.portfolios.forms import ShareForm
from shamy.portfolios.models import DevelopmentProject, PublicSummary, SharingConsent
from shamy.portfolios.services import sharing as sharing_services
from shamy.portfolios.views.common import checked_project


def _share_initial(
    project: DevelopmentProject, public: PublicSummary | None, consent: SharingConsent | None
) -> dict[str, Any]:
    """The form starts from what is published and consented to (or from the project's concern)."""
    initial: dict[str, Any] = {"language": translation.get_language() or "kk", "show_name": True, "show_school": True}
    if public is not None:
        initial.update(
            {"summary": public.summary, "actions": public.actions, "impact": public.impact, "language": public.language}
        )
    if consent is not None:
        initial.update({"show_name": consent.show_name, "show_school": consent.show_school})
    else:
        initial.setdefault("summary", project.concern)
    return initial


@checked_project("manage")
def project_share(request: AuthedHttpRequest, project: DevelopmentProject) -> HttpResponse:
    public, consent = selectors.sharing_state(project=project)
    if request.method == "POST" and request.POST.get("withdraw") == "1":
        sharing_services.consent_withdraw(actor=request.user, project=project)
        messages.success(request, _("Your consent is withdrawn; the public page and poster are gone."))
        return redirect("portfolios:project-share", project.pk)
    form = ShareForm(request.POST or None, initial=_share_initial(project, public, consent))
    if request.method == "POST" and form.is_valid():
        fields = ("summary", "actions", "impact", "language", "show_name", "show_school")
        data = {name: form.cleaned_data[name] for name in fields}
        sharing_services.summary_publish(actor=request.user, project=project, **data)
        messages.success(request, _("Your project summary is published."))
        return redirect("portfolios:project-share", project.pk)
    is_published = public is not None and public.published_at is not None and consent is not None
    context = {"form": form, "project": project, "public": public if is_published else None, "consent": consent}
    return render(request, "portfolios/project_share.html", context)
