"""Thin views: submit for assessment, the teacher's submissions, the assessor's queue, a
submission with its history, and the assessment form (autosaved, with a conflict page)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shamy.access.http import AuthedHttpRequest
from shamy.assessment import permissions, selectors
from shamy.assessment.forms import AssessForm, DrawForm, ModeratorForm, SecondMarkForm
from shamy.assessment.models import Moderation, Submission, SubmissionFile, SubmissionStatus
from shamy.assessment.services import assessments as assessment_services
from shamy.assessment.services import moderation as moderation_services
from shamy.assessment.services import submissions as submission_services
from shamy.core import files
from shamy.core.rules import checked, requires
from shamy.portfolios.models import DevelopmentProject
from shamy.programmes.models import Programme

PAGE_SIZE = 30
STATUS_TABS = (
    SubmissionStatus.SUBMITTED,
    SubmissionStatus.REVISE,
    SubmissionStatus.RECOMMENDED,
    SubmissionStatus.APPROVED,
    SubmissionStatus.REJECTED,
)


@checked(DevelopmentProject, "submit-for-assessment", kwarg="project_id", name="project", shape=selectors.project_page)
def submission_submit(request: AuthedHttpRequest, project: DevelopmentProject) -> HttpResponse:
    """The teacher sees which certification rules they meet, then submits (a new version)."""
    if request.method == "POST":
        try:
            submission = submission_services.submission_create(actor=request.user, portfolio=project.portfolio)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            text = _("Your portfolio has been submitted for assessment (version %(v)s).")
            messages.success(request, text % {"v": submission.version})
            return redirect("assessment:submission-detail", submission.pk)
    return render(request, "assessment/submit.html", {"page": selectors.submit_view(project=project)})


@requires(permissions.may_submit_own)
def submission_list_own(request: AuthedHttpRequest) -> HttpResponse:
    rows = selectors.submission_list_own(access=request.access)
    return render(request, "assessment/own_list.html", {"rows": rows})


@requires(permissions.may_open_queue)
def queue(request: AuthedHttpRequest) -> HttpResponse:
    """The assessor's queue (their schools' submissions awaiting assessment); other tabs show
    what they assessed before. Coordinators see every school of their programmes."""
    status = request.GET.get("status", SubmissionStatus.SUBMITTED)
    if status not in SubmissionStatus.values:
        status = SubmissionStatus.SUBMITTED
    rows = selectors.submission_queue(access=request.access, status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    tabs = [(value, SubmissionStatus(value).label) for value in STATUS_TABS]
    assessable = selectors.assessable_ids(access=request.access, rows=page)
    context = {"page": page, "status": status, "tabs": tabs, "assessable": assessable}
    return render(request, "assessment/queue.html", context)


@checked(Submission, kwarg="submission_id", shape=selectors.submission_page)
def submission_detail(request: AuthedHttpRequest, submission: Submission) -> HttpResponse:
    view = selectors.submission_view(access=request.access, submission=submission)
    return render(request, "assessment/submission_detail.html", {"view": view, "submission": submission})


@checked(SubmissionFile, kwarg="file_id", name="submitted")
def submission_file(request: AuthedHttpRequest, submitted: SubmissionFile) -> HttpResponseBase:
    """A file as it was submitted, to whoever may open the submission."""
    inline = submitted.mime.startswith(("image/", "audio/")) or submitted.mime == "application/pdf"
    return files.file_response(submitted, submitted.file, content_type=submitted.mime, inline=inline, max_age=3600)


def _marks(form: AssessForm) -> dict[str, assessment_services.Mark]:
    return {
        c.code: assessment_services.Mark(form.cleaned_data[f"level_{c.code}"], form.cleaned_data[f"comment_{c.code}"])
        for c in form.criteria
    }


def _conflict(request: AuthedHttpRequest, submission: Submission, form: AssessForm, current: Any) -> HttpResponse:
    theirs = AssessForm(criteria=form.criteria, initial=selectors.assess_initial(current))
    mine = AssessForm(criteria=form.criteria, initial={**form.cleaned_data, "version": current.version})
    context = {"submission": submission, "current": current, "theirs": theirs, "form": mine}
    return render(request, "assessment/assess_conflict.html", context, status=409)


def _save(request: AuthedHttpRequest, submission: Submission, form: AssessForm, autosave: bool) -> HttpResponse:
    partial = "assessment/_autosave_status.html"
    try:
        saved = assessment_services.assessment_save(
            actor=request.user,
            submission=submission,
            marks=_marks(form),
            recommendation=form.cleaned_data["recommendation"],
            reasons=form.cleaned_data["reasons"],
            version=form.cleaned_data["version"],
            finalise=request.POST.get("finish") == "1" and not autosave,
        )
    except assessment_services.AssessmentConflict as conflict:
        if autosave:
            return render(request, partial, {"conflict": True}, status=409)
        return _conflict(request, submission, form, conflict.current)
    except ValidationError as error:
        if autosave:
            return render(request, partial, {"errors": error.messages}, status=422)
        form.add_error(None, error.messages)
        return render(request, "assessment/assess.html", {"submission": submission, "form": form})
    if autosave:
        return render(request, partial, {"assessment": saved})
    if saved.is_final:
        messages.success(request, _("The assessment is finished."))
        return redirect("assessment:submission-detail", submission.pk)
    messages.success(request, _("Saved."))
    return redirect("assessment:assess", submission.pk)


@checked(Submission, "assess", kwarg="submission_id", shape=selectors.submission_page)
def assess(request: AuthedHttpRequest, submission: Submission) -> HttpResponse:
    """The assessment form. htmx posts it as the assessor types (``autosave``); "Finish" finalises.
    A save from a stale version shows the conflict page instead of overwriting."""
    criteria = list(submission.rubric.criteria.all())
    initial = selectors.assess_initial(selectors.assessment_of(submission))
    form = AssessForm(request.POST or None, criteria=criteria, initial=initial)
    if request.method == "POST" and form.is_valid():
        return _save(request, submission, form, autosave=request.POST.get("autosave") == "1")
    return render(request, "assessment/assess.html", {"submission": submission, "form": form})


# --- Moderation -----------------------------------------------------------------------------


@requires(permissions.may_open_moderation_queue)
def moderation_queue(request: AuthedHttpRequest) -> HttpResponse:
    """Second markings waiting for me; for coordinators, their programmes' moderation pages."""
    context = {
        "rows": selectors.moderations_to_mark(access=request.access),
        "programmes": selectors.moderation_programmes(access=request.access),
    }
    return render(request, "assessment/moderation_queue.html", context)


@checked(Programme, "moderate", kwarg="programme_id")
def moderation(request: AuthedHttpRequest, programme: Programme) -> HttpResponse:
    """The coordinator draws the sample and sees agreement per assessor (low agreement flagged)."""
    form = DrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        share = form.cleaned_data["share"] / 100
        drawn = moderation_services.moderation_sample_draw(actor=request.user, programme=programme, share=share)
        messages.success(request, _("Drawn for moderation: %(n)s.") % {"n": len(drawn)})
        return redirect("assessment:moderation", programme.pk)
    rows, overall = moderation_services.agreement_by_assessor(programme=programme)
    context = {
        "programme": programme,
        "form": form,
        "moderations": selectors.moderations_of(access=request.access, programme=programme),
        "agreement": rows,
        "overall": overall,
    }
    return render(request, "assessment/moderation.html", context)


@checked(Moderation, "mark", kwarg="moderation_id", shape=selectors.moderation_page)
def moderation_mark(request: AuthedHttpRequest, moderation: Moderation) -> HttpResponse:
    """Blind second marking: the portfolio as submitted and the levels, never the first marks."""
    form = SecondMarkForm(request.POST or None, criteria=list(moderation.submission.rubric.criteria.all()))
    if request.method == "POST" and form.is_valid():
        try:
            moderation_services.moderation_mark(actor=request.user, moderation=moderation, levels=form.levels())
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Your marks are recorded."))
            return redirect("assessment:moderation-queue")
    return render(request, "assessment/moderation_mark.html", {"moderation": moderation, "form": form})


@checked(Moderation, "decide", kwarg="moderation_id", shape=selectors.moderation_page)
def moderation_decide(request: AuthedHttpRequest, moderation: Moderation) -> HttpResponse:
    form = ModeratorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation_services.moderation_decide(
                actor=request.user,
                moderation=moderation,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            return redirect("assessment:moderation", moderation.submission.cohort.programme_id)
    levels = selectors.moderation_first_levels(moderation)
    return render(
        request, "assessment/moderation_decide.html", {"moderation": moderation, "form": form, "levels": levels}
    )
