"""The project's plan (dated steps) and its journal of reflections."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shamy.access.http import AuthedHttpRequest
from shamy.core.rules import checked
from shamy.portfolios import selectors
from shamy.portfolios.forms import JournalForm, StepForm
from shamy.portfolios.models import DevelopmentProject, ProjectStep
from shamy.portfolios.services import projects as project_services
from shamy.portfolios.views.common import checked_project, project_anchor
from shamy.portfolios.views.project_page import render_project


@require_POST
@checked_project("edit")
def step_add(request: AuthedHttpRequest, project: DevelopmentProject) -> HttpResponse:
    form = StepForm(request.POST)
    if not form.is_valid():
        return render_project(request, project, step=form)
    data = form.cleaned_data
    project_services.step_add(actor=request.user, project=project, title=data["title"], due_on=data["due_on"])
    messages.success(request, _("The step has been added to the plan."))
    return redirect(project_anchor(project.pk, "#plan"))


@require_POST
@checked(ProjectStep, "edit", kwarg="step_id", name="step", shape=selectors.step_page)
def step_done(request: AuthedHttpRequest, step: ProjectStep) -> HttpResponse:
    project_services.step_mark_done(actor=request.user, step=step, done=request.POST.get("done") != "0")
    return redirect(project_anchor(step.project_id, "#plan"))


@require_POST
@checked_project("edit")
def journal_add(request: AuthedHttpRequest, project: DevelopmentProject) -> HttpResponse:
    form = JournalForm(request.POST, draft_key=f"journal:{project.pk}")
    if not form.is_valid():
        return render_project(request, project, journal=form)
    data = form.cleaned_data
    project_services.journal_add(actor=request.user, project=project, text=data["text"], written_on=data["written_on"])
    messages.success(request, _("Your reflection has been added to the journal."))
    return redirect(project_anchor(project.pk, "#journal"))
