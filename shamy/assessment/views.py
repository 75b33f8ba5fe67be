"""Thin views: submit for assessment, the teacher's submissions, the assessor's queue, a
submission with its history, and the assessment form (autosaved, with a conflict page)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shamy.access.http import AuthedHttpRequest
from shamy.assessment import permissions, rules, selectors
from shamy.assessment.forms import AssessForm
from shamy.assessment.models import Assessment, Submission, SubmissionStatus
from shamy.assessment.services import assessments as assessment_services
from shamy.assessment.services import submissions as submission_services

PAGE_SIZE = 30


def submission_submit(request: AuthedHttpRequest, project_id: int) -> HttpResponse:
    """The teacher sees which certification rules they meet, then submits (a new version)."""
    project = selectors.project_get_for_submit(user=request.user, project_id=project_id)
    portfolio = project.portfolio
    rubric = submission_services.current_rubric(project.cohort.programme_id)
    checks = rules.readiness(portfolio=portfolio, rubric=rubric) if rubric else []
    history = list(Submission.objects.filter(portfolio=portfolio).order_by("-version"))
    if request.method == "POST":
        try:
            submission = submission_services.submission_create(actor=request.user, portfolio=portfolio)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Your portfolio has been submitted for assessment (version %(v)s).") % {"v": submission.version},
            )
            return redirect("assessment:submission-detail", submission.pk)
    return render(
        request,
        "assessment/submit.html",
        {"project": project, "portfolio": portfolio, "rubric": rubric, "checks": checks, "history": history},
    )


def submission_list_own(request: AuthedHttpRequest) -> HttpResponse:
    if not permissions.can_submit_own(request.user):
        raise PermissionDenied
    rows = selectors.submission_list_own(actor=request.user)
    return render(request, "assessment/own_list.html", {"rows": rows})


STATUS_TABS = (
    SubmissionStatus.SUBMITTED,
    SubmissionStatus.REVISE,
    SubmissionStatus.RECOMMENDED,
    SubmissionStatus.APPROVED,
    SubmissionStatus.REJECTED,
)


def queue(request: AuthedHttpRequest) -> HttpResponse:
    """The assessor's queue (their schools' submissions awaiting assessment); other tabs show
    what they assessed before. Coordinators see every school of their programmes."""
    if not permissions.can_open_queue(request.user):
        raise PermissionDenied
    status = request.GET.get("status", SubmissionStatus.SUBMITTED)
    if status not in SubmissionStatus.values:
        status = SubmissionStatus.SUBMITTED
    rows = selectors.submission_queue(actor=request.user, status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    tabs = [(value, SubmissionStatus(value).label) for value in STATUS_TABS]
    return render(request, "assessment/queue.html", {"page": page, "status": status, "tabs": tabs})


def submission_detail(request: AuthedHttpRequest, submission_id: int) -> HttpResponse:
    submission = selectors.submission_get_for_user(user=request.user, submission_id=submission_id)
    assessment = Assessment.objects.filter(submission=submission).first()
    show_marks = assessment is not None and permissions.can_view_marks(request.user, submission)
    judgements = list(assessment.judgements.select_related("criterion")) if show_marks and assessment else []
    decision = getattr(submission, "decision", None) if hasattr(submission, "decision") else None
    return render(
        request,
        "assessment/submission_detail.html",
        {
            "submission": submission,
            "assessment": assessment if show_marks else None,
            "judgements": judgements,
            "decision": decision,
            "history": selectors.submission_history(actor=request.user, submission=submission),
            "can_assess": permissions.can_assess(request.user, submission),
            "is_teacher": permissions.is_teacher_of(request.user, submission),
        },
    )


def _initial(assessment: Assessment | None, criteria: list[Any]) -> dict[str, Any]:
    if assessment is None:
        return {"version": 0}
    initial: dict[str, Any] = {
        "version": assessment.version,
        "recommendation": assessment.recommendation,
        "reasons": assessment.reasons,
    }
    for judgement in assessment.judgements.select_related("criterion"):
        initial[f"level_{judgement.criterion.code}"] = judgement.level
        initial[f"comment_{judgement.criterion.code}"] = judgement.comment
    return initial


def _marks(form: AssessForm) -> dict[str, assessment_services.Mark]:
    return {
        c.code: assessment_services.Mark(form.cleaned_data[f"level_{c.code}"], form.cleaned_data[f"comment_{c.code}"])
        for c in form.criteria
    }


def assess(request: AuthedHttpRequest, submission_id: int) -> HttpResponse:
    """The assessment form. htmx posts it as the assessor types (``autosave``); "Finish" finalises.
    A save from a stale version shows the conflict page instead of overwriting."""
    submission = selectors.submission_get_for_user(user=request.user, submission_id=submission_id)
    if not permissions.can_assess(request.user, submission):
        raise PermissionDenied
    criteria = list(submission.rubric.criteria.all())
    assessment = Assessment.objects.filter(submission=submission).first()
    form = AssessForm(request.POST or None, criteria=criteria, initial=_initial(assessment, criteria))
    autosave = request.POST.get("autosave") == "1"
    if request.method == "POST" and form.is_valid():
        finalise = request.POST.get("finish") == "1" and not autosave
        try:
            saved = assessment_services.assessment_save(
                actor=request.user,
                submission=submission,
                marks=_marks(form),
                recommendation=form.cleaned_data["recommendation"],
                reasons=form.cleaned_data["reasons"],
                version=form.cleaned_data["version"],
                finalise=finalise,
            )
        except assessment_services.AssessmentConflict as conflict:
            if autosave:
                return render(request, "assessment/_autosave_status.html", {"conflict": True}, status=409)
            theirs = AssessForm(criteria=criteria, initial=_initial(conflict.current, criteria))
            mine = AssessForm(criteria=criteria, initial={**form.cleaned_data, "version": conflict.current.version})
            return render(
                request,
                "assessment/assess_conflict.html",
                {"submission": submission, "current": conflict.current, "theirs": theirs, "form": mine},
                status=409,
            )
        except ValidationError as error:
            if autosave:
                return render(request, "assessment/_autosave_status.html", {"errors": error.messages}, status=422)
            form.add_error(None, error.messages)
        else:
            if autosave:
                return render(request, "assessment/_autosave_status.html", {"assessment": saved})
            if finalise:
                messages.success(request, _("The assessment is finished."))
                return redirect("assessment:submission-detail", submission.pk)
            messages.success(request, _("Saved."))
            return redirect("assessment:assess", submission.pk)
    return render(request, "assessment/assess.html", {"submission": submission, "form": form})
