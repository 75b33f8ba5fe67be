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
from shamy.operators.services import events as event_services


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
    context = {"event": event, "figures": selectors.event_figures(event=event)}
    return render(request, "operators/event_detail.html", context)


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
