"""Thin views: parse, call a getter or selector, call a service, render."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shamy.access.http import AuthedHttpRequest
from shamy.attendance.models import ATTENDED
from shamy.attendance.permissions import can_mark_attendance
from shamy.operators import forms, permissions, selectors
from shamy.operators.models import ChecklistItem, OperatorAgreement, SessionKind, Topic, Trainer
from shamy.operators.services import agreements as agreement_services
from shamy.operators.services import trainers as trainer_services
from shamy.operators.services import training as training_services
from shamy.programmes.models import Programme
from shamy.registry.models import Person, School


def _errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, items in error.error_dict.items():
            form.add_error(name if name in form.fields else None, items)
    else:
        form.add_error(None, error.messages)


def _attempt(form: Any, action: Callable[[], Any]) -> Any:
    """Run a service; a ValidationError becomes the form's errors and None is returned."""
    try:
        return action()
    except ValidationError as error:
        _errors(form, error)
        return None


# --- Operator schools and handover ----------------------------------------------------------------


def agreement_list(request: AuthedHttpRequest) -> HttpResponse:
    if not permissions.can_view_agreements(request.user):
        raise PermissionDenied
    filters = selectors.AgreementFilters.from_query(request.GET)
    rows = list(selectors.agreement_list(actor=request.user, filters=filters))
    today = timezone.localdate()
    return render(
        request,
        "operators/agreement_list.html",
        {
            "rows": [(row, row.days_to_handover(today)) for row in rows],
            "filters": filters,
            "can_create": permissions.can_create_agreement(request.user),
            "checklist_size": len(ChecklistItem.values),
        },
    )


def agreement_create(request: AuthedHttpRequest) -> HttpResponse:
    if not permissions.can_create_agreement(request.user):
        raise PermissionDenied
    form = forms.AgreementForm(request.POST or None, programmes=Programme.objects.order_by("name_kk"))
    if request.method == "POST" and form.is_valid():
        agreement = _attempt(
            form,
            lambda: agreement_services.agreement_create(
                actor=request.user,
                school=form.cleaned_data["school"],
                operator=form.cleaned_data["operator"],
                programme=form.cleaned_data["programme"],
                starts_on=form.cleaned_data["starts_on"],
                term_years=form.cleaned_data["term_years"],
            ),
        )
        if agreement is not None:
            messages.success(request, _("The agreement is recorded."))
            return redirect("operators:agreement-detail", agreement.pk)
    return render(request, "operators/agreement_form.html", {"form": form})


def agreement_detail(request: AuthedHttpRequest, agreement_id: int) -> HttpResponse:
    agreement = selectors.agreement_get_for_user(user=request.user, agreement_id=agreement_id)
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
            "check_form": forms.HandoverCheckForm(),
        },
    )


@require_POST
def handover_check(request: AuthedHttpRequest, agreement_id: int, item: str) -> HttpResponse:
    agreement = selectors.agreement_get_for_user(user=request.user, agreement_id=agreement_id)
    if not permissions.can_manage_handover(request.user, agreement) or item not in ChecklistItem.values:
        raise PermissionDenied
    form = forms.HandoverCheckForm(request.POST)
    if form.is_valid():
        try:
            agreement_services.handover_check(
                actor=request.user,
                agreement=agreement,
                item=item,
                done_on=form.cleaned_data["done_on"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("Ticked."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Give the date it was done."))
    return redirect("operators:agreement-detail", agreement.pk)


def handover_record(request: AuthedHttpRequest, agreement_id: int) -> HttpResponse:
    agreement = selectors.agreement_get_for_user(user=request.user, agreement_id=agreement_id)
    if not permissions.can_record_handover(request.user, agreement):
        raise PermissionDenied
    form = forms.HandoverForm(request.POST or None, initial={"handed_over_on": agreement.planned_handover_on})
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form,
            lambda: agreement_services.handover_record(
                actor=request.user,
                agreement=agreement,
                handed_over_on=form.cleaned_data["handed_over_on"],
                received_by=form.cleaned_data["received_by"],
                note=form.cleaned_data["note"],
            ),
        )
        if done is not None:
            messages.success(request, _("The handover is recorded; the school is now a state school."))
            return redirect("operators:agreement-detail", agreement.pk)
    return render(request, "operators/handover_form.html", {"form": form, "agreement": agreement})


def break_list(request: AuthedHttpRequest) -> HttpResponse:
    if not permissions.can_manage_breaks(request.user):
        raise PermissionDenied
    form = forms.BreakForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = _attempt(
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
    breaks = selectors.school_break_list()
    return render(request, "operators/break_list.html", {"form": form, "breaks": breaks})


# --- Training days ---------------------------------------------------------------------------------


def training_home(request: AuthedHttpRequest) -> HttpResponse:
    """The operator programmes the actor takes part in (or all, for national readers)."""
    with_agreements = OperatorAgreement.objects.values("programme_id")
    programmes = Programme.objects.visible_to(request.user).filter(pk__in=with_agreements).order_by("name_kk")
    rows = [(p, permissions.can_view_report(request.user, p)) for p in programmes]
    return render(request, "operators/training_home.html", {"rows": rows})


def day_list(request: AuthedHttpRequest, programme_id: int) -> HttpResponse:
    programme = selectors.programme_for_training(user=request.user, programme_id=programme_id)
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


def schedule_create(request: AuthedHttpRequest, programme_id: int) -> HttpResponse:
    programme = selectors.programme_for_training(user=request.user, programme_id=programme_id)
    if not permissions.can_schedule_training(request.user, programme):
        raise PermissionDenied
    schools = School.objects.filter(
        operator_agreement__programme=programme, operator_agreement__handed_over_on__isnull=True
    ).order_by("name_kk")
    form = forms.ScheduleForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def create_all() -> int:
            for school in data["schools"]:
                training_services.schedule_create(
                    actor=request.user,
                    programme=programme,
                    school=school,
                    title=data["title"],
                    rule=data["rule"],
                    first_on=data["first_on"],
                    until=data["until"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    on_closure=data["on_closure"],
                )
            return len(data["schools"])

        with transaction.atomic():
            count = _attempt(form, create_all)
        if count:
            messages.success(request, _("The training days are scheduled."))
            return redirect("operators:day-list", programme.pk)
    return render(request, "operators/schedule_form.html", {"form": form, "programme": programme})


def day_detail(request: AuthedHttpRequest, day_id: int) -> HttpResponse:
    day = selectors.training_day_get_for_user(user=request.user, day_id=day_id)
    rows = selectors.day_sessions(actor=request.user, day=day)
    can_manage = permissions.can_manage_day(request.user, day)
    marking = {row.session.pk: can_mark_attendance(request.user, row.session.gathering) for row in rows}
    signable = {row.session.pk: permissions.can_sign_up(request.user, row.session) for row in rows} if rows else {}
    return render(
        request,
        "operators/day_detail.html",
        {
            "day": day,
            "rows": rows,
            "can_manage": can_manage,
            "marking": marking,
            "signable": signable,
            "attended": ATTENDED,
            "move_form": forms.DayMoveForm(initial={"on": day.on}),
            "cancel_form": forms.ReasonForm(),
            "rating_form": forms.RatingForm(),
        },
    )


@require_POST
def day_move(request: AuthedHttpRequest, day_id: int) -> HttpResponse:
    day = selectors.training_day_get_for_user(user=request.user, day_id=day_id)
    if not permissions.can_manage_day(request.user, day):
        raise PermissionDenied
    form = forms.DayMoveForm(request.POST)
    if form.is_valid():
        try:
            training_services.training_day_move(
                actor=request.user, day=day, on=form.cleaned_data["on"], reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("The training day is moved."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Give the new date."))
    return redirect("operators:day-detail", day.pk)


@require_POST
def day_cancel(request: AuthedHttpRequest, day_id: int) -> HttpResponse:
    day = selectors.training_day_get_for_user(user=request.user, day_id=day_id)
    if not permissions.can_manage_day(request.user, day):
        raise PermissionDenied
    form = forms.ReasonForm(request.POST)
    if form.is_valid():
        try:
            training_services.training_day_cancel(actor=request.user, day=day, reason=form.cleaned_data["reason"])
            messages.success(request, _("The training day is cancelled."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Say why the training day is cancelled."))
    return redirect("operators:day-detail", day.pk)


def session_create(request: AuthedHttpRequest, day_id: int) -> HttpResponse:
    day = selectors.training_day_get_for_user(user=request.user, day_id=day_id)
    if not permissions.can_manage_day(request.user, day):
        raise PermissionDenied
    programme = day.schedule.programme
    form = forms.SessionForm(
        request.POST or None,
        topics=Topic.objects.filter(programme=programme),
        trainers=Trainer.objects.filter(programme=programme).select_related("person"),
        initial={"starts_at": day.schedule.starts_at, "ends_at": day.schedule.ends_at, "kind": SessionKind.TEACHERS},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        zone = timezone.get_current_timezone()
        session = _attempt(
            form,
            lambda: training_services.session_create(
                actor=request.user,
                programme=programme,
                day=day,
                topic=data["topic"],
                trainer=data["trainer"],
                kind=data["kind"],
                room=data["room"],
                capacity=data["capacity"],
                starts_at=datetime.datetime.combine(day.on, data["starts_at"], tzinfo=zone),
                ends_at=datetime.datetime.combine(day.on, data["ends_at"], tzinfo=zone),
            ),
        )
        if session is not None:
            messages.success(request, _("The session is added."))
            return redirect("operators:day-detail", day.pk)
    return render(request, "operators/session_form.html", {"form": form, "day": day})


def _back_to_session(session: Any) -> HttpResponse:
    if session.day_id:
        return redirect("operators:day-detail", session.day_id)
    return redirect("attendance:gathering-detail", session.gathering_id)


@require_POST
def session_sign_up(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    session = selectors.training_session_get_for_user(user=request.user, session_id=session_id)
    if not permissions.can_sign_up(request.user, session):
        raise PermissionDenied
    try:
        training_services.session_sign_up(actor=request.user, session=session)
        messages.success(request, _("You are signed up."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back_to_session(session)


@require_POST
def session_withdraw(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    session = selectors.training_session_get_for_user(user=request.user, session_id=session_id)
    try:
        training_services.session_withdraw(actor=request.user, session=session)
        messages.success(request, _("Your sign-up is withdrawn."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back_to_session(session)


@require_POST
def session_rate(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    session = selectors.training_session_get_for_user(user=request.user, session_id=session_id)
    if not permissions.can_rate_session(request.user, session):
        raise PermissionDenied
    form = forms.RatingForm(request.POST)
    if form.is_valid():
        try:
            trainer_services.session_rate(
                actor=request.user,
                session=session,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("Thank you for your feedback."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Choose a score from 1 to 5."))
    return _back_to_session(session)


def trainer_certify(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    course = selectors.training_session_get_for_user(user=request.user, session_id=session_id)
    programme = course.gathering.programme
    if course.kind != SessionKind.TRAINERS or not permissions.can_certify_trainer(request.user, programme):
        raise PermissionDenied
    people = Person.objects.filter(
        attendances__gathering=course.gathering, attendances__status__in=ATTENDED, trainer__isnull=True
    ).order_by("surname", "given_name")
    form = forms.TrainerForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        trainer = _attempt(
            form,
            lambda: trainer_services.trainer_certify(
                actor=request.user,
                programme=programme,
                person=form.cleaned_data["person"],
                certified_on=form.cleaned_data["certified_on"],
                certified_by=course.trainer,
                course=course,
            ),
        )
        if trainer is not None:
            messages.success(request, _("The trainer is certified."))
            return redirect("operators:cascade", programme.pk)
    return render(request, "operators/trainer_form.html", {"form": form, "course": course})


# --- Reports ---------------------------------------------------------------------------------------


def _school_year(request: AuthedHttpRequest) -> int:
    today = timezone.localdate()
    current = today.year if today.month >= 9 else today.year - 1
    try:
        year = int(request.GET.get("year", current))
    except ValueError:
        return current
    return year if 2000 <= year <= 2100 else current


def hours(request: AuthedHttpRequest, programme_id: int) -> HttpResponse:
    programme = selectors.programme_for_training(user=request.user, programme_id=programme_id)
    if not permissions.can_view_report(request.user, programme):
        raise PermissionDenied
    year = _school_year(request)
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


def cascade(request: AuthedHttpRequest, programme_id: int) -> HttpResponse:
    programme = selectors.programme_for_training(user=request.user, programme_id=programme_id)
    if not permissions.can_view_report(request.user, programme):
        raise PermissionDenied
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
