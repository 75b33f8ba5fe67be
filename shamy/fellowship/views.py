"""Fellowship pages: the public application (no sign-in), the pipeline, reviews, placement runs
and the cohort dashboard. Thin: forms, getters, services."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shamy.access.http import AuthedHttpRequest
from shamy.core.files import UploadRejected, file_response
from shamy.fellowship import selectors
from shamy.fellowship.forms import (
    ApplicationForm,
    ApplicationStartForm,
    ApplyForm,
    CheckInForm,
    LeaveForm,
    MoveForm,
    PathwayForm,
    ReviewForm,
    RuleForm,
    TaughtClassForm,
)
from shamy.fellowship.models import (
    PIPELINE,
    RUBRIC,
    Agreement,
    AgreementStatus,
    Application,
    Fellow,
    FellowshipCohort,
    Pathway,
    Placement,
    PlacementRule,
    Review,
    Stage,
    Vacancy,
)
from shamy.fellowship.permissions import can_check_in, can_manage_cohort, can_read_cohort, can_record_classes
from shamy.fellowship.services import placement as placement_services
from shamy.fellowship.services import recruitment, school_years
from shamy.registry.models import Region

# Spam resistance without third parties: a honeypot field, and at most this many new
# applications from one address per hour.
STARTS_PER_HOUR = 10


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _rate_limited(request: HttpRequest) -> bool:
    key = f"fellowship:apply-start:{_client_address(request)}"
    count = cache.get(key, 0)
    if count >= STARTS_PER_HOUR:
        return True
    cache.set(key, count + 1, 3600)
    return False


# --- public: the application -------------------------------------------------------------------


@login_not_required
def apply_start(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = get_object_or_404(FellowshipCohort.objects.select_related("cohort"), pk=cohort_id, applications_open=True)
    form = ApplicationStartForm(request.POST or None)
    if request.method == "POST":
        if _rate_limited(request):
            return render(
                request, "fellowship/apply_start.html", {"cohort": cohort, "form": form, "limited": True}, status=429
            )
        if form.is_valid():
            try:
                _application, token = recruitment.application_start(
                    cohort=cohort,
                    email=form.cleaned_data["email"],
                    language=get_language() or "kk",
                    base_url=_base_url(request),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Your application is saved as a draft. We have sent its link to your e-mail.")
                )
                return redirect("fellowship:apply-edit", token=token)
    return render(request, "fellowship/apply_start.html", {"cohort": cohort, "form": form})


def _application_or_404(token: str) -> Application:
    application = recruitment.application_for_token(token)
    if application is None:
        raise Http404
    return application


@login_not_required
def apply_edit(request: HttpRequest, token: str) -> HttpResponse:
    """The applicant's own page under the magic link: the draft form, then the status."""
    application = _application_or_404(token)
    regions = Region.objects.filter(
        pk__in=Agreement.objects.filter(
            programme_id=application.cohort.cohort.programme_id, status=AgreementStatus.SIGNED
        ).values("region_id")
    ).order_by("name_kk")
    if application.stage != Stage.DRAFT:
        changes = application.stage_changes.order_by("at")
        return render(
            request,
            "fellowship/apply_status.html",
            {"application": application, "changes": changes, "token": token, "pipeline": PIPELINE},
        )
    form = ApplicationForm(request.POST or None, request.FILES or None, instance=application, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            recruitment.application_save(
                application=application,
                data=form.applicant_data(),
                accepted_region_ids=[r.pk for r in form.cleaned_data["accepted_regions"]],
                cv=form.cleaned_data.get("cv"),
                diploma=form.cleaned_data.get("diploma"),
            )
            if "submit" in request.POST:
                recruitment.application_submit(application=application)
                messages.success(request, _("Your application is submitted. This page shows where it stands."))
            else:
                messages.success(request, _("Draft saved."))
            return redirect("fellowship:apply-edit", token=token)
        except UploadRejected as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form.add_error(None, error)
    missing = recruitment.missing_to_submit(application)
    return render(
        request,
        "fellowship/apply_edit.html",
        {"application": application, "form": form, "token": token, "missing": missing},
    )


@login_not_required
@require_POST
def apply_withdraw(request: HttpRequest, token: str) -> HttpResponse:
    application = _application_or_404(token)
    recruitment.application_withdraw(application=application)
    messages.success(request, _("Your application is withdrawn."))
    return redirect("fellowship:apply-edit", token=token)


# --- coordinators and reviewers ------------------------------------------------------------------


def cohort_list(request: AuthedHttpRequest) -> HttpResponse:
    cohorts = list(FellowshipCohort.objects.visible_to(request.user).select_related("cohort__programme"))
    placements = (
        Placement.objects.filter(Q(fellow__user=request.user) | Q(mentor=request.user))
        .select_related("fellow", "school")
        .order_by("-starts_on", "pk")
    )
    reviews = (
        Review.objects.filter(reviewer=request.user)
        .select_related("application__cohort__cohort")
        .order_by("submitted_at", "application_id")
    )
    if not cohorts and not request.access.roles and not reviews.exists() and not placements.exists():
        raise PermissionDenied
    readable = {cohort.pk for cohort in cohorts if can_read_cohort(request.user, cohort)}
    return render(
        request,
        "fellowship/cohort_list.html",
        {"cohorts": cohorts, "readable": readable, "reviews": reviews, "placements": placements},
    )


def _cohort_for_reader(request: AuthedHttpRequest, cohort_id: int) -> FellowshipCohort:
    cohort = selectors.cohort_get_for_user(user=request.user, cohort_id=cohort_id)
    if not can_read_cohort(request.user, cohort):
        raise PermissionDenied
    return cohort


def _cohort_for_manager(request: AuthedHttpRequest, cohort_id: int) -> FellowshipCohort:
    cohort = selectors.cohort_get_for_user(user=request.user, cohort_id=cohort_id)
    if not can_manage_cohort(request.user, cohort):
        raise PermissionDenied
    return cohort


def cohort_detail(request: AuthedHttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort_for_reader(request, cohort_id)
    total, regions = selectors.cohort_dashboard(cohort)
    alumni = selectors.alumni_figures(cohort)
    pathways = [(label, alumni.by_pathway.get(value, 0)) for value, label in Pathway.choices]
    context = {
        "cohort": cohort,
        "total": total,
        "regions": regions,
        "alumni": alumni,
        "pathways": pathways,
        "can_manage": can_manage_cohort(request.user, cohort),
        "expansion": selectors.expansion(cohort.cohort.programme_id),
    }
    if context["can_manage"]:
        context["funnel"] = selectors.funnel(cohort)
    return render(request, "fellowship/cohort_detail.html", context)


def application_list(request: AuthedHttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort_for_manager(request, cohort_id)
    stage = request.GET.get("stage", "")
    applications = (
        Application.objects.visible_to(request.user)
        .filter(cohort=cohort)
        .exclude(stage=Stage.DRAFT)
        .prefetch_related(Prefetch("reviews", queryset=Review.objects.select_related("reviewer")))
        .order_by("stage", "full_name", "pk")
    )
    if stage in Stage.values:
        applications = applications.filter(stage=stage)
    form = MoveForm(request.POST or None, queryset=applications)
    if request.method == "POST" and form.is_valid():
        try:
            moved = recruitment.applications_move(
                actor=request.user,
                cohort=cohort,
                applications=list(form.cleaned_data["applications"]),
                to_stage=form.cleaned_data["to_stage"],
                base_url=_base_url(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s application moved; the applicant was e-mailed.",
                    "%(count)s applications moved; each applicant was e-mailed.",
                    len(moved),
                )
                % {"count": len(moved)},
            )
            return redirect(request.get_full_path())
    counts = dict(
        Application.objects.filter(cohort=cohort).values_list("stage").annotate(n=Count("id")).values_list("stage", "n")
    )
    stages = [(s.value, s.label, counts.get(s.value, 0)) for s in Stage if s != Stage.DRAFT]
    return render(
        request,
        "fellowship/application_list.html",
        {"cohort": cohort, "applications": applications, "form": form, "stages": stages, "stage": stage},
    )


def _application_for_user(request: AuthedHttpRequest, application_id: int) -> Application:
    return get_object_or_404(
        Application.objects.visible_to(request.user).select_related("cohort__cohort"), pk=application_id
    )


def application_detail(request: AuthedHttpRequest, application_id: int) -> HttpResponse:
    application = _application_for_user(request, application_id)
    reviews = list(application.reviews.select_related("reviewer"))
    mine = next((r for r in reviews if r.reviewer_id == request.user.pk), None)
    manager = can_manage_cohort(request.user, application.cohort)
    form = ReviewForm(request.POST or None, initial={f"score_{k}": v for k, v in (mine.scores if mine else {}).items()})
    if request.method == "POST":
        if mine is None:
            raise PermissionDenied
        if form.is_valid():
            recruitment.review_submit(
                actor=request.user, review=mine, scores=form.scores(), comment=form.cleaned_data["comment"]
            )
            messages.success(request, _("Your scores are saved."))
            return redirect("fellowship:application-detail", application_id=application.pk)
    return render(
        request,
        "fellowship/application_detail.html",
        {
            "application": application,
            "reviews": reviews if manager else [r for r in reviews if r is mine],
            "mine": mine,
            "form": form,
            "manager": manager,
            "rubric": RUBRIC,
            "regions": application.accepted_regions.all(),
        },
    )


def application_file(request: AuthedHttpRequest, application_id: int, kind: str) -> FileResponse:
    application = _application_for_user(request, application_id)
    if kind not in ("cv", "diploma"):
        raise Http404
    field_file = getattr(application, kind)
    name = str(field_file.name or "")
    content_type = "application/pdf" if name.endswith(".pdf") else "application/octet-stream"
    return file_response(
        application, field_file, content_type=content_type, filename=f"{kind}{name[name.rfind('.') :]}"
    )


def placement_run(request: AuthedHttpRequest, cohort_id: int) -> HttpResponse:
    """Solve, explain, lock or forbid pairs and solve again, then apply."""
    cohort = _cohort_for_manager(request, cohort_id)
    if request.method == "POST" and "kind" in request.POST:
        form = RuleForm(request.POST)
        if form.is_valid():
            fellow = get_object_or_404(Fellow, pk=form.cleaned_data["fellow"], cohort=cohort)
            vacancy = get_object_or_404(
                Vacancy, pk=form.cleaned_data["vacancy"], programme_id=cohort.cohort.programme_id
            )
            placement_services.placement_rule_set(
                actor=request.user, cohort=cohort, fellow=fellow, vacancy=vacancy, kind=form.cleaned_data["kind"]
            )
            messages.success(request, _("Saved. The placement below is solved again with it."))
        return redirect("fellowship:placement", cohort_id=cohort.pk)
    apply_form = ApplyForm(request.POST or None, initial={"starts_on": datetime.date(datetime.date.today().year, 9, 1)})
    if request.method == "POST" and apply_form.is_valid():
        try:
            placed = placement_services.placement_apply(
                actor=request.user, cohort=cohort, starts_on=apply_form.cleaned_data["starts_on"]
            )
        except ValidationError as error:
            apply_form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext("%(count)s fellow placed.", "%(count)s fellows placed.", len(placed)) % {"count": len(placed)},
            )
            return redirect("fellowship:cohort-detail", cohort_id=cohort.pk)
    run = placement_services.placement_solve(actor=request.user, cohort=cohort)
    rules = PlacementRule.objects.filter(cohort=cohort).select_related("fellow", "vacancy__school")
    vacancies = selectors.open_vacancies(cohort)
    return render(
        request,
        "fellowship/placement.html",
        {"cohort": cohort, "run": run, "rules": rules, "apply_form": apply_form, "vacancies": vacancies},
    )


@require_POST
def rule_delete(request: AuthedHttpRequest, cohort_id: int, rule_id: int) -> HttpResponse:
    cohort = _cohort_for_manager(request, cohort_id)
    rule = get_object_or_404(PlacementRule, pk=rule_id, cohort=cohort)
    placement_services.placement_rule_remove(actor=request.user, rule=rule)
    return redirect("fellowship:placement", cohort_id=cohort.pk)


def placement_detail(request: AuthedHttpRequest, placement_id: int) -> HttpResponse:
    """A fellow's placement: check-ins by the fellow, mentor and principal, the classes taught and
    their pupils, and (for coordinators) early leaving and graduation."""
    placement = get_object_or_404(
        Placement.objects.visible_to(request.user).select_related("fellow__cohort__cohort", "school", "mentor"),
        pk=placement_id,
    )
    manager = can_manage_cohort(request.user, placement.fellow.cohort)
    may_check_in = can_check_in(request.user, placement) and (
        placement.fellow.user_id == request.user.pk
        or placement.mentor_id == request.user.pk
        or placement.school_id in request.access.principal_school_ids
    )
    may_record = can_record_classes(request.user, placement)
    action = request.POST.get("action", "")
    check_in_form = CheckInForm(request.POST if action == "check-in" else None)
    class_form = TaughtClassForm(request.POST if action == "class" else None)
    leave_form = LeaveForm(request.POST if action == "leave" else None)
    if request.method == "POST":
        allowed = {"check-in": may_check_in, "class": may_record, "leave": manager, "graduate": manager}
        if not allowed.get(action):
            raise PermissionDenied
        done = ""
        if action == "check-in" and check_in_form.is_valid():
            school_years.check_in_record(actor=request.user, placement=placement, **check_in_form.cleaned_data)
            done = _("Check-in saved.")
        elif action == "class" and class_form.is_valid():
            school_years.taught_class_record(
                actor=request.user,
                placement=placement,
                school_year=class_form.cleaned_data["school_year"],
                name=class_form.cleaned_data["name"],
                subject=class_form.cleaned_data["subject"],
                pupil_codes=class_form.pupil_codes(),
            )
            done = _("Class saved.")
        elif action == "leave" and leave_form.is_valid():
            try:
                school_years.placement_leave_early(actor=request.user, placement=placement, **leave_form.cleaned_data)
                done = _("Early leaving recorded.")
            except ValidationError as error:
                leave_form.add_error(None, error)
        elif action == "graduate":
            school_years.fellow_graduate(
                actor=request.user, fellow=placement.fellow, graduated_on=datetime.date.today()
            )
            done = _("The fellow graduated and is now an alumnus.")
        if done:
            messages.success(request, done)
            return redirect("fellowship:placement-detail", placement_id=placement.pk)
    return render_placement(
        request, placement, manager, may_check_in, may_record, check_in_form, class_form, leave_form
    )


def render_placement(
    request: AuthedHttpRequest,
    placement: Placement,
    manager: bool,
    may_check_in: bool,
    may_record: bool,
    check_in_form: CheckInForm,
    class_form: TaughtClassForm,
    leave_form: LeaveForm,
) -> HttpResponse:
    classes = placement.classes.annotate(pupil_count=Count("pupils")).order_by("school_year", "name")
    return render(
        request,
        "fellowship/placement_detail.html",
        {
            "placement": placement,
            "check_ins": placement.check_ins.select_related("author"),
            "classes": classes,
            "reach": selectors.reach(Placement.objects.filter(pk=placement.pk)),
            "manager": manager,
            "may_check_in": may_check_in,
            "may_record": may_record,
            "check_in_form": check_in_form,
            "class_form": class_form,
            "leave_form": leave_form,
        },
    )


@login_not_required
def alumni_survey(request: HttpRequest, token: str) -> HttpResponse:
    """The yearly survey under the alumnus's own link: their current pathway."""
    fellow = school_years.alumnus_for_token(token)
    if fellow is None:
        raise Http404
    form = PathwayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        region = form.cleaned_data["region"]
        school_years.pathway_record(
            actor=None,
            fellow=fellow,
            pathway=form.cleaned_data["pathway"],
            organisation=form.cleaned_data["organisation"],
            region_id=region.pk if region else None,
            in_rural_school=form.cleaned_data["in_rural_school"],
        )
        messages.success(request, _("Thank you: your answer is saved."))
        return redirect("fellowship:alumni-survey", token=token)
    current = fellow.pathways.order_by("-reported_on", "-id").first()
    return render(request, "fellowship/alumni_survey.html", {"fellow": fellow, "form": form, "current": current})


@require_POST
def alumni_survey_send(request: AuthedHttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort_for_manager(request, cohort_id)
    sent = school_years.alumni_survey_send(actor=request.user, cohort=cohort, base_url=_base_url(request))
    messages.success(
        request,
        ngettext("The survey link went to %(count)s alumnus.", "The survey link went to %(count)s alumni.", sent)
        % {"count": sent},
    )
    return redirect("fellowship:cohort-detail", cohort_id=cohort.pk)
