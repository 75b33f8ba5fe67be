"""The project's feedback threads and the principal's endorsement."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shamy.access.http import AuthedHttpRequest
from shamy.portfolios import permissions
from shamy.portfolios.forms import CommentForm, EndorseForm
from shamy.portfolios.models import DevelopmentProject
from shamy.portfolios.services import projects as project_services
from shamy.portfolios.views.common import checked_project, project_anchor
from shamy.portfolios.views.project_page import render_project


@require_POST
@checked_project("read")
def comment_add(request: AuthedHttpRequest, project: DevelopmentProject, thread: str) -> HttpResponse:
    permissions.require_comment(request.access, project, thread)
    form = CommentForm(request.POST, draft_key=f"comment:{project.pk}:{thread}")
    if not form.is_valid():
        return render_project(request, project, **{f"comment_{thread}": form})
    project_services.comment_add(actor=request.user, project=project, thread=thread, text=form.cleaned_data["text"])
    messages.success(request, _("Your message has been sent."))
    return redirect(project_anchor(project.pk, f"#thread-{thread}"))


@require_POST
@checked_project("endorse")
def project_endorse(request: AuthedHttpRequest, project: DevelopmentProject) -> HttpResponse:
    form = EndorseForm(request.POST)
    if not form.is_valid():
        return render_project(request, project, endorse=form)
    project_services.project_endorse(actor=request.user, project=project, note=form.cleaned_data["note"])
    messages.success(request, _("You have endorsed this project."))
    return redirect("portfolios:project-detail", project.pk)
