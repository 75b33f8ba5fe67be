"""Survey pages: thin views over the selectors and services."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shamy.analytics.exports import csv_response, xlsx_response
from shamy.programmes.selectors import programme_get_for_user
from shamy.surveys import answers
from shamy.surveys.forms import PostSurveyForm, QuestionForm, ResultFilterForm, SurveyForm, translated
from shamy.surveys.models import Question, QuestionKind, Response, Survey, SurveyStatus
from shamy.surveys.permissions import can_answer, can_manage_surveys, can_view_results
from shamy.surveys.results_export import result_rows
from shamy.surveys.selectors import (
    ResultFilters,
    draft_values,
    questions_of,
    survey_get_for_user,
    survey_list,
    survey_results,
)
from shamy.surveys.services.responses import (
    AlreadyAnswered,
    has_answered,
    new_public_key,
    respondent_key,
    response_save_draft,
    response_save_public,
    response_submit,
)
from shamy.surveys.services.surveys import (
    question_add,
    question_delete,
    survey_create,
    survey_create_post,
    survey_remind,
    survey_set_status,
)

if TYPE_CHECKING:
    from shamy.access.http import AuthedHttpRequest


def _managed_survey(request: AuthedHttpRequest, survey_id: int) -> Survey:
    survey = survey_get_for_user(user=request.user, survey_id=survey_id)
    if not can_manage_surveys(request.user, survey.programme_id):
        raise PermissionDenied
    return survey


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


def survey_index(request: AuthedHttpRequest) -> HttpResponse:
    surveys = list(survey_list(actor=request.user))
    rows = []
    for survey in surveys:
        rows.append(
            {
                "survey": survey,
                "manage": can_manage_surveys(request.user, survey.programme_id),
                "results": can_view_results(request.user, survey),
                "answer": can_answer(request.user, survey) and survey.is_accepting(),
            }
        )
    programmes = [p for p in request.access.programme_memberships() if p.role == "coordinator"]
    return render(request, "surveys/survey_list.html", {"rows": rows, "coordinated": programmes})


def survey_create_view(request: AuthedHttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get_for_user(user=request.user, programme_id=programme_id)
    if not can_manage_surveys(request.user, programme.pk):
        raise PermissionDenied
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = SurveyForm(
        request.POST or None,
        programme=programme,
        initial={"opens_at": now, "closes_at": now + datetime.timedelta(days=14)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey = survey_create(
                actor=request.user,
                programme=programme,
                title=translated(data, "title"),
                intro=translated(data, "intro"),
                phase=data["phase"],
                anonymous=data["anonymous"],
                audience_role=data["audience_role"],
                cohort=data["cohort"],
                school=data["school"],
                public_link=data["public_link"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
            )
        except ValidationError as error:
            form.add_error(None, _errors(error))
        else:
            return redirect("surveys:survey-detail", survey_id=survey.pk)
    return render(request, "surveys/survey_form.html", {"form": form, "programme": programme})


def survey_detail(request: AuthedHttpRequest, survey_id: int) -> HttpResponse:
    survey = survey_get_for_user(user=request.user, survey_id=survey_id)
    manage = can_manage_surveys(request.user, survey.programme_id)
    if not manage and not can_view_results(request.user, survey):
        if can_answer(request.user, survey):
            return redirect("surveys:respond", survey_id=survey.pk)
        raise PermissionDenied
    post = Survey.objects.filter(pre_survey=survey).first()
    now = timezone.localtime().replace(second=0, microsecond=0)
    context: dict[str, Any] = {
        "survey": survey,
        "questions": questions_of(survey),
        "manage": manage,
        "question_form": QuestionForm(survey=survey) if manage and survey.status == SurveyStatus.DRAFT else None,
        "post": post,
        "post_form": PostSurveyForm(initial={"opens_at": now, "closes_at": now + datetime.timedelta(days=14)})
        if manage and survey.phase == "pre" and post is None
        else None,
        "public_url": request.build_absolute_uri(reverse("surveys:public-respond", args=[survey.public_token]))
        if survey.public_link and manage
        else "",
    }
    return render(request, "surveys/survey_detail.html", context)


@require_POST
def question_add_view(request: AuthedHttpRequest, survey_id: int) -> HttpResponse:
    survey = _managed_survey(request, survey_id)
    form = QuestionForm(request.POST, survey=survey)
    if form.is_valid():
        data = form.cleaned_data
        try:
            question_add(
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
        else:
            messages.success(request, _("Question added."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("surveys:survey-detail", survey_id=survey.pk)


@require_POST
def question_delete_view(request: AuthedHttpRequest, question_id: int) -> HttpResponse:
    question = get_object_or_404(
        Question.objects.filter(survey__in=Survey.objects.visible_to(request.user)).select_related("survey"),
        pk=question_id,
    )
    survey = _managed_survey(request, question.survey_id)
    try:
        question_delete(actor=request.user, question=question)
    except ValidationError as error:
        messages.error(request, _errors(error))
    return redirect("surveys:survey-detail", survey_id=survey.pk)


@require_POST
def survey_status_view(request: AuthedHttpRequest, survey_id: int) -> HttpResponse:
    survey = _managed_survey(request, survey_id)
    status = request.POST.get("status", "")
    if status not in (SurveyStatus.OPEN, SurveyStatus.CLOSED):
        raise Http404
    try:
        survey_set_status(actor=request.user, survey=survey, status=status)
    except ValidationError as error:
        messages.error(request, _errors(error))
    return redirect("surveys:survey-detail", survey_id=survey.pk)


@require_POST
def survey_post_create_view(request: AuthedHttpRequest, survey_id: int) -> HttpResponse:
    survey = _managed_survey(request, survey_id)
    form = PostSurveyForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("surveys:survey-detail", survey_id=survey.pk)
    try:
        post = survey_create_post(
            actor=request.user,
            pre=survey,
            opens_at=form.cleaned_data["opens_at"],
            closes_at=form.cleaned_data["closes_at"],
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect("surveys:survey-detail", survey_id=survey.pk)
    return redirect("surveys:survey-detail", survey_id=post.pk)


@require_POST
def survey_remind_view(request: AuthedHttpRequest, survey_id: int) -> HttpResponse:
    survey = _managed_survey(request, survey_id)
    try:
        count = survey_remind(actor=request.user, survey=survey, base_url=request.build_absolute_uri("/"))
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("Reminders sent: %(count)s.") % {"count": count})
    return redirect("surveys:survey-detail", survey_id=survey.pk)


def _form_context(
    survey: Survey, questions: list[Question], data: Any, parsed: answers.Parsed | None
) -> dict[str, Any]:
    """Each question with its current value(s) for the template."""
    items = []
    for question in questions:
        name = answers.field_name(question)
        value: Any = (
            data.getlist(name)
            if hasattr(data, "getlist") and question.kind == QuestionKind.MULTIPLE
            else data.get(name, "")
        )
        rows = [
            {
                "code": code,
                "label": label,
                "name": answers.field_name(question, code),
                "value": data.get(answers.field_name(question, code), ""),
            }
            for code, label in question.row_labels()
        ]
        items.append(
            {
                "question": question,
                "name": name,
                "value": value if value is not None else "",
                "rows": rows,
                "choices": question.choice_labels(),
                "error": parsed.errors.get(question.pk) if parsed else None,
                "hidden": parsed is not None and question.pk in parsed.hidden,
                "show_if": question.show_if_id,
                "show_if_values": ",".join(str(v) for v in question.show_if_values),
            }
        )
    return {"survey": survey, "items": items, "points": (1, 2, 3, 4, 5)}


def respond(request: AuthedHttpRequest, survey_id: int) -> HttpResponse:
    """Answer a survey. Every change is saved as a draft (htmx, ``save`` in the POST); the
    submit button checks the required questions and submits once."""
    survey = survey_get_for_user(user=request.user, survey_id=survey_id)
    if not can_answer(request.user, survey):
        raise PermissionDenied
    if has_answered(survey=survey, user=request.user):
        return render(request, "surveys/thanks.html", {"survey": survey, "already": True})
    if not survey.is_accepting():
        return render(request, "surveys/closed.html", {"survey": survey}, status=200)
    questions = questions_of(survey)
    parsed = None
    if request.method == "POST":
        final = "submit" in request.POST
        parsed = answers.parse(questions, request.POST, final=final)
        try:
            if final and not parsed.errors:
                response_submit(actor=request.user, survey=survey, parsed=parsed)
                return render(request, "surveys/thanks.html", {"survey": survey})
            response_save_draft(actor=request.user, survey=survey, parsed=parsed)
        except AlreadyAnswered:
            return render(request, "surveys/thanks.html", {"survey": survey, "already": True})
        if request.htmx and not final:  # type: ignore[attr-defined]
            return render(request, "surveys/_saved.html", {"saved_at": timezone.localtime()})
        data: Any = request.POST
    else:
        draft = Response.objects.filter(survey=survey, respondent_key=respondent_key(survey, request.user)).first()
        stored = answers.as_form_data(draft_values(survey=survey, response=draft), questions)
        data = _MultiDict(stored)
        parsed = answers.parse(questions, data, final=False)
        parsed.errors = {}
    context = _form_context(survey, questions, data, parsed)
    context["action"] = reverse("surveys:respond", args=[survey.pk])
    return render(request, "surveys/respond.html", context)


class _MultiDict(dict[str, Any]):
    def getlist(self, key: str, default: Any = None) -> list[Any]:
        value = self.get(key)
        if value is None:
            return [] if default is None else default
        return value if isinstance(value, list) else [value]


PUBLIC_SESSION_KEY = "survey_public_keys"


@login_not_required
def public_respond(request: HttpRequest, token: str) -> HttpResponse:
    """Answer through the public link: no account, always anonymous; the draft is kept under a
    random key in the visitor's session."""
    survey = get_object_or_404(Survey.objects.exclude(status=SurveyStatus.DRAFT), public_token=token, public_link=True)
    keys: dict[str, str] = request.session.get(PUBLIC_SESSION_KEY, {})
    key = keys.get(str(survey.pk))
    if key == "done":
        return render(request, "surveys/thanks.html", {"survey": survey, "already": True})
    if not survey.is_accepting():
        return render(request, "surveys/closed.html", {"survey": survey})
    questions = questions_of(survey)
    parsed = None
    data: Any = _MultiDict()
    if request.method == "POST":
        final = "submit" in request.POST
        parsed = answers.parse(questions, request.POST, final=final)
        if key is None:
            key = new_public_key()
            keys[str(survey.pk)] = key
            request.session[PUBLIC_SESSION_KEY] = keys
        if not (final and parsed.errors):
            try:
                response_save_public(survey=survey, key=key, parsed=parsed, submit=final)
            except AlreadyAnswered:
                return render(request, "surveys/thanks.html", {"survey": survey, "already": True})
            if final:
                keys[str(survey.pk)] = "done"
                request.session[PUBLIC_SESSION_KEY] = keys
                return render(request, "surveys/thanks.html", {"survey": survey})
            if request.htmx:  # type: ignore[attr-defined]
                return render(request, "surveys/_saved.html", {"saved_at": timezone.localtime()})
        data = request.POST
    elif key is not None:
        draft = Response.objects.filter(survey=survey, respondent_key=key).first()
        data = _MultiDict(answers.as_form_data(draft_values(survey=survey, response=draft), questions))
        parsed = answers.parse(questions, data, final=False)
        parsed.errors = {}
    context = _form_context(survey, questions, data, parsed)
    context["action"] = reverse("surveys:public-respond", args=[token])
    return render(request, "surveys/respond.html", context)


def _results_survey(request: AuthedHttpRequest, survey_id: int) -> Survey:
    survey = survey_get_for_user(user=request.user, survey_id=survey_id)
    if not can_view_results(request.user, survey):
        raise PermissionDenied
    return survey


def results(request: AuthedHttpRequest, survey_id: int) -> HttpResponse:
    survey = _results_survey(request, survey_id)
    form = ResultFilterForm(request.GET or None, survey=survey)
    filters = ResultFilters.from_query(request.GET)
    outcome = survey_results(survey=survey, filters=filters)
    query = request.GET.urlencode()
    return render(request, "surveys/results.html", {"survey": survey, "form": form, "results": outcome, "query": query})


def results_export(request: AuthedHttpRequest, survey_id: int, fmt: str) -> HttpResponse:
    survey = _results_survey(request, survey_id)
    outcome = survey_results(survey=survey, filters=ResultFilters.from_query(request.GET))
    header, rows = result_rows(outcome)
    filename = f"survey-{survey.pk}-results"
    if fmt == "xlsx":
        note = _("Groups of fewer than %(n)s people are suppressed in anonymous surveys.") % {"n": outcome.threshold}
        return xlsx_response(header, rows, filename, note=note)
    return csv_response(header, rows, filename)
