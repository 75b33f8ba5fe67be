from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from shamy.access.http import AuthedHttpRequest
from shamy.core.rules import allowed, checked, requires
from shamy.programmes import selectors
from shamy.programmes.forms import (
    CohortForm,
    InvitationAcceptForm,
    InvitationForm,
    LinkAssignForm,
    MarkingWindowForm,
    ProgrammeForm,
    SchoolSearchForm,
    StageCreateForm,
    StageForm,
)
from shamy.programmes.models import Cohort, CohortSchool, Invitation, MethodologyStage, Programme
from shamy.programmes.permissions import can_manage_programme, can_view_cohort_people, may_create_programme
from shamy.programmes.services import enrolment, methodology
from shamy.programmes.services import programmes as programme_services


def _base_url(request: AuthedHttpRequest) -> str:
    return request.build_absolute_uri("/")


def programme_list(request: AuthedHttpRequest) -> HttpResponse:
    rows = selectors.programme_list(actor=request.user)
    return render(
        request,
        "programmes/programme_list.html",
        {"rows": rows, "can_create": request.access.is_system_admin},
    )


@requires(may_create_programme)
def programme_create(request: AuthedHttpRequest) -> HttpResponse:
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            programme = programme_services.programme_create(
                actor=request.user,
                name_kk=data["name_kk"],
                name_ru=data["name_ru"],
                name_en=data.get("name_en", ""),
                country=data["country"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                coordinator_email=data["coordinator_email"],
                base_url=_base_url(request),
                marking_opens_minutes=data["marking_opens_minutes"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The programme was created and its coordinator invited."))
            return redirect("programmes:programme-detail", programme_id=programme.pk)
    return render(request, "programmes/programme_form.html", {"form": form})


@checked(Programme, "manage", kwarg="programme_id")
def cohort_create(request: AuthedHttpRequest, programme: Programme) -> HttpResponse:
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cohort = programme_services.cohort_create(
                actor=request.user,
                programme=programme,
                name_kk=data["name_kk"],
                name_ru=data["name_ru"],
                name_en=data.get("name_en", ""),
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                facilitators_per_school=data["facilitators_per_school"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The cohort was opened."))
            return redirect("programmes:cohort-detail", cohort_id=cohort.pk)
    return render(request, "programmes/cohort_form.html", {"form": form, "programme": programme})


@checked(Programme, kwarg="programme_id")
def programme_detail(request: AuthedHttpRequest, programme: Programme) -> HttpResponse:
    context = selectors.programme_overview(actor=request.user, programme=programme)
    context.update(
        {
            "programme": programme,
            "can_manage": allowed(request.access, programme, "manage"),
            # The attendance report's rule is registered by the attendance app (named, not imported).
            "can_report": allowed(request.access, programme, "attendance-report"),
            "marking_form": MarkingWindowForm(initial={"marking_opens_minutes": programme.marking_opens_minutes})
            if allowed(request.access, programme, "manage")
            else None,
        }
    )
    return render(request, "programmes/programme_detail.html", context)


@require_POST
@checked(Programme, "manage", kwarg="programme_id")
def programme_marking(request: AuthedHttpRequest, programme: Programme) -> HttpResponse:
    form = MarkingWindowForm(request.POST)
    if form.is_valid():
        programme_services.programme_set_marking_window(
            actor=request.user, programme=programme, minutes=form.cleaned_data["marking_opens_minutes"]
        )
        messages.success(request, _("When attendance marking opens was saved."))
    else:
        messages.error(request, " ".join(str(error) for error in form.errors.get("marking_opens_minutes", [])))
    return redirect("programmes:programme-detail", programme_id=programme.pk)


@checked(MethodologyStage, "manage", kwarg="stage_id", shape=selectors.with_programme, name="stage")
def stage_edit(request: AuthedHttpRequest, stage: MethodologyStage) -> HttpResponse:
    form = StageForm(request.POST or None, instance=stage)
    if request.method == "POST" and form.is_valid():
        try:
            methodology.methodology_stage_update(actor=request.user, stage=stage, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The stage was saved."))
            return redirect("programmes:programme-detail", programme_id=stage.programme_id)
    return render(request, "programmes/stage_form.html", {"form": form, "programme": stage.programme, "stage": stage})


@checked(Programme, "manage", kwarg="programme_id")
def stage_create(request: AuthedHttpRequest, programme: Programme) -> HttpResponse:
    form = StageCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        code = data.pop("code")
        try:
            methodology.methodology_stage_create(actor=request.user, programme=programme, code=code, data=data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The stage was added."))
            return redirect("programmes:programme-detail", programme_id=programme.pk)
    return render(request, "programmes/stage_form.html", {"form": form, "programme": programme, "stage": None})


@checked(Cohort, kwarg="cohort_id", shape=selectors.with_programme)
def cohort_detail(request: AuthedHttpRequest, cohort: Cohort) -> HttpResponse:
    people = (
        selectors.cohort_people(actor=request.user, cohort=cohort)
        if can_view_cohort_people(request.user, cohort)
        else []
    )
    rows, links = selectors.cohort_school_rows(access=request.access, cohort=cohort, people=list(people))
    return render(
        request,
        "programmes/cohort_detail.html",
        {
            "cohort": cohort,
            "programme": cohort.programme,
            "rows": rows,
            "links": links,
            "can_manage": can_manage_programme(request.user, cohort.programme),
            "link_form": LinkAssignForm(cohort=cohort)
            if can_manage_programme(request.user, cohort.programme)
            else None,
        },
    )


@vary_on_headers("HX-Request")
@checked(Cohort, "manage", kwarg="cohort_id", shape=selectors.with_programme)
def cohort_school_add(request: AuthedHttpRequest, cohort: Cohort) -> HttpResponse:
    if request.method == "POST":
        school = selectors.school_to_enrol(actor=request.user, raw_id=request.POST.get("school", ""))
        if school is None:
            messages.error(request, _("Choose a school from the search results."))
        else:
            try:
                enrolment.cohort_school_add(actor=request.user, cohort=cohort, school=school)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("%(school)s joined the cohort.") % {"school": school.name})
        return redirect("programmes:cohort-school-add", cohort_id=cohort.pk)
    form = SchoolSearchForm(request.GET or None)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    results = selectors.school_search_for_cohort(actor=request.user, cohort=cohort, query=query)
    partial = request.htmx and not request.htmx.boosted  # type: ignore[attr-defined]
    template = "programmes/_school_results.html" if partial else "programmes/cohort_school_add.html"
    return render(request, template, {"cohort": cohort, "form": form, "results": results, "query": query})


@require_POST
@checked(CohortSchool, "manage", kwarg="cohort_school_id", shape=selectors.cohort_school_page, name="row")
def cohort_school_invite_staff(request: AuthedHttpRequest, row: CohortSchool) -> HttpResponse:
    cohort = row.cohort
    result = enrolment.invitations_create_for_school_staff(
        actor=request.user,
        cohort=cohort,
        school=row.school,
        base_url=_base_url(request),
    )
    messages.success(
        request,
        _("Invitations sent: %(invited)s. Without an e-mail: %(missing)s. Already taking part: %(taken)s.")
        % {
            "invited": len(result.invited),
            "missing": len(result.skipped_without_email),
            "taken": len(result.skipped_already_in),
        },
    )
    return redirect("programmes:cohort-detail", cohort_id=cohort.pk)


@require_POST
@checked(Cohort, "manage", kwarg="cohort_id", shape=selectors.with_programme)
def link_assign(request: AuthedHttpRequest, cohort: Cohort) -> HttpResponse:
    form = LinkAssignForm(request.POST, cohort=cohort)
    if form.is_valid():
        try:
            enrolment.link_assignment_add(
                actor=request.user,
                membership=form.cleaned_data["membership"],
                cohort_school=form.cleaned_data["cohort_school"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The school was assigned to the link facilitator."))
    else:
        messages.error(request, _("Choose a link facilitator and a school."))
    return redirect("programmes:cohort-detail", cohort_id=cohort.pk)


@checked(Programme, "manage", kwarg="programme_id")
def invitation_list(request: AuthedHttpRequest, programme: Programme) -> HttpResponse:
    form = InvitationForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = enrolment.invitable_people([data["email"]]).get(data["email"].lower())
        try:
            enrolment.invitation_create(
                actor=request.user,
                programme=programme,
                email=data["email"],
                role=data["role"],
                cohort=data.get("cohort"),
                school=data.get("school_object"),
                person=person,
                language=data["language"],
                base_url=_base_url(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The invitation was sent to %(email)s.") % {"email": data["email"]})
            return redirect("programmes:invitation-list", programme_id=programme.pk)
    invitations = selectors.invitation_list(programme=programme)[:200]
    return render(
        request,
        "programmes/invitation_list.html",
        {"programme": programme, "form": form, "invitations": invitations},
    )


@require_POST
@checked(Invitation, "manage", kwarg="invitation_id", shape=selectors.with_programme)
def invitation_revoke(request: AuthedHttpRequest, invitation: Invitation) -> HttpResponse:
    try:
        enrolment.invitation_revoke(actor=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The invitation was withdrawn."))
    return redirect("programmes:invitation-list", programme_id=invitation.programme_id)


@login_not_required
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = enrolment.invitation_for_token(token)
    except enrolment.InvitationError as error:
        return render(
            request,
            "programmes/invitation_invalid.html",
            {"message": error.message},
            status=410 if error.code != "unknown" else 404,
        )
    form = InvitationAcceptForm(request.POST or None, needs_name=selectors.invitation_needs_name(invitation))
    if request.method == "POST" and form.is_valid():
        try:
            user = enrolment.invitation_accept(
                token=token,
                password=form.cleaned_data["password1"],
                surname=form.cleaned_data.get("surname", ""),
                given_name=form.cleaned_data.get("given_name", ""),
                language=getattr(request, "LANGUAGE_CODE", None),
            )
        except enrolment.InvitationError as error:
            return render(request, "programmes/invitation_invalid.html", {"message": error.message}, status=410)
        except ValidationError as error:
            form.add_error("password1" if not form.needs_name else None, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            welcome = _("Welcome! You now take part in %(programme)s.")
            messages.success(request, welcome % {"programme": invitation.programme.name})
            return redirect("programmes:programme-detail", programme_id=invitation.programme_id)
    return render(request, "programmes/invitation_accept.html", {"invitation": invitation, "form": form})
