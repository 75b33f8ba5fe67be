"""Survey pages: thin views; objects arrive checked by the named rules (``@checked``)."""

from __future__ import annotations

import datetime
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shamy.access.http import AuthedHttpRequest
from shamy.core.exports import csv_response, xlsx_response
from shamy.core.replicas import replica_reads
from shamy.core.rules import allowed, checked
from shamy.programmes.models import Programme
from shamy.surveys import answering, selectors
from shamy.surveys.forms import (
    PostSurveyForm,
    QuestionForm,
    ResultFilterForm,
    SurveyEditForm,
    SurveyForm,
    question_initial,
    translated,
)
from shamy.surveys.models import Question, Survey, SurveyStatus
from shamy.surveys.results_cache import RESULTS_CACHE_SECONDS
from shamy.surveys.results_export import result_rows
from shamy.surveys.services import responses
from shamy.surveys.services import surveys as services

SHAPE = selectors.with_relations


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


def _form_errors(form: Any) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def _window() -> dict[str, datetime.datetime]:
    now = timezone.localtime().replace(second=0, microsecond=0)
    return {"opens_at": now, "closes_at": now + datetime.timedelta(days=14)}


def survey_index(request: AuthedHttpRequest) -> HttpResponse:
    rows = [
        {
            "survey": survey,
            "manage": allowed(request.access, survey, "manage"),
            "results": allowed(request.access, survey, "results"),
            "answer": allowed(request.access, survey, "answer") and survey.is_accepting(),
        }
        for survey in selectors.survey_list(actor=request.user)
    ]
    coordinated = [m for m in request.access.programme_memberships() if m.role == "coordinator"]
    context = {"rows": rows, "coordinated": coordinated, "threshold": selectors.suppression_threshold()}
    return render(request, "surveys/survey_list.html", context)


@checked(Programme, "create-survey", kwarg="programme_id")
def survey_create_view(request: AuthedHttpRequest, programme: Programme) -> HttpResponse:
    form = SurveyForm(request.POST or None, programme=programme, initial=_window())
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        title, intro = translated(data, "title"), translated(data, "intro")
        fields = {key: data[key] for key in ("phase", "anonymous", "audience_role", "cohort", "school")}
        fields |= {key: data[key] for key in ("public_link", "opens_at", "closes_at")}
        try:
            survey = services.survey_create(actor=request.user, programme=programme, title=title, intro=intro, **fields)
        except ValidationError as error:
            form.add_error(None, _errors(error))
        else:
            return redirect("surveys:survey-detail", survey_id=survey.pk)
    return render(request, "surveys/survey_form.html", {"form": form, "programme": programme})


@checked(Survey, "open", kwarg="survey_id", shape=SHAPE)
def survey_detail(request: AuthedHttpRequest, survey: Survey) -> HttpResponse:
    manage = allowed(request.access, survey, "manage")
    if not manage and not allowed(request.access, survey, "results"):
        return redirect("surveys:respond", survey_id=survey.pk)
    post = selectors.post_survey_of(survey)
    public = reverse("surveys:public-respond", args=[survey.public_token])
    context: dict[str, Any] = {
        "survey": survey,
        "questions": selectors.questions_of(survey),
        "manage": manage,
        "post": post,
        "question_form": QuestionForm(survey=survey) if manage and survey.status == SurveyStatus.DRAFT else None,
        "post_form": PostSurveyForm(initial=_window()) if manage and survey.phase == "pre" and not post else None,
        "public_url": request.build_absolute_uri(public) if survey.public_link and manage else "",
    }
    return render(request, "surveys/survey_detail.html", context)


@checked(Survey, "manage", kwarg="survey_id", shape=SHAPE)
def survey_edit_view(request: AuthedHttpRequest, survey: Survey) -> HttpResponse:
    form = SurveyEditForm(request.POST or None, survey=survey)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_update(actor=request.user, survey=survey, changes=form.changes())
        except ValidationError as error:
            form.add_error(None, _errors(error))
        else:
            messages.success(request, _("The survey is saved."))
            return redirect("surveys:survey-detail", survey_id=survey.pk)
    return render(request, "surveys/survey_form.html", {"form": form, "programme": survey.programme, "survey": survey})


@checked(Question, "manage", kwarg="question_id", shape=lambda rows: rows.select_related("survey__programme"))
def question_edit_view(request: AuthedHttpRequest, question: Question) -> HttpResponse:
    form = QuestionForm(
        request.POST or None, survey=question.survey, before=question, initial=question_initial(question)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {"kind": data["kind"], "required": data["required"], "show_if": data["show_if"]}
        fields |= {"choices": data["choices_list"], "rows": data["rows_list"], "show_if_values": data["show_if_list"]}
        try:
            services.question_update(actor=request.user, question=question, text=translated(data, "text"), **fields)
        except ValidationError as error:
            form.add_error(None, _errors(error))
        else:
            return redirect("surveys:survey-detail", survey_id=question.survey_id)
    return render(
        request, "surveys/question_form.html", {"form": form, "question": question, "survey": question.survey}
    )


@require_POST
@checked(Question, "manage", kwarg="question_id", shape=lambda rows: rows.select_related("survey"))
def question_move_view(request: AuthedHttpRequest, question: Question) -> HttpResponse:
    try:
        services.question_move(actor=request.user, question=question, up=request.POST.get("direction") != "down")
    except ValidationError as error:
        messages.error(request, _errors(error))
    return redirect("surveys:survey-detail", survey_id=question.survey_id)


@require_POST
@checked(Survey, "manage", kwarg="survey_id")
def question_add_view(request: AuthedHttpRequest, survey: Survey) -> HttpResponse:
    form = QuestionForm(request.POST, survey=survey)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("surveys:survey-detail", survey_id=survey.pk)
    data = form.cleaned_data
    try:
        services.question_add(
            actor=request.user,
            survey=survey,
            kind=data["kind"],
            text=translated(data, "text"),
            choices=data["choices_list"],
            rows=data["rows_list"],
            required=data["required"],
            show_if=data["show_if"],
            show_if_values=data["show_if_list"],
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
    return redirect("surveys:survey-detail", survey_id=survey.pk)


@require_POST
@checked(Question, "manage", kwarg="question_id", shape=lambda rows: rows.select_related("survey"))
def question_delete_view(request: AuthedHttpRequest, question: Question) -> HttpResponse:
    try:
        services.question_delete(actor=request.user, question=question)
    except ValidationError as error:
        messages.error(request, _errors(error))
    return redirect("surveys:survey-detail", survey_id=question.survey_id)


@require_POST
@checked(Survey, "manage", kwarg="survey_id")
def survey_status_view(request: AuthedHttpRequest, survey: Survey) -> HttpResponse:
    status = request.POST.get("status", "")
    if status not in (SurveyStatus.OPEN, SurveyStatus.CLOSED):
        raise Http404
    try:
        services.survey_set_status(actor=request.user, survey=survey, status=status)
    except ValidationError as error:
        messages.error(request, _errors(error))
    return redirect("surveys:survey-detail", survey_id=survey.pk)


@require_POST
@checked(Survey, "manage", kwarg="survey_id")
def survey_post_create_view(request: AuthedHttpRequest, survey: Survey) -> HttpResponse:
    form = PostSurveyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("surveys:survey-detail", survey_id=survey.pk)
    try:
        post = services.survey_create_post(actor=request.user, pre=survey, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect("surveys:survey-detail", survey_id=survey.pk)
    return redirect("surveys:survey-detail", survey_id=post.pk)


@require_POST
@checked(Survey, "manage", kwarg="survey_id")
def survey_remind_view(request: AuthedHttpRequest, survey: Survey) -> HttpResponse:
    try:
        count = services.survey_remind(actor=request.user, survey=survey, base_url=request.build_absolute_uri("/"))
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("Reminders sent: %(count)s.") % {"count": count})
    return redirect("surveys:survey-detail", survey_id=survey.pk)


@checked(Survey, "answer", kwarg="survey_id")
def respond(request: AuthedHttpRequest, survey: Survey) -> HttpResponse:
    """Answer a survey: every change is saved as a draft (htmx); the submit button checks the
    required questions and submits once."""
    if responses.has_answered(survey=survey, user=request.user):
        return render(request, "surveys/thanks.html", {"survey": survey, "already": True})
    if not survey.is_accepting():
        return render(request, "surveys/closed.html", {"survey": survey})
    action = reverse("surveys:respond", args=[survey.pk])
    if request.method != "POST":
        draft = selectors.draft_of(survey=survey, key=responses.respondent_key(survey, request.user))
        return render(request, "surveys/respond.html", answering.draft_form(survey, draft, action))
    save = partial(responses.response_save_draft, actor=request.user, survey=survey)
    submit = partial(responses.response_submit, actor=request.user, survey=survey)
    outcome = answering.handle_post(survey, request.POST, action, save=save, submit=submit)
    return _answered(request, survey, outcome)


def _answered(request: HttpRequest, survey: Survey, outcome: answering.Outcome) -> HttpResponse:
    if outcome.submitted or outcome.already:
        return render(request, "surveys/thanks.html", {"survey": survey, "already": outcome.already})
    if outcome.saved and request.htmx:  # type: ignore[attr-defined]
        return render(request, "surveys/_saved.html", {"saved_at": timezone.localtime()})
    return render(request, "surveys/respond.html", outcome.context)


PUBLIC_SESSION_KEY = "survey_public_keys"


def _session_key(session: Any, survey: Survey) -> str:
    """The visitor's random key for ``survey`` ("done" once they have submitted)."""
    keys: dict[str, str] = session.setdefault(PUBLIC_SESSION_KEY, {})
    session.modified = True
    return keys.setdefault(str(survey.pk), responses.new_public_key())


@login_not_required
def public_respond(request: HttpRequest, token: str) -> HttpResponse:
    """Answer through the public link: no account, always anonymous; the draft is kept under a
    random key in the visitor's session."""
    survey = selectors.public_survey(token=token)
    if survey is None:
        raise Http404
    key = _session_key(request.session, survey)
    if key == "done":
        return render(request, "surveys/thanks.html", {"survey": survey, "already": True})
    if not survey.is_accepting():
        return render(request, "surveys/closed.html", {"survey": survey})
    action = reverse("surveys:public-respond", args=[token])
    if request.method != "POST":
        draft = selectors.draft_of(survey=survey, key=key)
        return render(request, "surveys/respond.html", answering.draft_form(survey, draft, action))
    save = partial(responses.response_save_public, survey=survey, key=key)
    outcome = answering.handle_post(
        survey, request.POST, action, save=partial(save, submit=False), submit=partial(save, submit=True)
    )
    if outcome.submitted or outcome.already:
        request.session[PUBLIC_SESSION_KEY][str(survey.pk)] = "done"
    return _answered(request, survey, outcome)


@checked(Survey, "results", kwarg="survey_id", shape=SHAPE)
def results(request: AuthedHttpRequest, survey: Survey) -> HttpResponse:
    form = ResultFilterForm(request.GET or None, survey=survey)
    filters = selectors.ResultFilters.from_query(request.GET)
    # The rendered results are cached under the results' own key (results_cache.py), so a warm
    # page neither reads the aggregates nor renders the questions: computed only on a miss.
    outcome = SimpleLazyObject(partial(selectors.survey_results, survey=survey, filters=filters))
    context = {
        "survey": survey,
        "form": form,
        "results": outcome,
        "results_key": selectors.survey_results_key(survey=survey, filters=filters),
        "results_seconds": RESULTS_CACHE_SECONDS,
        "query": request.GET.urlencode(),
    }
    return render(request, "surveys/results.html", context)


@replica_reads  # an export is a heavy read: the replica when there is one
@checked(Survey, "results", kwarg="survey_id", shape=SHAPE)
def results_export(request: AuthedHttpRequest, survey: Survey, fmt: str) -> HttpResponse:
    outcome = selectors.survey_results(survey=survey, filters=selectors.ResultFilters.from_query(request.GET))
    header, rows = result_rows(outcome)
    filename = f"survey-{survey.pk}-results"
    if fmt == "xlsx":
        note = _("Groups of fewer than %(n)s people are suppressed in anonymous surveys.") % {"n": outcome.threshold}
        return xlsx_response(header, rows, filename, note=note)
    return csv_response(header, rows, filename)
