"""The teacher's projects: the list, starting one, its page, its settings and its stage."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shamy.access.http import AuthedHttpRequest
from shamy.core.rules import requires
from shamy.portfolios import permissions, selectors
from shamy.portfolios.forms import ProjectForm, StageForm
from shamy.portfolios.models import DevelopmentProject
from shamy.portfolios.services import projects as project_services
from shamy.portfolios.views.common import PAGE_SIZE, apply_errors, checked_project
from shamy.portfolios.views.project_page import render_project


@requires(permissions.may_list_own_projects)
def project_list(request: AuthedHttpRequest) -> HttpResponse:
    projects = selectors.project_list_own(actor=request.user)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    can_start = permissions.may_start_project(request.access)
    return render(request, "portfolios/project_list.html", {"page": page, "can_start": can_start, "query": ""})


@requires(permissions.may_start_project)
def project_create(request: AuthedHttpRequest) -> HttpResponse:
    cohorts = selectors.cohorts_to_start_in(access=request.access)
    form = ProjectForm(request.POST or None)
    chosen = request.POST.get("cohort") or (str(cohorts[0].pk) if cohorts else "")
    cohort = next((c for c in cohorts if str(c.pk) == chosen), None)
    if request.method == "POST" and form.is_valid() and cohort is not None:
        data = form.cleaned_data
        try:
            project = project_services.project_create(
                actor=request.user, cohort=cohort, title=data["title"], theme=data["theme"], concern=data["concern"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your project has started. Good luck!"))
            return redirect("portfolios:project-detail", project.pk)
    return render(request, "portfolios/project_form.html", {"form": form, "cohorts": cohorts, "cohort": cohort})


@checked_project("read")
def project_detail(request: AuthedHttpRequest, project: DevelopmentProject) -> HttpResponse:
    return render_project(request, project)


def _project_initial(project: DevelopmentProject) -> dict[str, object]:
    return {
        "title": project.title,
        "theme": project.theme_id,
        "concern": project.concern,
        "collaborators": [person.pk for person in project.collaborators.all()],
    }


@checked_project("manage")
def project_edit(request: AuthedHttpRequest, project: DevelopmentProject) -> HttpResponse:
    colleagues = selectors.colleagues(access=request.access, project=project)
    initial = _project_initial(project)
    form = ProjectForm(request.POST or None, initial=initial, colleagues=colleagues, current_theme=project.theme)
    if request.method == "POST" and form.is_valid():
        try:
            project_services.project_update(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The project has been saved."))
            return redirect("portfolios:project-detail", project.pk)
    return render(request, "portfolios/project_edit.html", {"form": form, "project": project})


@require_POST
@checked_project("manage")
def project_stage(request: AuthedHttpRequest, project: DevelopmentProject) -> HttpResponse:
    form = StageForm(request.POST)
    stage = (
        selectors.stage_to_move_to(project=project, stage_id=form.cleaned_data["stage"]) if form.is_valid() else None
    )
    if stage is None:
        messages.error(request, _("Choose a stage of this programme."))
        return redirect("portfolios:project-detail", project.pk)
    try:
        project_services.project_move_stage(actor=request.user, project=project, stage=stage)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The project is now at the stage “%(stage)s”.") % {"stage": stage.title})
    return redirect("portfolios:project-detail", project.pk)
