"""Event pages: public registration and tickets (no account needed), and the staff pages (figures,
check-in at the door with an offline queue)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shamy.access.http import AuthedHttpRequest
from shamy.core.middleware import permissions_policy
from shamy.core.rules import checked
from shamy.operators import forms, selectors, tickets
from shamy.operators.models import Event
from shamy.operators.permissions import can_manage_events
from shamy.operators.services import events as event_services
from shamy.operators.views.training import attempt
from shamy.programmes.models import Programme
from shamy.programmes.selectors import country_regions


def _message(request: Any, action: Any, done: str) -> None:
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)


@login_not_required
def event_public(request: Any, slug: str) -> HttpResponse:
    event = selectors.public_event(slug=slug)
    form = forms.RegistrationForm(request.POST or None, schools=selectors.registration_schools(event=event))
    if request.method == "POST" and form.is_valid():
        try:
            registration = event_services.registration_create(
                event=event, language=translation.get_language() or "kk", **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error("email" if hasattr(error, "error_dict") else None, error.messages)
        else:
            return redirect("operators:ticket", registration.code)
    context = {"event": event, "form": form, "sessions": selectors.event_sessions(event=event)}
    return render(request, "operators/event_public.html", context)


@login_not_required
def ticket(request: Any, code: str) -> HttpResponse:
    registration = selectors.ticket(code=code)
    qr = tickets.ticket_qr_svg(registration)
    context = {
        "registration": registration,
        "qr": qr,
        "ended": registration.event.ends_at <= timezone.now(),
        "rating_form": forms.RatingForm(),
    }
    return render(request, "operators/ticket.html", context)


@login_not_required
def ticket_pdf(request: Any, code: str) -> HttpResponse:
    registration = selectors.ticket(code=code)
    response = HttpResponse(tickets.ticket_pdf(registration), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ticket-{registration.event.slug}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_not_required
@require_POST
def ticket_cancel(request: Any, code: str) -> HttpResponse:
    registration = selectors.ticket(code=code)
    _message(
        request, lambda: event_services.registration_cancel(registration=registration), _("Your place is cancelled.")
    )
    return redirect("operators:ticket", code)


@login_not_required
@require_POST
def ticket_feedback(request: Any, code: str) -> HttpResponse:
    registration = selectors.ticket(code=code)
    form = forms.RatingForm(request.POST)
    if form.is_valid():
        _message(
            request,
            lambda: event_services.event_feedback_add(registration=registration, **form.cleaned_data),
            _("Thank you for your feedback."),
        )
    return redirect("operators:ticket", code)


@checked(Event, kwarg="event_id", name="event")
def event_detail(request: AuthedHttpRequest, event: Event) -> HttpResponse:
    context = {
        "event": event,
        "figures": selectors.event_figures(event=event),
        "sessions": selectors.event_sessions(event=event),
        "can_manage": can_manage_events(request.user, event.programme),
    }
    return render(request, "operators/event_detail.html", context)


# --- Setting up an event (the programme's coordinator) -----------------------------------------------


@checked(Programme, "manage-events", kwarg="programme_id")
def event_create(request: AuthedHttpRequest, programme: Programme) -> HttpResponse:
    form = forms.EventForm(request.POST or None, regions=country_regions(programme=programme))
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        event = attempt(form, lambda: event_services.event_create(actor=request.user, programme=programme, **data))
        if event is not None:
            messages.success(request, _("The event is created."))
            return redirect("operators:event-detail", event.pk)
    return render(request, "operators/event_form.html", {"form": form, "programme": programme, "event": None})


@checked(Event, "manage", kwarg="event_id", name="event")
def event_edit(request: AuthedHttpRequest, event: Event) -> HttpResponse:
    form = forms.EventForm(
        request.POST or None,
        initial=forms.EventForm.initial_for(event),
        regions=country_regions(programme=event.programme),
    )
    if request.method == "POST" and form.is_valid():
        changes = form.service_data()
        promoted = attempt(form, lambda: event_services.event_update(actor=request.user, event=event, changes=changes))
        if not form.errors:
            messages.success(request, _("The event is saved."))
            if promoted:
                messages.info(request, _("%(count)s people moved up from the waiting list.") % {"count": len(promoted)})
            return redirect("operators:event-detail", event.pk)
    return render(request, "operators/event_form.html", {"form": form, "programme": event.programme, "event": event})


@checked(Event, "manage", kwarg="event_id", name="event")
def event_session_create(request: AuthedHttpRequest, event: Event) -> HttpResponse:
    start = timezone.localtime(event.starts_at)
    form = forms.EventSessionForm(request.POST or None, initial={"starts_at": start, "ends_at": start})
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        session = attempt(form, lambda: event_services.event_session_create(actor=request.user, event=event, **data))
        if session is not None:
            messages.success(request, _("The session is added."))
            return redirect("operators:event-detail", event.pk)
    return render(request, "operators/event_session_form.html", {"form": form, "event": event})


@require_POST
@checked(Event, "manage", kwarg="event_id", name="event")
def event_session_delete(request: AuthedHttpRequest, event: Event, session_id: int) -> HttpResponse:
    session = selectors.event_session(event=event, session_id=session_id)
    _message(
        request,
        lambda: event_services.event_session_delete(actor=request.user, session=session),
        _("The session is removed."),
    )
    return redirect("operators:event-detail", event.pk)


@checked(Event, "manage", kwarg="event_id", name="event")
def volunteers(request: AuthedHttpRequest, event: Event) -> HttpResponse:
    form = forms.VolunteerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if attempt(form, lambda: event_services.volunteer_add(actor=request.user, event=event, email=email)):
            messages.success(request, _("The volunteer is added."))
            return redirect("operators:volunteers", event.pk)
    context = {"event": event, "form": form, "volunteers": selectors.event_volunteers(event=event)}
    return render(request, "operators/volunteers.html", context)


@require_POST
@checked(Event, "manage", kwarg="event_id", name="event")
def volunteer_remove(request: AuthedHttpRequest, event: Event, user_id: int) -> HttpResponse:
    user = selectors.event_volunteer(event=event, user_id=user_id)
    _message(
        request,
        lambda: event_services.volunteer_remove(actor=request.user, event=event, user=user),
        _("The volunteer is removed."),
    )
    return redirect("operators:volunteers", event.pk)


@permissions_policy(camera="self")  # the QR reader; every other page keeps the camera off
@checked(Event, "check-in", kwarg="event_id", name="event")
def check_in(request: AuthedHttpRequest, event: Event) -> HttpResponse:
    query = request.GET.get("q", "")
    found = selectors.registration_search(actor=request.user, event=event, query=query)
    # Offline, names are searched on the phone (issue 13): the confirmed places, names and codes only.
    roster = selectors.check_in_roster(actor=request.user, event=event)
    context = {"event": event, "query": query, "found": found, "form": forms.CodeForm(), "roster": roster}
    return render(request, "operators/check_in.html", context)


@require_POST
@checked(Event, "check-in", kwarg="event_id", name="event")
def check_in_manual(request: AuthedHttpRequest, event: Event) -> HttpResponse:
    form = forms.CodeForm(request.POST)
    if form.is_valid():
        result = event_services.scan_record(
            actor=request.user, event=event, client_id=uuid.uuid4(), scanned_at=timezone.now(), **form.cleaned_data
        )
        messages.info(request, f"{result.full_name or form.cleaned_data['code']}: {result.outcome_label}")
    return redirect("operators:check-in", event.pk)


@require_POST
@checked(Event, kwarg="event_id", name="event")  # the service checks "check-in" once per batch (403)
def check_in_sync(request: AuthedHttpRequest, event: Event) -> JsonResponse:
    """The device's queued scans, as JSON ``{"scans": [{id, code, door, scanned_at}, …]}``."""
    try:
        scans = json.loads(request.body or b"{}").get("scans", [])
    except (ValueError, AttributeError):
        scans = None  # refused by the service, after its permission check (403 before 400)
    try:
        results = event_services.scans_record_batch(actor=request.user, event=event, scans=scans)
    except ValidationError:
        return JsonResponse({"detail": _("The batch is not readable."), "code": "invalid"}, status=400)
    return JsonResponse({"results": [result.as_dict() for result in results]})
