from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from shamy.access.context import Actor, access_for
from shamy.access.http import AuthedHttpRequest
from shamy.access.roles import Role
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
from shamy.attendance.models import AttendanceStatus, Gathering, GatheringKind
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
from shamy.programmes.selectors import programme_get_for_user
from shamy.registry.models import School

PAGE_SIZE = 50


def _schedulable_schools(user: Actor, programme: Any) -> QuerySet[School]:
    if access_for(user).is_coordinator(programme):
        ids = access_for(user).programme_school_ids(programme)
    else:
        ids = access_for(user).programme_school_ids(programme, role=Role.SCHOOL_FACILITATOR) | access_for(
            user
        ).programme_school_ids(programme, role=Role.LINK_FACILITATOR)
    return School.objects.filter(pk__in=sorted(ids)).order_by("name_kk")


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
def gathering_list(request: AuthedHttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get_for_user(user=request.user, programme_id=programme_id)
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


def gathering_create(request: AuthedHttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get_for_user(user=request.user, programme_id=programme_id)
    if not can_create_gathering(request.user, programme):
        raise PermissionDenied
    schools = _schedulable_schools(request.user, programme)
    form = GatheringForm(request.POST or None, programme=programme, schools=schools)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            gathering = gathering_services.gathering_create(
                actor=request.user,
                programme=programme,
                kind=data["kind"],
                title=data["title"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                cohort=data.get("cohort"),
                school=data.get("school"),
                region=data.get("region"),
                place=data.get("place", ""),
                online_url=data.get("online_url", ""),
                recording_url=data.get("recording_url", ""),
                agenda=data.get("agenda", ""),
                leads=[request.user],  # type: ignore[list-item]
            )
        except PermissionDenied:
            form.add_error(None, _("You may not schedule this kind of gathering for this school or region."))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The gathering was scheduled."))
            return redirect("attendance:gathering-detail", gathering_id=gathering.pk)
    return render(request, "attendance/gathering_form.html", {"programme": programme, "form": form})


def series_create(request: AuthedHttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get_for_user(user=request.user, programme_id=programme_id)
    if not can_create_gathering(request.user, programme):
        raise PermissionDenied
    schools = _schedulable_schools(request.user, programme)
    form = SeriesForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        school = data["school"]
        cohort_link = school.cohort_links.filter(cohort__programme=programme).select_related("cohort").first()
        try:
            series = gathering_services.series_create(
                actor=request.user,
                programme=programme,
                cohort=cohort_link.cohort if cohort_link else None,
                school=school,
                title=data["title"],
                first_on=data["first_on"],
                until=data["until"],
                interval_weeks=data["interval_weeks"],
                start_time=data["start_time"],
                end_time=data["end_time"],
                place=data.get("place", ""),
                agenda=data.get("agenda", ""),
                leads=[request.user],  # type: ignore[list-item]
            )
        except PermissionDenied:
            form.add_error(None, _("You may not schedule sessions for this school."))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            count = series.gatherings.count()
            messages.success(
                request,
                ngettext("%(count)s session was scheduled.", "%(count)s sessions were scheduled.", count)
                % {"count": count},
            )
            return redirect(reverse("attendance:gathering-list", args=[programme.pk]) + f"?school={school.pk}")
    return render(request, "attendance/series_form.html", {"programme": programme, "form": form})


def _add_service_errors(form: Any, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages_ in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages_)


def gathering_edit(request: AuthedHttpRequest, gathering_id: int) -> HttpResponse:
    gathering = selectors.gathering_get_for_user(user=request.user, gathering_id=gathering_id)
    if not can_manage_gathering(request.user, gathering):
        raise PermissionDenied
    if gathering.is_cancelled:
        messages.error(request, _("This gathering is cancelled. Restore it before changing it."))
        return redirect("attendance:gathering-detail", gathering_id=gathering.pk)
    schools = _schedulable_schools(request.user, gathering.programme)
    if gathering.school_id is not None:
        schools = School.objects.filter(Q(pk__in=schools.values("pk")) | Q(pk=gathering.school_id)).order_by("name_kk")
    form = GatheringEditForm(
        request.POST or None,
        gathering=gathering,
        schools=schools,
        times_fixed=selectors.attendance_is_marked(gathering=gathering),
    )
    if request.method == "POST" and form.is_valid():
        try:
            gathering_services.gathering_update(
                actor=request.user,
                gathering=gathering,
                changes=form.changes(),
            )
        except PermissionDenied:
            form.add_error(None, _("You may not move this gathering to this school or region."))
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("The gathering was saved."))
            return redirect("attendance:gathering-detail", gathering_id=gathering.pk)
    return render(
        request,
        "attendance/gathering_form.html",
        {"programme": gathering.programme, "form": form, "gathering": gathering},
    )


@require_POST
def gathering_cancel(request: AuthedHttpRequest, gathering_id: int) -> HttpResponse:
    gathering = selectors.gathering_get_for_user(user=request.user, gathering_id=gathering_id)
    if not can_manage_gathering(request.user, gathering):
        raise PermissionDenied
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
def gathering_restore(request: AuthedHttpRequest, gathering_id: int) -> HttpResponse:
    gathering = selectors.gathering_get_for_user(user=request.user, gathering_id=gathering_id)
    if not can_manage_gathering(request.user, gathering):
        raise PermissionDenied
    try:
        gathering_services.gathering_restore(actor=request.user, gathering=gathering)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The gathering takes place again."))
    return redirect("attendance:gathering-detail", gathering_id=gathering.pk)


def gathering_detail(request: AuthedHttpRequest, gathering_id: int) -> HttpResponse:
    gathering = selectors.gathering_get_for_user(user=request.user, gathering_id=gathering_id)
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
        context["expectable"] = list(selectors.expectable_people(gathering=gathering)[:500])
    return render(request, "attendance/gathering_detail.html", context)


@require_POST
def expected_add(request: AuthedHttpRequest, gathering_id: int) -> HttpResponse:
    gathering = selectors.gathering_get_for_user(user=request.user, gathering_id=gathering_id)
    if not can_manage_gathering(request.user, gathering):
        raise PermissionDenied
    raw = request.POST.get("person", "")
    person = selectors.expectable_people(gathering=gathering).filter(pk=int(raw)).first() if raw.isdigit() else None
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
def expected_remove(request: AuthedHttpRequest, attendance_id: int) -> HttpResponse:
    attendance = selectors.attendance_get_for_user(user=request.user, attendance_id=attendance_id)
    if not can_manage_gathering(request.user, attendance.gathering):
        raise PermissionDenied
    try:
        marking.attendance_unexpect(actor=request.user, attendance=attendance)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s was removed from the list.") % {"name": attendance.person.full_name})
    return redirect("attendance:gathering-detail", gathering_id=attendance.gathering_id)


def attendance_take(request: AuthedHttpRequest, gathering_id: int) -> HttpResponse:
    gathering = selectors.gathering_get_for_user(user=request.user, gathering_id=gathering_id)
    if not can_mark_attendance(request.user, gathering):
        raise PermissionDenied
    if gathering.is_cancelled:
        messages.error(request, _("This gathering is cancelled: attendance is not taken."))
        return redirect("attendance:gathering-detail", gathering_id=gathering.pk)
    rows = list(selectors.attendance_rows(gathering=gathering))
    return render(
        request,
        "attendance/attendance_take.html",
        {"gathering": gathering, "rows": rows, "statuses": AttendanceStatus.choices},
    )


@require_POST
def attendance_mark(request: AuthedHttpRequest, attendance_id: int) -> HttpResponse:
    attendance = selectors.attendance_get_for_user(user=request.user, attendance_id=attendance_id)
    if not can_mark_attendance(request.user, attendance.gathering):
        raise PermissionDenied
    status = request.POST.get("status", "")
    try:
        attendance = marking.attendance_mark(actor=request.user, attendance=attendance, status=status)
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400)
    if request.htmx:  # type: ignore[attr-defined]
        attendance = selectors.attendance_rows(gathering=attendance.gathering).get(pk=attendance.pk)
        return render(
            request,
            "attendance/_attendance_row.html",
            {"row": attendance, "statuses": AttendanceStatus.choices, "gathering": attendance.gathering},
        )
    return redirect("attendance:attendance-take", gathering_id=attendance.gathering_id)


@require_POST
def material_upload(request: AuthedHttpRequest, gathering_id: int) -> HttpResponse:
    gathering = selectors.gathering_get_for_user(user=request.user, gathering_id=gathering_id)
    if not can_manage_gathering(request.user, gathering):
        raise PermissionDenied
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


def material_download(request: AuthedHttpRequest, material_id: int) -> FileResponse:
    material = selectors.material_get_for_user(user=request.user, material_id=material_id)
    return files.file_response(material, material.file, content_type=material.content_type)


@require_POST
def recording_set(request: AuthedHttpRequest, gathering_id: int) -> HttpResponse:
    gathering = selectors.gathering_get_for_user(user=request.user, gathering_id=gathering_id)
    if not can_manage_gathering(request.user, gathering):
        raise PermissionDenied
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
def presentation_create(request: AuthedHttpRequest, gathering_id: int) -> HttpResponse:
    gathering = selectors.gathering_get_for_user(user=request.user, gathering_id=gathering_id)
    if not can_present(request.user, gathering):
        raise PermissionDenied
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
def feedback_create(request: AuthedHttpRequest, presentation_id: int) -> HttpResponse:
    presentation = selectors.presentation_get_for_user(user=request.user, presentation_id=presentation_id)
    if not can_give_feedback(request.user, presentation.gathering):
        raise PermissionDenied
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
            summary=gathering.title,
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


def school_calendar(request: AuthedHttpRequest, school_id: int) -> HttpResponse:
    """A school's gatherings: its in-school sessions and its region's network events, for
    the people acting for the school in a programme and for national readers."""

    acts_for = any(school_id in request.access.programme_school_ids(pid) for pid in request.access.programme_ids)
    if not (acts_for or request.access.is_national):
        raise Http404
    school = School.objects.filter(pk=school_id).first()
    if school is None:
        raise Http404
    gatherings = (
        Gathering.objects.restrict(request.user, "view")
        .filter(
            Q(kind=GatheringKind.IN_SCHOOL, school=school) | Q(kind=GatheringKind.NETWORK, region_id=school.region_id)
        )
        .order_by("starts_at", "id")
    )
    return _calendar_response(request, gatherings, school.name, f"school-{school.pk}.ics")


def report(request: AuthedHttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get_for_user(user=request.user, programme_id=programme_id)
    if not can_view_report(request.user, programme):
        raise PermissionDenied
    show_people = request.access.is_coordinator(programme) or request.access.is_national
    return render(
        request,
        "attendance/report.html",
        {
            "programme": programme,
            "by_school": selectors.attendance_rates_by_school(programme=programme),
            "by_region": selectors.attendance_rates_by_region(programme=programme),
            "hours": selectors.participation_hours(programme=programme) if show_people else [],
            "show_people": show_people,
        },
    )
