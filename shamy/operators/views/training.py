"""Thin views: objects arrive checked (``@checked``: 404 if invisible, 403 if not allowed), reads
go through selectors, writes through services."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shamy.access.http import AuthedHttpRequest
from shamy.attendance.models import ATTENDED
from shamy.attendance.permissions import can_mark_attendance
from shamy.core.rules import checked, requires
from shamy.operators import forms, permissions, selectors
from shamy.operators.models import ChecklistItem, OperatorAgreement, SessionKind, TrainingDay, TrainingSession
from shamy.operators.services import agreements as agreement_services
from shamy.operators.services import trainers as trainer_services
from shamy.operators.services import training as training_services
from shamy.programmes.models import Programme

_AGREEMENT: dict[str, Any] = {
    "shape": lambda rows: rows.select_related("school__region", "operator", "programme", "received_by")
}
_DAY: dict[str, Any] = {
    "shape": lambda rows: rows.select_related("schedule__programme", "schedule__school"),
    "kwarg": "day_id",
}
_SESSION: dict[str, Any] = {
    "kwarg": "session_id",
    "name": "session",
    "shape": lambda rows: rows.select_related("gathering__programme", "topic", "trainer__person", "day"),
}


def attempt(form: Any, action: Callable[[], Any]) -> Any:
    """Run a service; a ValidationError becomes the form's errors and None is returned."""
    try:
        return action()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for name, items in error.error_dict.items():
                form.add_error(name if name in form.fields else None, items)
        else:
            form.add_error(None, error.messages)
        return None


def _message(request: AuthedHttpRequest, action: Callable[[], Any], done: str) -> None:
    """Run a service for a one-button form; say what happened."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)


# --- Operator schools and handover ----------------------------------------------------------------


@requires(lambda access: permissions.can_view_agreements(access.user))
def agreement_list(request: AuthedHttpRequest) -> HttpResponse:
    filters = selectors.AgreementFilters.from_query(request.GET)
    today = timezone.localdate()
    rows = [(row, row.days_to_handover(today)) for row in selectors.agreement_list(actor=request.user, filters=filters)]
    return render(
        request,
        "operators/agreement_list.html",
        {
            "rows": rows,
            "filters": filters,
            "can_create": permissions.can_create_agreement(request.user),
            "checklist_size": len(ChecklistItem.values),
        },
    )


@requires(lambda access: permissions.can_create_agreement(access.user))
def agreement_create(request: AuthedHttpRequest) -> HttpResponse:
    form = forms.AgreementForm(request.POST or None, programmes=selectors.programmes_for_agreements())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agreement = attempt(
            form,
            lambda: agreement_services.agreement_create(
                actor=request.user,
                school=data["school"],
                operator=data["operator"],
                programme=data["programme"],
                starts_on=data["starts_on"],
                term_years=data["term_years"],
            ),
        )
        if agreement is not None:
            messages.success(request, _("The agreement is recorded."))
            return redirect("operators:agreement-detail", agreement.pk)
    return render(request, "operators/agreement_form.html", {"form": form})


@checked(OperatorAgreement, kwarg="agreement_id", name="agreement", **_AGREEMENT)
def agreement_detail(request: AuthedHttpRequest, agreement: OperatorAgreement) -> HttpResponse:
    return render(
        request,
        "operators/agreement_detail.html",
        {
            "agreement": agreement,
            "checklist": selectors.checklist(agreement),
            "can_check": permissions.can_manage_handover(request.user, agreement),
            "can_record": permissions.can_record_handover(request.user, agreement),
            "comparison": selectors.handover_comparison(agreement),
            "days_left": agreement.days_to_handover(timezone.localdate()),
        },
    )


@require_POST
@checked(OperatorAgreement, "check", kwarg="agreement_id", name="agreement", **_AGREEMENT)
def handover_check(request: AuthedHttpRequest, agreement: OperatorAgreement, item: str) -> HttpResponse:
    form = forms.HandoverCheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date it was done."))
        return redirect("operators:agreement-detail", agreement.pk)
    _message(
        request,
        lambda: agreement_services.handover_check(
            actor=request.user, agreement=agreement, item=item, **form.cleaned_data
        ),
        _("Ticked."),
    )
    return redirect("operators:agreement-detail", agreement.pk)


@checked(OperatorAgreement, "record-handover", kwarg="agreement_id", name="agreement", **_AGREEMENT)
def handover_record(request: AuthedHttpRequest, agreement: OperatorAgreement) -> HttpResponse:
    form = forms.HandoverForm(request.POST or None, initial={"handed_over_on": agreement.planned_handover_on})
    if request.method == "POST" and form.is_valid():
        done = attempt(
            form,
            lambda: agreement_services.handover_record(actor=request.user, agreement=agreement, **form.cleaned_data),
        )
        if done is not None:
            messages.success(request, _("The handover is recorded; the school is now a state school."))
            return redirect("operators:agreement-detail", agreement.pk)
    return render(request, "operators/handover_form.html", {"form": form, "agreement": agreement})


@requires(lambda access: permissions.can_manage_breaks(access.user))
def break_list(request: AuthedHttpRequest) -> HttpResponse:
    form = forms.BreakForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = attempt(
            form,
            lambda: training_services.school_break_create(
                actor=request.user,
                school_year=data["school_year"],
                name={"kk": data["name_kk"], "ru": data["name_ru"], "en": data["name_en"]},
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
            ),
        )
        if created is not None:
            messages.success(request, _("The break is added. Schedules made from now on skip or move around it."))
            return redirect("operators:break-list")
    return render(request, "operators/break_list.html", {"form": form, "breaks": selectors.school_break_list()})


# --- Training days ---------------------------------------------------------------------------------


def training_home(request: AuthedHttpRequest) -> HttpResponse:
    """The operator programmes the actor takes part in (or all, for national readers)."""
    programmes = selectors.operator_programmes(actor=request.user)
    rows = [
        (
            programme,
            permissions.can_view_report(request.user, programme),
            selectors.events_of(actor=request.user, programme=programme),
            permissions.can_manage_events(request.user, programme),
        )
        for programme in programmes
    ]
    return render(request, "operators/training_home.html", {"rows": rows})


@checked(Programme, kwarg="programme_id")
def day_list(request: AuthedHttpRequest, programme: Programme) -> HttpResponse:
    when = request.GET.get("when", "upcoming")
    when = when if when in ("upcoming", "past", "all") else "upcoming"
    days = list(selectors.training_day_list(actor=request.user, programme=programme, when=when)[:200])
    return render(
        request,
        "operators/day_list.html",
        {
            "programme": programme,
            "days": days,
            "when": when,
            "can_schedule": permissions.can_schedule_training(request.user, programme),
            "can_report": permissions.can_view_report(request.user, programme),
        },
    )


@checked(Programme, "schedule-training", kwarg="programme_id")
def schedule_create(request: AuthedHttpRequest, programme: Programme) -> HttpResponse:
    form = forms.ScheduleForm(request.POST or None, schools=selectors.schedulable_operator_schools(programme=programme))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        schools = data.pop("schools")

        def create_all() -> int:
            for school in schools:
                training_services.schedule_create(actor=request.user, programme=programme, school=school, **data)
            return len(schools)

        with transaction.atomic():
            count = attempt(form, create_all)
        if count:
            messages.success(request, _("The training days are scheduled."))
            return redirect("operators:day-list", programme.pk)
    return render(request, "operators/schedule_form.html", {"form": form, "programme": programme})


@checked(TrainingDay, name="day", **_DAY)
def day_detail(request: AuthedHttpRequest, day: TrainingDay) -> HttpResponse:
    rows = selectors.day_sessions(actor=request.user, day=day)
    return render(
        request,
        "operators/day_detail.html",
        {
            "day": day,
            "rows": rows,
            "can_manage": permissions.can_manage_day(request.user, day),
            "marking": {row.session.pk: can_mark_attendance(request.user, row.session.gathering) for row in rows},
            "signable": {row.session.pk: permissions.can_sign_up(request.user, row.session) for row in rows},
            "attended": ATTENDED,
            "move_form": forms.DayMoveForm(initial={"on": day.on}),
            "cancel_form": forms.ReasonForm(),
        },
    )


@require_POST
@checked(TrainingDay, "manage", name="day", **_DAY)
def day_move(request: AuthedHttpRequest, day: TrainingDay) -> HttpResponse:
    form = forms.DayMoveForm(request.POST)
    if form.is_valid():
        _message(
            request,
            lambda: training_services.training_day_move(actor=request.user, day=day, **form.cleaned_data),
            _("The training day is moved."),
        )
    else:
        messages.error(request, _("Give the new date."))
    return redirect("operators:day-detail", day.pk)


@require_POST
@checked(TrainingDay, "manage", name="day", **_DAY)
def day_cancel(request: AuthedHttpRequest, day: TrainingDay) -> HttpResponse:
    form = forms.ReasonForm(request.POST)
    if form.is_valid():
        _message(
            request,
            lambda: training_services.training_day_cancel(actor=request.user, day=day, **form.cleaned_data),
            _("The training day is cancelled."),
        )
    else:
        messages.error(request, _("Say why the training day is cancelled."))
    return redirect("operators:day-detail", day.pk)


@checked(TrainingDay, "manage", name="day", **_DAY)
def session_create(request: AuthedHttpRequest, day: TrainingDay) -> HttpResponse:
    programme = day.schedule.programme
    form = forms.SessionForm(
        request.POST or None,
        topics=selectors.topics_of(programme=programme),
        trainers=selectors.trainers_of(programme=programme),
        initial={"starts_at": day.schedule.starts_at, "ends_at": day.schedule.ends_at, "kind": SessionKind.TEACHERS},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        zone = timezone.get_current_timezone()
        data["starts_at"] = datetime.datetime.combine(day.on, data["starts_at"], tzinfo=zone)
        data["ends_at"] = datetime.datetime.combine(day.on, data["ends_at"], tzinfo=zone)
        session = attempt(
            form,
            lambda: training_services.session_create(actor=request.user, programme=programme, day=day, **data),
        )
        if session is not None:
            messages.success(request, _("The session is added."))
            return redirect("operators:day-detail", day.pk)
    return render(request, "operators/session_form.html", {"form": form, "day": day})


@checked(TrainingSession, "manage", **_SESSION)
def session_edit(request: AuthedHttpRequest, session: TrainingSession) -> HttpResponse:
    gathering = session.gathering
    initial = {
        "topic": session.topic,
        "room": session.room,
        "capacity": session.capacity,
        "starts_at": timezone.localtime(gathering.starts_at).time(),
        "ends_at": timezone.localtime(gathering.ends_at).time(),
    }
    form = forms.SessionEditForm(
        request.POST or None, topics=selectors.topics_of(programme=gathering.programme), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        on, zone = timezone.localtime(gathering.starts_at).date(), timezone.get_current_timezone()
        changes["starts_at"] = datetime.datetime.combine(on, changes["starts_at"], tzinfo=zone)
        changes["ends_at"] = datetime.datetime.combine(on, changes["ends_at"], tzinfo=zone)
        if attempt(
            form, lambda: training_services.session_update(actor=request.user, session=session, changes=changes)
        ):
            messages.success(request, _("The session is saved."))
            return _back_to_session(session)
    return render(request, "operators/session_edit.html", {"form": form, "session": session})


@checked(Programme, "manage-topics", kwarg="programme_id")
def topics(request: AuthedHttpRequest, programme: Programme) -> HttpResponse:
    form = forms.TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        name = forms.texts(data, "name")
        if attempt(
            form, lambda: training_services.topic_create(actor=request.user, programme=programme, name=name, **data)
        ):
            messages.success(request, _("The topic is added."))
            return redirect("operators:topics", programme.pk)
    context = {"programme": programme, "form": form, "topics": selectors.topics_of(programme=programme)}
    return render(request, "operators/topics.html", context)


def _back_to_session(session: TrainingSession) -> HttpResponse:
    if session.day_id:
        return redirect("operators:day-detail", session.day_id)
    return redirect("attendance:gathering-detail", session.gathering_id)


@require_POST
@checked(TrainingSession, "sign-up", **_SESSION)
def session_sign_up(request: AuthedHttpRequest, session: TrainingSession) -> HttpResponse:
    _message(
        request,
        lambda: training_services.session_sign_up(actor=request.user, session=session),
        _("You are signed up."),
    )
    return _back_to_session(session)


@require_POST
@checked(TrainingSession, **_SESSION)
def session_withdraw(request: AuthedHttpRequest, session: TrainingSession) -> HttpResponse:
    _message(
        request,
        lambda: training_services.session_withdraw(actor=request.user, session=session),
        _("Your sign-up is withdrawn."),
    )
    return _back_to_session(session)


@require_POST
@checked(TrainingSession, "rate", **_SESSION)
def session_rate(request: AuthedHttpRequest, session: TrainingSession) -> HttpResponse:
    form = forms.RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a score from 1 to 5."))
        return _back_to_session(session)
    _message(
        request,
        lambda: trainer_services.session_rate(actor=request.user, session=session, **form.cleaned_data),
        _("Thank you for your feedback."),
    )
    return _back_to_session(session)


@checked(TrainingSession, "certify", **_SESSION)
def trainer_certify(request: AuthedHttpRequest, session: TrainingSession) -> HttpResponse:
    programme = session.gathering.programme
    form = forms.TrainerForm(request.POST or None, people=selectors.course_graduates(course=session))
    if request.method == "POST" and form.is_valid():
        trainer = attempt(
            form,
            lambda: trainer_services.trainer_certify(
                actor=request.user,
                programme=programme,
                certified_by=session.trainer,
                course=session,
                **form.cleaned_data,
            ),
        )
        if trainer is not None:
            messages.success(request, _("The trainer is certified."))
            return redirect("operators:cascade", programme.pk)
    return render(request, "operators/trainer_form.html", {"form": form, "course": session})


# --- Reports ---------------------------------------------------------------------------------------


@checked(Programme, "training-report", kwarg="programme_id")
def hours(request: AuthedHttpRequest, programme: Programme) -> HttpResponse:
    year = selectors.school_year_from(request.GET.get("year"))
    return render(
        request,
        "operators/hours.html",
        {
            "programme": programme,
            "year": year,
            "year_label": f"{year}/{(year + 1) % 100:02d}",
            "previous": year - 1,
            "next": year + 1,
            "by_topic": selectors.hours_by_topic(programme=programme, year=year),
            "by_teacher": selectors.hours_by_teacher(programme=programme, year=year)[:500],
            "show_people": permissions.can_view_cascade_people(request.user, programme),
        },
    )


@checked(Programme, "training-report", kwarg="programme_id")
def cascade(request: AuthedHttpRequest, programme: Programme) -> HttpResponse:
    view = selectors.cascade_for(programme=programme)
    return render(
        request,
        "operators/cascade.html",
        {
            "programme": programme,
            "view": view,
            "tree": view.tree(),
            "reach": selectors.reach_by_locality(programme=programme),
            "show_people": permissions.can_view_cascade_people(request.user, programme),
        },
    )


@checked(Programme, "training-report", kwarg="programme_id")
def indicators(request: AuthedHttpRequest, programme: Programme) -> HttpResponse:
    year = selectors.school_year_from(request.GET.get("year"))
    rows, minimum = selectors.programme_indicators(programme=programme, year=year)
    context = {
        "programme": programme,
        "rows": rows,
        "minimum": minimum,
        "generations": selectors.cascade_for(programme=programme).cascade.generations,
        "year_label": f"{year}/{(year + 1) % 100:02d}",
        "previous": year - 1,
        "next": year + 1,
    }
    return render(request, "operators/indicators.html", context)
