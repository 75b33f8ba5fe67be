from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from shamy.access.http import AuthedHttpRequest
from shamy.attendance import selectors
from shamy.attendance.forms import (
    CancelForm,
    FeedbackForm,
    GatheringEditForm,
    GatheringForm,
    MaterialForm,
    PresentationForm,
    RecordingForm,
    SeriesForm,
)
from shamy.attendance.ical import Event, build_calendar
from shamy.attendance.models import Attendance, AttendanceStatus, Gathering, GatheringKind, Material, Presentation
from shamy.attendance.permissions import (
    can_create_gathering,
    can_give_feedback,
    can_manage_gathering,
    can_mark_attendance,
    can_present,
    can_view_attendance,
    can_view_feedback,
    can_view_report,
)
from shamy.attendance.services import gatherings as gathering_services
from shamy.attendance.services import marking
from shamy.core import files
from shamy.core.inputs import parse_id
from shamy.core.rules import checked
from shamy.core.suppression import threshold
from shamy.programmes.models import Programme
from shamy.registry.models import School

PAGE_SIZE = 50


def my_sessions(request: AuthedHttpRequest) -> HttpResponse:
    rows = selectors.my_gatherings(actor=request.user)
    now = timezone.now()
    upcoming = [row for row in rows if row.ends_at >= now][:30]
    past = [row for row in rows if row.ends_at < now][-30:][::-1]
    person = request.access.person
    hours = selectors.person_hours(person_id=person.pk) if person is not None else None
    return render(
        request,
        "attendance/my_sessions.html",
        {"upcoming": upcoming, "past": past, "hours": hours, "person": person},
    )


@vary_on_headers("HX-Request")
@checked(Programme, kwarg="programme_id")
def gathering_list(request: AuthedHttpRequest, programme: Programme) -> HttpResponse:
    filters = selectors.GatheringFilters.from_query(request.GET)
    rows = selectors.gathering_list_for_programme(actor=request.user, programme=programme, filters=filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    partial = request.htmx and not request.htmx.boosted  # type: ignore[attr-defined]
    template = "attendance/_gathering_rows.html" if partial else "attendance/gathering_list.html"
    return render(
        request,
        template,
        {
            "programme": programme,
            "page": page,
            "filters": filters,
            "kinds": GatheringKind.choices,
            "query": query.urlencode(),
            "can_create": can_create_gathering(request.user, programme),
            "can_report": can_view_report(request.user, programme),
        },
    )


@checked(Programme, "schedule", kwarg="programme_id")
def gathering_create(request: AuthedHttpRequest, programme: Programme) -> HttpResponse:
    schools = selectors.schedulable_schools(access=request.access, programme=programme)
    form = GatheringForm(request.POST or None, programme=programme, schools=schools)
    if request.method == "POST" and form.is_valid():
        try:
            gathering = gathering_services.gathering_create(
                actor=request.user, programme=programme, leads=[request.user], **form.service_kwargs()
            )
        except PermissionDenied:
            form.add_error(None, _("You may not schedule this kind of gathering for this school or region."))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The gathering was scheduled."))
            return redirect("attendance:gathering-detail", gathering_id=gathering.pk)
    return render(request, "attendance/gathering_form.html", {"programme": programme, "form": form})


@checked(Programme, "schedule", kwarg="programme_id")
def series_create(request: AuthedHttpRequest, programme: Programme) -> HttpResponse:
    form = SeriesForm(
        request.POST or None, schools=selectors.schedulable_schools(access=request.access, programme=programme)
    )
    if request.method == "POST" and form.is_valid():
        fields = form.service_kwargs()
        cohort = selectors.series_cohort(programme=programme, school=fields["school"])
        try:
            series = gathering_services.series_create(
                actor=request.user, programme=programme, cohort=cohort, leads=[request.user], **fields
            )
        except PermissionDenied:
            form.add_error(None, _("You may not schedule sessions for this school."))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            count = series.gatherings.count()
            message = ngettext("%(count)s session was scheduled.", "%(count)s sessions were scheduled.", count)
            messages.success(request, message % {"count": count})
            url = reverse("attendance:gathering-list", args=[programme.pk])
            return redirect(f"{url}?school={fields['school'].pk}")
    return render(request, "attendance/series_form.html", {"programme": programme, "form": form})


def _add_service_errors(form: Any, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages_ in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages_)


@checked(Gathering, "manage", kwarg="gathering_id", shape=selectors.gathering_page)
def gathering_edit(request: AuthedHttpRequest, gathering: Gathering) -> HttpResponse:
    if gathering.is_cancelled:
        messages.error(request, _("This gathering is cancelled. Restore it before changing it."))
        return redirect("attendance:gathering-detail", gathering_id=gathering.pk)
    schools = selectors.schedulable_schools(
        access=request.access, programme=gathering.programme, also=gathering.school_id
    )
    fixed = selectors.attendance_is_marked(gathering=gathering)
    form = GatheringEditForm(request.POST or None, gathering=gathering, schools=schools, times_fixed=fixed)
    if request.method == "POST" and form.is_valid():
        try:
            gathering_services.gathering_update(actor=request.user, gathering=gathering, changes=form.changes())
        except PermissionDenied:
            form.add_error(None, _("You may not move this gathering to this school or region."))
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("The gathering was saved."))
            return redirect("attendance:gathering-detail", gathering_id=gathering.pk)
    context = {"programme": gathering.programme, "form": form, "gathering": gathering}
    return render(request, "attendance/gathering_form.html", context)


@require_POST
@checked(Gathering, "manage", kwarg="gathering_id", shape=selectors.gathering_page)
def gathering_cancel(request: AuthedHttpRequest, gathering: Gathering) -> HttpResponse:
    form = CancelForm(request.POST, prefix="cancel")
    if not form.is_valid():
        messages.error(request, _("Say why the gathering is cancelled."))
    else:
        try:
            gathering_services.gathering_cancel(
                actor=request.user,
                gathering=gathering,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The gathering was cancelled."))
    return redirect("attendance:gathering-detail", gathering_id=gathering.pk)


@require_POST
@checked(Gathering, "manage", kwarg="gathering_id", shape=selectors.gathering_page)
def gathering_restore(request: AuthedHttpRequest, gathering: Gathering) -> HttpResponse:
    try:
        gathering_services.gathering_restore(actor=request.user, gathering=gathering)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The gathering takes place again."))
    return redirect("attendance:gathering-detail", gathering_id=gathering.pk)


@checked(Gathering, kwarg="gathering_id", shape=selectors.gathering_page)
def gathering_detail(request: AuthedHttpRequest, gathering: Gathering) -> HttpResponse:
    return render(request, "attendance/gathering_detail.html", _detail_context(request, gathering))


def _detail_context(request: AuthedHttpRequest, gathering: Gathering) -> dict[str, Any]:
    manage = can_manage_gathering(request.user, gathering)
    show_feedback = can_view_feedback(request.user, gathering)
    cancelled = gathering.is_cancelled
    marked = manage and selectors.attendance_is_marked(gathering=gathering)
    context = {
        "gathering": gathering,
        "can_manage": manage,
        "can_mark": can_mark_attendance(request.user, gathering) and not cancelled,
        "can_edit": manage and not cancelled,
        "cancel_form": CancelForm(prefix="cancel") if manage and not cancelled and not marked else None,
        "can_view_attendance": can_view_attendance(request.user, gathering),
        "materials": list(gathering.materials.all()),
        "own": selectors.own_attendance(actor=request.user, gathering=gathering),
        "material_form": MaterialForm() if manage else None,
        "recording_form": RecordingForm(initial={"recording_url": gathering.recording_url})
        if manage and gathering.kind == GatheringKind.WEBINAR
        else None,
        "presentations": selectors.presentations_for(gathering=gathering) if show_feedback else [],
        "show_feedback": show_feedback,
        "presentation_form": PresentationForm() if can_present(request.user, gathering) else None,
        "can_give_feedback": can_give_feedback(request.user, gathering),
        "feedback_form": FeedbackForm(),
    }
    if context["can_view_attendance"]:
        context["rows"] = list(selectors.attendance_rows(gathering=gathering))
    if manage and not cancelled:
        context["expectable"] = selectors.expectable_choices(gathering=gathering)
    return context


@require_POST
@checked(Gathering, "manage", kwarg="gathering_id", shape=selectors.gathering_page)
def expected_add(request: AuthedHttpRequest, gathering: Gathering) -> HttpResponse:
    person_id = parse_id(request.POST.get("person"))
    person = selectors.expectable_people(gathering=gathering).filter(pk=person_id).first() if person_id else None
    if person is None:
        messages.error(request, _("Choose a participant from the list."))
    else:
        try:
            marking.attendance_expect(actor=request.user, gathering=gathering, person=person)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(name)s is now expected.") % {"name": person.full_name})
    return redirect("attendance:gathering-detail", gathering_id=gathering.pk)


@require_POST
@checked(Attendance, "manage", kwarg="attendance_id", shape=selectors.attendance_page)
def expected_remove(request: AuthedHttpRequest, attendance: Attendance) -> HttpResponse:
    try:
        marking.attendance_unexpect(actor=request.user, attendance=attendance)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s was removed from the list.") % {"name": attendance.person.full_name})
    return redirect("attendance:gathering-detail", gathering_id=attendance.gathering_id)


def _take_context(gathering: Gathering, rows: list[Attendance], error: str = "") -> dict[str, Any]:
    """What the attendance screen and its rows show: closed buttons carry the reason."""
    is_open = gathering.marking_is_open
    return {
        "gathering": gathering,
        "rows": rows,
        "statuses": AttendanceStatus.choices,
        "marking_open": is_open,
        "closed_message": "" if is_open else marking.marking_not_open_message(gathering),
        "unmarked": sum(1 for row in rows if not row.status),
        "error": error,
    }


def offline_pages(request: AuthedHttpRequest) -> JsonResponse:
    """The pages the service worker keeps for offline use: the user's sessions and the attendance
    pages of the gatherings they lead today and in the next 7 days (with their expected people)."""
    gatherings = selectors.gatherings_to_keep_offline(actor=request.user)
    urls = [reverse("attendance:my-sessions"), reverse("offline:queue")]
    urls += [reverse("attendance:attendance-take", args=[gathering.pk]) for gathering in gatherings]
    return JsonResponse({"urls": urls})


@checked(Gathering, "mark", kwarg="gathering_id", shape=selectors.gathering_page)
def attendance_take(request: AuthedHttpRequest, gathering: Gathering) -> HttpResponse:
    if gathering.is_cancelled:
        messages.error(request, _("This gathering is cancelled: attendance is not taken."))
        return redirect("attendance:gathering-detail", gathering_id=gathering.pk)
    rows = list(selectors.attendance_rows(gathering=gathering))
    return render(request, "attendance/attendance_take.html", _take_context(gathering, rows))


@require_POST
@checked(Attendance, "mark", kwarg="attendance_id", shape=selectors.attendance_page)
def attendance_mark(request: AuthedHttpRequest, attendance: Attendance) -> HttpResponse:
    gathering = attendance.gathering
    error = ""
    try:
        marking.attendance_mark(actor=request.user, attendance=attendance, status=request.POST.get("status", ""))
    except ValidationError as problem:
        error = " ".join(problem.messages)
        if not request.htmx:  # type: ignore[attr-defined]
            return HttpResponse(error, status=400)
    if request.htmx:  # type: ignore[attr-defined]
        # A refused tap answers 200 with the row and the reason, so htmx shows it in place.
        row = selectors.attendance_rows(gathering=gathering).get(pk=attendance.pk)
        context = {**_take_context(gathering, [row], error), "row": row}
        return render(request, "attendance/_attendance_row.html", context)
    return redirect("attendance:attendance-take", gathering_id=gathering.pk)


@require_POST
@checked(Gathering, "mark", kwarg="gathering_id", shape=selectors.gathering_page)
def attendance_mark_everyone(request: AuthedHttpRequest, gathering: Gathering) -> HttpResponse:
    """ "Everyone present": the people not marked yet; the exceptions are then tapped one by one."""
    error = ""
    try:
        count = marking.attendance_mark_everyone(actor=request.user, gathering=gathering)
    except ValidationError as problem:
        error = " ".join(problem.messages)
    if request.htmx:  # type: ignore[attr-defined]
        rows = list(selectors.attendance_rows(gathering=gathering))
        return render(request, "attendance/_attendance_list.html", _take_context(gathering, rows, error))
    if error:
        messages.error(request, error)
    else:
        message = ngettext("%(count)s person was marked present.", "%(count)s people were marked present.", count)
        messages.success(request, message % {"count": count})
    return redirect("attendance:attendance-take", gathering_id=gathering.pk)


@checked(Gathering, "manage", kwarg="gathering_id", shape=selectors.gathering_page)
def gathering_clear_and_cancel(request: AuthedHttpRequest, gathering: Gathering) -> HttpResponse:
    """One flow to cancel a gathering whose attendance was marked: a page that lists the marks
    to be cleared and asks why; confirming clears them and cancels."""
    if gathering.is_cancelled:
        return redirect("attendance:gathering-detail", gathering_id=gathering.pk)
    form = CancelForm(request.POST or None, prefix="cancel")
    if request.method == "POST" and form.is_valid():
        try:
            count = gathering_services.gathering_clear_and_cancel(
                actor=request.user, gathering=gathering, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            message = ngettext(
                "%(count)s mark was cleared and the gathering cancelled.",
                "%(count)s marks were cleared and the gathering cancelled.",
                count,
            )
            messages.success(request, message % {"count": count})
            return redirect("attendance:gathering-detail", gathering_id=gathering.pk)
    marked = [row for row in selectors.attendance_rows(gathering=gathering) if row.status]
    context = {"gathering": gathering, "form": form, "marked": marked}
    return render(request, "attendance/clear_and_cancel.html", context)


@require_POST
@checked(Gathering, "manage", kwarg="gathering_id", shape=selectors.gathering_page)
def material_upload(request: AuthedHttpRequest, gathering: Gathering) -> HttpResponse:
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            gathering_services.material_add(
                actor=request.user,
                gathering=gathering,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data.get("title", ""),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The material was added."))
    else:
        messages.error(request, _("Choose a file to upload."))
    return redirect("attendance:gathering-detail", gathering_id=gathering.pk)


@checked(Material, kwarg="material_id", shape=selectors.material_page)
def material_download(request: AuthedHttpRequest, material: Material) -> FileResponse:
    return files.file_response(material, material.file, content_type=material.content_type)


@require_POST
@checked(Gathering, "manage", kwarg="gathering_id", shape=selectors.gathering_page)
def recording_set(request: AuthedHttpRequest, gathering: Gathering) -> HttpResponse:
    form = RecordingForm(request.POST)
    if form.is_valid():
        gathering_services.gathering_set_recording(
            actor=request.user,
            gathering=gathering,
            recording_url=form.cleaned_data["recording_url"],
        )
        messages.success(request, _("The recording link was saved."))
    else:
        messages.error(request, _("Give a valid link."))
    return redirect("attendance:gathering-detail", gathering_id=gathering.pk)


@require_POST
@checked(Gathering, "present", kwarg="gathering_id", shape=selectors.gathering_page)
def presentation_create(request: AuthedHttpRequest, gathering: Gathering) -> HttpResponse:
    form = PresentationForm(request.POST)
    if form.is_valid():
        try:
            marking.presentation_create(
                actor=request.user,
                gathering=gathering,
                title=form.cleaned_data["title"],
                summary=form.cleaned_data.get("summary", ""),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your presentation was added."))
    else:
        messages.error(request, _("Give your presentation a title."))
    return redirect("attendance:gathering-detail", gathering_id=gathering.pk)


@require_POST
@checked(Presentation, "give-feedback", kwarg="presentation_id", shape=selectors.presentation_page)
def feedback_create(request: AuthedHttpRequest, presentation: Presentation) -> HttpResponse:
    form = FeedbackForm(request.POST)
    if form.is_valid():
        marking.feedback_add(actor=request.user, presentation=presentation, text=form.cleaned_data["text"])
        messages.success(request, _("Thank you: your feedback was added."))
    else:
        messages.error(request, _("Write your feedback first."))
    return redirect(
        reverse("attendance:gathering-detail", args=[presentation.gathering_id]) + f"#presentation-{presentation.pk}"
    )


def _calendar_response(
    request: AuthedHttpRequest, gatherings: QuerySet[Gathering], name: str, filename: str
) -> HttpResponse:
    events = [
        Event(
            uid=f"gathering-{gathering.pk}@shamy.kz",
            starts_at=gathering.starts_at,
            ends_at=gathering.ends_at,
            summary=gathering.display_title,
            description=gathering.agenda,
            location=gathering.place or gathering.online_url,
            url=request.build_absolute_uri(reverse("attendance:gathering-detail", args=[gathering.pk])),
            last_modified=gathering.updated_at,
            sequence=gathering.sequence,
            cancelled=gathering.is_cancelled,
        )
        for gathering in gatherings
    ]
    body = build_calendar(events, name=name, now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def calendar_mine(request: AuthedHttpRequest) -> HttpResponse:
    gatherings = selectors.my_gatherings(actor=request.user)
    return _calendar_response(request, gatherings, _("My sessions"), "shamy-sessions.ics")


@checked(School, visible="calendar", kwarg="school_id")
def school_calendar(request: AuthedHttpRequest, school: School) -> HttpResponse:
    """A school's gatherings (rule "calendar": the people acting for the school in a programme,
    and national readers)."""
    gatherings = selectors.school_gatherings(access=request.access, school=school)
    return _calendar_response(request, gatherings, school.name, f"school-{school.pk}.ics")


@checked(Programme, "attendance-report", kwarg="programme_id")
def report(request: AuthedHttpRequest, programme: Programme) -> HttpResponse:
    show_people = request.access.is_coordinator(programme) or request.access.is_national
    by_school = selectors.attendance_rates_by_school(programme=programme)
    by_region = selectors.attendance_rates_by_region(programme=programme)
    minimum = None if show_people else threshold()  # observers and donors see aggregates only
    if minimum is not None:
        selectors.suppress_rates(by_region, by_school, minimum)
    return render(
        request,
        "attendance/report.html",
        {
            "programme": programme,
            "by_school": by_school,
            "by_region": by_region,
            "hours": selectors.participation_hours(programme=programme) if show_people else [],
            "show_people": show_people,
            "minimum": minimum,
        },
    )
