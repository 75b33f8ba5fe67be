"""Thin views: bind a form, call a getter, selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from shamy.access.context import Actor, access_for
from shamy.access.http import AuthedHttpRequest
from shamy.access.roles import Role
from shamy.accounts.models import User
from shamy.core import files
from shamy.portfolios import permissions, selectors
from shamy.portfolios.forms import (
    CommentForm,
    EndorseForm,
    EvidenceForm,
    JournalForm,
    ProjectForm,
    PublicFilterForm,
    SectionForm,
    ShareForm,
    StageForm,
    StepForm,
    ThemeForm,
)
from shamy.portfolios.models import Draft, FocusTheme, ProjectStep, Thread
from shamy.portfolios.poster import POSTER_SIZES, PosterContent, poster_pdf
from shamy.portfolios.services import drafts as draft_services
from shamy.portfolios.services import evidence as evidence_services
from shamy.portfolios.services import portfolios as portfolio_services
from shamy.portfolios.services import projects as project_services
from shamy.portfolios.services import sharing as sharing_services
from shamy.portfolios.services import themes as theme_services
from shamy.programmes.models import Cohort, CohortSchool, LinkAssignment, MethodologyStage, Programme
from shamy.registry.models import Person

PAGE_SIZE = 24
POSTER_CACHE_SECONDS = 24 * 60 * 60


def _apply_errors(form: Any, error: ValidationError) -> None:
    """Show a service's ValidationError on the form (field errors where the field exists)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _drafts(user: User, keys: list[str]) -> dict[str, Draft]:
    return {draft.key: draft for draft in Draft.objects.filter(user_id=user.pk, key__in=keys)}


# --- Teacher's projects ---------------------------------------------------------------------


def project_list(request: AuthedHttpRequest) -> HttpResponse:
    projects = selectors.project_list_own(actor=request.user)
    can_start = permissions.can_start_project(request.user)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    if not can_start and not page.paginator.count:
        raise PermissionDenied
    return render(request, "portfolios/project_list.html", {"page": page, "can_start": can_start, "query": ""})


def _teacher_cohorts(user: Actor) -> list[Cohort]:
    ids = sorted(
        {m.cohort_id for m in access_for(user).programme_memberships() if m.role == Role.TEACHER and m.cohort_id}
    )
    return list(Cohort.objects.filter(pk__in=ids).select_related("programme"))


def project_create(request: AuthedHttpRequest) -> HttpResponse:
    if not permissions.can_start_project(request.user):
        raise PermissionDenied
    cohorts = _teacher_cohorts(request.user)
    form = ProjectForm(request.POST or None)
    chosen = request.POST.get("cohort") or (str(cohorts[0].pk) if cohorts else "")
    cohort = next((c for c in cohorts if str(c.pk) == chosen), None)
    if request.method == "POST" and form.is_valid() and cohort is not None:
        try:
            project = project_services.project_create(
                actor=request.user,
                cohort=cohort,
                title=form.cleaned_data["title"],
                theme=form.cleaned_data["theme"],
                concern=form.cleaned_data["concern"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Your project has started. Good luck!"))
            return redirect("portfolios:project-detail", project.pk)
    return render(request, "portfolios/project_form.html", {"form": form, "cohorts": cohorts, "cohort": cohort})


def _detail(request: AuthedHttpRequest, project: Any, **forms: Any) -> HttpResponse:
    user = request.user
    context = selectors.project_detail_context(user=user, project=project)
    can_edit = permissions.can_edit_project(user, project)
    keys = [f"journal:{project.pk}"] + [f"comment:{project.pk}:{thread}" for thread in context["threads"]]
    saved_drafts = _drafts(user, keys) if keys else {}

    def initial(key: str) -> dict[str, str]:
        draft = saved_drafts.get(key)
        return {"text": draft.text} if draft else {}

    thread_forms = []
    for thread in context["threads"]:
        key = f"comment:{project.pk}:{thread}"
        thread_form = forms.get(f"comment_{thread}") or CommentForm(initial=initial(key), draft_key=key)
        thread_forms.append(
            {
                "thread": thread,
                "label": Thread(thread).label,
                "form": thread_form,
                "key": key,
                "comments": [c for c in context["comments"] if c.thread == thread],
            }
        )
    journal_key = f"journal:{project.pk}"
    context.update(
        {
            "project": project,
            "can_edit": can_edit,
            "can_manage": permissions.can_manage_project(user, project),
            "can_endorse": permissions.can_endorse_project(user, project),
            "step_form": forms.get("step") or StepForm(),
            "journal_form": forms.get("journal")
            or (JournalForm(initial=initial(journal_key), draft_key=journal_key) if can_edit else None),
            "journal_key": journal_key,
            "endorse_form": forms.get("endorse") or EndorseForm(),
            "thread_forms": thread_forms,
            "today": timezone.localdate(),
        }
    )
    status = 400 if forms else 200
    return render(request, "portfolios/project_detail.html", context, status=status)


def project_detail(request: AuthedHttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get_for_user(user=request.user, project_id=project_id)
    return _detail(request, project)


def project_edit(request: AuthedHttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get_for_user(user=request.user, project_id=project_id)
    if not permissions.can_manage_project(request.user, project):
        raise PermissionDenied
    colleagues = (
        Person.objects.filter(employments__school_id=project.school_id, employments__ends_on__isnull=True)
        .exclude(pk=project.teacher_id)
        .distinct()
        .order_by("surname", "given_name", "id")
    )
    initial = {
        "title": project.title,
        "theme": project.theme_id,
        "concern": project.concern,
        "collaborators": [person.pk for person in project.collaborators.all()],
    }
    form = ProjectForm(request.POST or None, initial=initial, colleagues=colleagues, current_theme=project.theme)
    if request.method == "POST" and form.is_valid():
        try:
            project_services.project_update(
                actor=request.user,
                project=project,
                title=form.cleaned_data["title"],
                theme=form.cleaned_data["theme"],
                concern=form.cleaned_data["concern"],
                collaborators=form.cleaned_data["collaborators"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The project has been saved."))
            return redirect("portfolios:project-detail", project.pk)
    return render(request, "portfolios/project_edit.html", {"form": form, "project": project})


@require_POST
def project_stage(request: AuthedHttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get_for_user(user=request.user, project_id=project_id)
    if not permissions.can_manage_project(request.user, project):
        raise PermissionDenied
    form = StageForm(request.POST)
    stage = None
    if form.is_valid():
        stage = MethodologyStage.objects.filter(
            programme_id=project.cohort.programme_id, pk=form.cleaned_data["stage"]
        ).first()
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


@require_POST
def step_add(request: AuthedHttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get_for_user(user=request.user, project_id=project_id)
    if not permissions.can_edit_project(request.user, project):
        raise PermissionDenied
    form = StepForm(request.POST)
    if not form.is_valid():
        return _detail(request, project, step=form)
    project_services.step_add(
        actor=request.user, project=project, title=form.cleaned_data["title"], due_on=form.cleaned_data["due_on"]
    )
    messages.success(request, _("The step has been added to the plan."))
    return redirect(reverse("portfolios:project-detail", args=[project.pk]) + "#plan")


@require_POST
def step_done(request: AuthedHttpRequest, step_id: int) -> HttpResponse:
    step = get_object_or_404(ProjectStep.objects.select_related("project"), pk=step_id)
    project = selectors.project_get_for_user(user=request.user, project_id=step.project_id)
    if not permissions.can_edit_project(request.user, project):
        raise PermissionDenied
    step.project = project
    project_services.step_mark_done(actor=request.user, step=step, done=request.POST.get("done") != "0")
    return redirect(reverse("portfolios:project-detail", args=[project.pk]) + "#plan")


@require_POST
def journal_add(request: AuthedHttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get_for_user(user=request.user, project_id=project_id)
    if not permissions.can_edit_project(request.user, project):
        raise PermissionDenied
    form = JournalForm(request.POST, draft_key=f"journal:{project.pk}")
    if not form.is_valid():
        return _detail(request, project, journal=form)
    project_services.journal_add(
        actor=request.user, project=project, text=form.cleaned_data["text"], written_on=form.cleaned_data["written_on"]
    )
    messages.success(request, _("Your reflection has been added to the journal."))
    return redirect(reverse("portfolios:project-detail", args=[project.pk]) + "#journal")


@require_POST
def comment_add(request: AuthedHttpRequest, project_id: int, thread: str) -> HttpResponse:
    project = selectors.project_get_for_user(user=request.user, project_id=project_id)
    if thread not in Thread.values or not permissions.can_comment(request.user, project, thread):
        raise PermissionDenied
    form = CommentForm(request.POST, draft_key=f"comment:{project.pk}:{thread}")
    if not form.is_valid():
        return _detail(request, project, **{f"comment_{thread}": form})
    project_services.comment_add(actor=request.user, project=project, thread=thread, text=form.cleaned_data["text"])
    messages.success(request, _("Your message has been sent."))
    return redirect(reverse("portfolios:project-detail", args=[project.pk]) + f"#thread-{thread}")


@require_POST
def project_endorse(request: AuthedHttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get_for_user(user=request.user, project_id=project_id)
    if not permissions.can_endorse_project(request.user, project):
        raise PermissionDenied
    form = EndorseForm(request.POST)
    if not form.is_valid():
        return _detail(request, project, endorse=form)
    project_services.project_endorse(actor=request.user, project=project, note=form.cleaned_data["note"])
    messages.success(request, _("You have endorsed this project."))
    return redirect("portfolios:project-detail", project.pk)


# --- Evidence ---------------------------------------------------------------------------------


def evidence_add(request: AuthedHttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get_for_user(user=request.user, project_id=project_id)
    if not permissions.can_edit_project(request.user, project):
        raise PermissionDenied
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            evidence_services.evidence_add(
                actor=request.user,
                project=project,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                upload=form.cleaned_data["file"],
                video_url=form.cleaned_data["video_url"],
                shows_pupils=form.cleaned_data["shows_pupils"],
                parental_consent=form.cleaned_data["parental_consent"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The evidence has been added."))
            return redirect(reverse("portfolios:project-detail", args=[project.pk]) + "#evidence")
    # A failed upload re-renders the form with everything typed; only the file must be chosen again.
    status = 400 if request.method == "POST" else 200
    return render(request, "portfolios/evidence_form.html", {"form": form, "project": project}, status=status)


@require_POST
def evidence_delete(request: AuthedHttpRequest, evidence_id: int) -> HttpResponse:
    evidence = selectors.evidence_get_for_user(user=request.user, evidence_id=evidence_id)
    project = evidence.project
    if not permissions.can_edit_project(request.user, project) or project.portfolio.is_submitted:
        raise PermissionDenied
    evidence_services.evidence_delete(actor=request.user, evidence=evidence)
    messages.success(request, _("The evidence has been removed."))
    return redirect(reverse("portfolios:project-detail", args=[project.pk]) + "#evidence")


def evidence_file(request: AuthedHttpRequest, evidence_id: int) -> HttpResponseBase:
    evidence = selectors.evidence_get_for_user(user=request.user, evidence_id=evidence_id)
    if not evidence.file:
        raise Http404
    inline = evidence.mime.startswith(("image/", "audio/")) or evidence.mime == "application/pdf"
    return files.file_response(evidence, evidence.file, content_type=evidence.mime, inline=inline, max_age=3600)


def evidence_thumbnail(request: AuthedHttpRequest, evidence_id: int) -> HttpResponseBase:
    evidence = selectors.evidence_get_for_user(user=request.user, evidence_id=evidence_id)
    if not evidence.thumbnail:
        raise Http404
    return files.file_response(evidence, evidence.thumbnail, content_type="image/jpeg", inline=True, max_age=3600)


# --- Portfolio --------------------------------------------------------------------------------


def portfolio_detail(request: AuthedHttpRequest, project_id: int) -> HttpResponse:
    portfolio = selectors.portfolio_get_for_user(user=request.user, project_id=project_id)
    project = portfolio.project
    return render(
        request,
        "portfolios/portfolio_detail.html",
        {
            "portfolio": portfolio,
            "project": project,
            "sections": list(portfolio.sections.all()),
            "can_edit": permissions.can_edit_project(request.user, project) and not portfolio.is_submitted,
            "can_submit": permissions.can_manage_project(request.user, project) and not portfolio.is_submitted,
            "can_view_project": permissions.can_view_project(request.user, project),
        },
    )


def submitted_list(request: AuthedHttpRequest) -> HttpResponse:
    if not permissions.can_list_submitted(request.user):
        raise PermissionDenied
    portfolios = selectors.portfolio_list_submitted(actor=request.user)
    page = Paginator(portfolios, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portfolios/submitted_list.html", {"page": page, "query": ""})


def section_edit(request: AuthedHttpRequest, section_id: int) -> HttpResponse:
    section = selectors.section_get_for_user(user=request.user, section_id=section_id)
    project = section.portfolio.project
    if not permissions.can_edit_project(request.user, project) or section.portfolio.is_submitted:
        raise PermissionDenied
    key = f"section:{section.pk}"
    evidence = project.evidence.all()
    if request.method == "POST" and request.POST.get("discard") == "1":
        draft_services.draft_discard(actor=request.user, key=key)
        return redirect("portfolios:section-edit", section.pk)
    restored = None
    if request.method == "POST":
        form = SectionForm(request.POST, section_key=key, evidence=evidence)
    else:
        draft = _drafts(request.user, [key]).get(key)
        body = section.body
        if draft is not None and draft.text != section.body:
            restored, body = draft, draft.text
        form = SectionForm(
            initial={"body": body, "version": section.version, "evidence": [e.pk for e in section.evidence.all()]},
            section_key=key,
            evidence=evidence,
        )
    if request.method == "POST" and form.is_valid():
        try:
            portfolio_services.section_save(
                actor=request.user,
                section=section,
                body=form.cleaned_data["body"],
                version=form.cleaned_data["version"],
                evidence=form.cleaned_data["evidence"],
            )
        except portfolio_services.SectionConflict as conflict:
            return render(
                request,
                "portfolios/section_conflict.html",
                {
                    "section": conflict.current,
                    "project": project,
                    "mine": form.cleaned_data["body"],
                    "theirs": conflict.current.body,
                    "form": SectionForm(
                        initial={
                            "body": form.cleaned_data["body"],
                            "version": conflict.current.version,
                            "evidence": [e.pk for e in form.cleaned_data["evidence"]],
                        },
                        section_key=key,
                        evidence=evidence,
                    ),
                },
                status=409,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The section has been saved."))
            return redirect(reverse("portfolios:portfolio-detail", args=[project.pk]) + f"#section-{section.pk}")
    return render(
        request,
        "portfolios/section_form.html",
        {"form": form, "section": section, "project": project, "restored": restored, "key": key},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def portfolio_submit(request: AuthedHttpRequest, project_id: int) -> HttpResponse:
    portfolio = selectors.portfolio_get_for_user(user=request.user, project_id=project_id)
    if not permissions.can_manage_project(request.user, portfolio.project):
        raise PermissionDenied
    try:
        portfolio_services.portfolio_submit(actor=request.user, portfolio=portfolio)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your portfolio has been submitted for assessment."))
    return redirect("portfolios:portfolio-detail", project_id)


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


# --- Sharing ----------------------------------------------------------------------------------


def project_share(request: AuthedHttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get_for_user(user=request.user, project_id=project_id)
    if not permissions.can_manage_project(request.user, project):
        raise PermissionDenied
    public = getattr(project, "public_summary", None)
    consent = project.sharing_consents.filter(withdrawn_at__isnull=True).first()
    if request.method == "POST" and request.POST.get("withdraw") == "1":
        sharing_services.consent_withdraw(actor=request.user, project=project)
        messages.success(request, _("Your consent is withdrawn; the public page and poster are gone."))
        return redirect("portfolios:project-share", project.pk)
    initial: dict[str, Any] = {"language": translation.get_language() or "kk", "show_name": True, "show_school": True}
    if public is not None:
        initial.update(
            {"summary": public.summary, "actions": public.actions, "impact": public.impact, "language": public.language}
        )
    if consent is not None:
        initial.update({"show_name": consent.show_name, "show_school": consent.show_school})
    else:
        initial.setdefault("summary", project.concern)
    form = ShareForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        public = sharing_services.summary_publish(
            actor=request.user,
            project=project,
            summary=data["summary"],
            actions=data["actions"],
            impact=data["impact"],
            language=data["language"],
            show_name=data["show_name"],
            show_school=data["show_school"],
        )
        messages.success(request, _("Your project summary is published."))
        return redirect("portfolios:project-share", project.pk)
    is_published = public is not None and public.published_at is not None and consent is not None
    return render(
        request,
        "portfolios/project_share.html",
        {"form": form, "project": project, "public": public if is_published else None, "consent": consent},
    )


# --- Boards and overviews -----------------------------------------------------------------------


def board_index(request: AuthedHttpRequest) -> HttpResponse:
    """Every board and overview the user may open (an empty page when no programme has schools yet)."""
    user = request.user
    if not permissions.can_open_board_index(user):
        raise PermissionDenied
    memberships = access_for(user).programme_memberships()
    boards: dict[tuple[int, int], CohortSchool] = {}
    coordinated = {m.programme_id for m in memberships if m.role == Role.COORDINATOR}
    link_memberships = [m.pk for m in memberships if m.role == Role.LINK_FACILITATOR]
    cohort_schools = CohortSchool.objects.select_related("cohort__programme", "school")
    for link in cohort_schools.filter(cohort__programme_id__in=sorted(coordinated)):
        boards[(link.cohort_id, link.school_id)] = link
    for link in cohort_schools.filter(
        pk__in=LinkAssignment.objects.filter(membership_id__in=link_memberships).values("cohort_school_id")
    ):
        boards[(link.cohort_id, link.school_id)] = link
    school_pairs = [
        m
        for m in memberships
        if m.role in (Role.SCHOOL_FACILITATOR, Role.SCHOOL_PRINCIPAL) and m.school_id and m.programme_id
    ]
    for membership in school_pairs:
        scoped = cohort_schools.filter(
            school_id=int(membership.school_id or 0), cohort__programme_id=int(membership.programme_id or 0)
        )
        if membership.cohort_id:
            scoped = scoped.filter(cohort_id=membership.cohort_id)
        for link in scoped:
            boards[(link.cohort_id, link.school_id)] = link
    programmes = Programme.objects.restrict(user, "view")
    overview = [p for p in programmes if permissions.can_view_programme_overview(user, p)]
    support = [p for p in programmes if permissions.can_view_link_overview(user, p)]
    ordered = sorted(boards.values(), key=lambda link: (link.cohort.programme_id, link.cohort_id, link.school.name))
    return render(
        request,
        "portfolios/board_index.html",
        {"boards": ordered, "overview_programmes": overview, "support_programmes": support},
    )


def board(request: AuthedHttpRequest, cohort_id: int) -> HttpResponse:
    cohort = get_object_or_404(Cohort.objects.restrict(request.user, "view").select_related("programme"), pk=cohort_id)
    schools = selectors.board_schools(actor=request.user, cohort=cohort)
    if not schools:
        raise PermissionDenied
    wanted = request.GET.get("school", "")
    school = next((s for s in schools if str(s.pk) == wanted), None) if wanted else schools[0]
    if school is None:
        raise Http404
    columns = selectors.board_columns(actor=request.user, cohort=cohort, school=school)
    return render(
        request,
        "portfolios/board.html",
        {"cohort": cohort, "school": school, "schools": schools, "columns": columns},
    )


def link_overview(request: AuthedHttpRequest, programme_id: int) -> HttpResponse:
    programme = get_object_or_404(Programme.objects.restrict(request.user, "view"), pk=programme_id)
    if not permissions.can_view_link_overview(request.user, programme):
        raise PermissionDenied
    weeks = selectors.stuck_weeks(request.GET.get("weeks"))
    rows = selectors.link_overview(actor=request.user, programme=programme, weeks=weeks)
    stages = list(MethodologyStage.objects.filter(programme=programme).order_by("order", "id"))
    for row in rows:
        row.stage_list = [row.stage_counts.get(stage.pk, 0) for stage in stages]  # type: ignore[attr-defined]
    return render(
        request,
        "portfolios/link_overview.html",
        {
            "programme": programme,
            "rows": rows,
            "stages": stages,
            "weeks": weeks,
            "stuck_total": sum(len(row.stuck) for row in rows),
        },
    )


def programme_overview(request: AuthedHttpRequest, programme_id: int) -> HttpResponse:
    programme = get_object_or_404(Programme.objects.restrict(request.user, "view"), pk=programme_id)
    if not permissions.can_view_programme_overview(request.user, programme):
        raise PermissionDenied
    weeks = selectors.stuck_weeks(request.GET.get("weeks"))
    stages, regions, schools = selectors.programme_overview(actor=request.user, programme=programme, weeks=weeks)
    grouped = [(region, [row for row in schools if row.region_id == region.region_id]) for region in regions]
    return render(
        request,
        "portfolios/programme_overview.html",
        {
            "programme": programme,
            "stages": stages,
            "grouped": grouped,
            "weeks": weeks,
            "total": sum(row.total for row in regions),
            "can_support": permissions.can_view_link_overview(request.user, programme),
        },
    )


# --- Themes -----------------------------------------------------------------------------------


def theme_list(request: AuthedHttpRequest) -> HttpResponse:
    if not permissions.can_edit_themes(request.user):
        raise PermissionDenied
    form = ThemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            theme_services.theme_save(actor=request.user, theme=None, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The theme has been added."))
            return redirect("portfolios:theme-list")
    themes = FocusTheme.objects.order_by("order", "code")
    return render(request, "portfolios/theme_list.html", {"themes": themes, "form": form})


def theme_edit(request: AuthedHttpRequest, theme_id: int) -> HttpResponse:
    if not permissions.can_edit_themes(request.user):
        raise PermissionDenied
    theme = get_object_or_404(FocusTheme, pk=theme_id)
    initial = {
        "code": theme.code,
        "name_kk": theme.name_kk,
        "name_ru": theme.name_ru,
        "name_en": theme.name_en,
        "order": theme.order,
        "is_active": theme.is_active,
    }
    form = ThemeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            theme_services.theme_save(actor=request.user, theme=theme, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The theme has been saved."))
            return redirect("portfolios:theme-list")
    return render(request, "portfolios/theme_form.html", {"form": form, "theme": theme})


# --- Public pages -----------------------------------------------------------------------------


@login_not_required
@vary_on_headers("HX-Request")
def public_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.PublicFilters.from_query(request.GET)
    summaries = selectors.public_summary_list(filters=filters)
    themes, regions = selectors.public_filter_choices()
    form = PublicFilterForm(request.GET or None, themes=themes, regions=regions)
    page = Paginator(summaries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    partial = request.htmx and not request.htmx.boosted  # type: ignore[attr-defined]
    template = "portfolios/_public_rows.html" if partial else "portfolios/public_list.html"
    return render(request, template, {"form": form, "page": page, "query": query.urlencode()})


@login_not_required
def public_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    summary = selectors.public_summary_get(public_id=public_id)
    return render(request, "portfolios/public_detail.html", {"summary": summary, "sizes": POSTER_SIZES})


def poster_content(summary: Any, public_url: str) -> PosterContent:
    """The poster shows only what the teacher consented to (name; school and region)."""
    project = summary.project
    consent = summary.consent
    with translation.override(summary.language):
        return PosterContent(
            title=project.title,
            author=project.teacher.full_name if consent.show_name else "",
            school=project.school.name if consent.show_school else "",
            region=project.school.region.name if consent.show_school else "",
            theme=project.theme.name,
            programme=project.cohort.programme.name,
            sections=[
                (heading, text)
                for heading, text in (
                    (_("The concern"), summary.summary),
                    (_("What was done"), summary.actions),
                    (_("The impact on pupils, colleagues and the school"), summary.impact),
                )
                if text
            ],
            public_url=public_url,
        )


@login_not_required
def public_poster(request: HttpRequest, public_id: str) -> HttpResponse:
    summary = selectors.public_summary_get(public_id=public_id)
    size = request.GET.get("size", "A3")
    if size not in POSTER_SIZES:
        size = "A3"
    with_qr = request.GET.get("qr", "1") != "0"
    url = request.build_absolute_uri(reverse("portfolios:public-detail", args=[summary.public_id]))
    # Rendering takes seconds and the page is public: keep each version of a poster in the cache
    # (the key changes whenever the summary or the consent behind it changes).
    key = f"portfolios:poster:{summary.public_id}:{size}:{int(with_qr)}:{summary.updated_at.timestamp()}:"
    key += f"{summary.consent_id}:{translation.get_language()}:{url}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = poster_pdf(poster_content(summary, url if with_qr else ""), size=size, language=summary.language)
        cache.set(key, pdf, POSTER_CACHE_SECONDS)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="poster-{size}.pdf"'
    return response
