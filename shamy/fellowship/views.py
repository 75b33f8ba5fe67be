"""Fellowship pages: the public application and alumni survey (no sign-in, private links), the
pipeline, reviews, placement runs, placements and the cohort dashboard. Thin: objects arrive
checked (``@checked``), reads are selectors, writes are services."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shamy.access.http import AuthedHttpRequest
from shamy.core.files import UploadRejected, file_response
from shamy.core.rules import allowed, checked, requires
from shamy.fellowship import selectors
from shamy.fellowship.forms import (
    AgreementForm,
    ApplicationCorrectionForm,
    ApplicationForm,
    ApplicationStartForm,
    ApplyForm,
    AssignReviewerForm,
    CheckInForm,
    FellowshipCohortForm,
    LeaveForm,
    MoveForm,
    PathwayForm,
    PlacementPeopleForm,
    ReviewForm,
    RuleForm,
    TaughtClassForm,
    TrainingForm,
    VacancyEditForm,
    VacancyForm,
    VisitForm,
)
from shamy.fellowship.models import (
    PIPELINE,
    RUBRIC,
    Application,
    FellowshipCohort,
    Pathway,
    Placement,
    PlacementRule,
    Stage,
    Vacancy,
)
from shamy.fellowship.permissions import may_create_cohort, may_open_fellowship, may_post_vacancies
from shamy.fellowship.services import editing, recruitment, school_years, support
from shamy.fellowship.services import placement as placement_services
from shamy.programmes.selectors import country_regions

# Spam resistance without third parties: a honeypot field, and at most this many new
# applications from one address per hour.
STARTS_PER_HOUR = 10


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _rate_limited(request: HttpRequest) -> bool:
    key = f"fellowship:apply-start:{request.META.get('REMOTE_ADDR', '')}"
    count = cache.get(key, 0)
    if count >= STARTS_PER_HOUR:
        return True
    cache.set(key, count + 1, 3600)
    return False


def _application_or_404(token: str) -> Application:
    application = recruitment.application_for_token(token)
    if application is None:
        raise Http404
    return application


# --- public: the application ----------------------------------------------------------------------


@login_not_required
def apply_start(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = selectors.open_cohort_or_404(cohort_id)
    form = ApplicationStartForm(request.POST or None)
    context = {"cohort": cohort, "form": form}
    if request.method == "POST" and _rate_limited(request):
        return render(request, "fellowship/apply_start.html", {**context, "limited": True}, status=429)
    if request.method == "POST" and form.is_valid():
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
            messages.success(request, _("Your application is saved as a draft. We have sent its link to your e-mail."))
            return redirect("fellowship:apply-edit", token=token)
    return render(request, "fellowship/apply_start.html", context)


def _save_draft(form: ApplicationForm, application: Application, *, submit: bool) -> str:
    """Save the form (and submit it if asked); the message to show, or "" with the form's errors."""
    try:
        recruitment.application_save(
            application=application,
            data=form.applicant_data(),
            accepted_region_ids=[r.pk for r in form.cleaned_data["accepted_regions"]],
            cv=form.cleaned_data.get("cv"),
            diploma=form.cleaned_data.get("diploma"),
        )
        if submit:
            recruitment.application_submit(application=application)
            return _("Your application is submitted. This page shows where it stands.")
        return _("Draft saved.")
    except UploadRejected as error:
        form.add_error(None, str(error))
    except ValidationError as error:
        form.add_error(None, error)
    return ""


@login_not_required
def apply_edit(request: HttpRequest, token: str) -> HttpResponse:
    """The applicant's own page under the private link: the draft form, then the status."""
    application = _application_or_404(token)
    if application.stage != Stage.DRAFT:
        context = {"application": application, "changes": application.stage_changes.order_by("at"), "token": token}
        return render(request, "fellowship/apply_status.html", {**context, "pipeline": PIPELINE})
    regions = selectors.signed_regions(application.cohort.cohort.programme_id)
    form = ApplicationForm(request.POST or None, request.FILES or None, instance=application, regions=regions)
    if request.method == "POST" and form.is_valid():
        done = _save_draft(form, application, submit="submit" in request.POST)
        if done:
            messages.success(request, done)
            return redirect("fellowship:apply-edit", token=token)
    missing = recruitment.missing_to_submit(application)
    context = {"application": application, "form": form, "token": token, "missing": missing}
    return render(request, "fellowship/apply_edit.html", context)


@login_not_required
@require_POST
def apply_withdraw(request: HttpRequest, token: str) -> HttpResponse:
    recruitment.application_withdraw(application=_application_or_404(token))
    messages.success(request, _("Your application is withdrawn."))
    return redirect("fellowship:apply-edit", token=token)


# --- coordinators, reviewers, fellows -------------------------------------------------------------


@requires(may_open_fellowship)
def cohort_list(request: AuthedHttpRequest) -> HttpResponse:
    context = {"home": selectors.fellowship_home(request.access), "can_create": may_create_cohort(request.access)}
    return render(request, "fellowship/cohort_list.html", context)


@requires(may_create_cohort)
def cohort_create(request: AuthedHttpRequest) -> HttpResponse:
    form = FellowshipCohortForm(request.POST or None, programmes=selectors.programmes_coordinated(request.access))
    if request.method == "POST" and form.is_valid():
        try:
            cohort = editing.fellowship_cohort_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Cohort created."))
            return redirect("fellowship:cohort-detail", cohort_id=cohort.pk)
    return render(request, "fellowship/cohort_form.html", {"form": form, "cohort": None})


@checked(FellowshipCohort, "manage", kwarg="cohort_id", shape=selectors.with_cohort, name="cohort")
def cohort_edit(request: AuthedHttpRequest, cohort: FellowshipCohort) -> HttpResponse:
    form = FellowshipCohortForm(request.POST or None, initial=selectors.cohort_initial(cohort))
    if request.method == "POST" and form.is_valid():
        try:
            editing.fellowship_cohort_update(actor=request.user, fellowship=cohort, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Cohort saved."))
            return redirect("fellowship:cohort-detail", cohort_id=cohort.pk)
    return render(request, "fellowship/cohort_form.html", {"form": form, "cohort": cohort})


@checked(Vacancy, "edit", kwarg="vacancy_id", shape=lambda rows: rows.select_related("school", "programme"))
def vacancy_edit(request: AuthedHttpRequest, vacancy: Vacancy) -> HttpResponse:
    initial = {name: getattr(vacancy, name) for name in editing.VACANCY_FIELDS}
    form = VacancyEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            editing.vacancy_update(actor=request.user, vacancy=vacancy, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Vacancy saved."))
            return redirect("fellowship:vacancy-list")
    return render(request, "fellowship/vacancy_form.html", {"form": form, "vacancy": vacancy})


@checked(FellowshipCohort, "read", kwarg="cohort_id", shape=selectors.with_cohort, name="cohort")
def cohort_detail(request: AuthedHttpRequest, cohort: FellowshipCohort) -> HttpResponse:
    return _cohort_page(request, cohort)


def _cohort_page(
    request: AuthedHttpRequest, cohort: FellowshipCohort, training_form: TrainingForm | None = None
) -> HttpResponse:
    total, regions = selectors.cohort_dashboard(cohort)
    alumni = selectors.alumni_figures(cohort)
    can_manage = allowed(request.access, cohort, "manage")
    context = {
        "cohort": cohort,
        "total": total,
        "regions": regions,
        "alumni": alumni,
        "pathways": [(label, alumni.by_pathway.get(value, 0)) for value, label in Pathway.choices],
        "can_manage": can_manage,
        "expansion": selectors.expansion(cohort.cohort.programme_id),
        "funnel": selectors.funnel(cohort) if can_manage else None,
        "agreement_form": AgreementForm(regions=country_regions(programme=cohort.cohort.programme))
        if can_manage
        else None,
        "support": selectors.cohort_support(cohort),
        "training_form": (training_form or TrainingForm()) if can_manage else None,
    }
    return render(request, "fellowship/cohort_detail.html", context)


@require_POST
@checked(FellowshipCohort, "manage", kwarg="cohort_id", shape=selectors.with_cohort, name="cohort")
def training_schedule(request: AuthedHttpRequest, cohort: FellowshipCohort) -> HttpResponse:
    form = TrainingForm(request.POST)
    if form.is_valid():
        try:
            gathering = support.training_schedule(actor=request.user, cohort=cohort, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Training scheduled: mark attendance on its page."))
            return redirect("attendance:gathering-detail", gathering_id=gathering.pk)
    return _cohort_page(request, cohort, training_form=form)


@require_POST
@checked(FellowshipCohort, "manage", kwarg="cohort_id", shape=selectors.with_cohort, name="cohort")
def agreement_save(request: AuthedHttpRequest, cohort: FellowshipCohort) -> HttpResponse:
    form = AgreementForm(request.POST, regions=country_regions(programme=cohort.cohort.programme))
    if form.is_valid():
        try:
            school_years.agreement_save(actor=request.user, cohort=cohort, **form.cleaned_data)
            messages.success(request, _("Agreement saved."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Check the agreement's fields."))
    return redirect("fellowship:cohort-detail", cohort_id=cohort.pk)


@checked(FellowshipCohort, "manage", kwarg="cohort_id", shape=selectors.with_cohort, name="cohort")
def application_list(request: AuthedHttpRequest, cohort: FellowshipCohort) -> HttpResponse:
    stage = request.GET.get("stage", "")
    applications = selectors.pipeline(request.access, cohort, stage)
    form = MoveForm(request.POST or None, queryset=applications)
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["applications"])
        try:
            moved = recruitment.applications_move(
                actor=request.user,
                cohort=cohort,
                applications=chosen,
                to_stage=form.cleaned_data["to_stage"],
                base_url=_base_url(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            count = len(moved)
            text = ngettext(
                "%(count)s application moved; the applicant was e-mailed.",
                "%(count)s applications moved; each applicant was e-mailed.",
                count,
            )
            messages.success(request, text % {"count": count})
            return redirect(request.get_full_path())
    context = {"cohort": cohort, "applications": applications, "form": form, "stage": stage}
    return render(request, "fellowship/application_list.html", {**context, "stages": selectors.stage_counts(cohort)})


@checked(Application, kwarg="application_id", shape=selectors.with_application_cohort)
def application_detail(request: AuthedHttpRequest, application: Application) -> HttpResponse:
    reviews, mine = selectors.application_reviews(request.access, application)
    form = ReviewForm(initial={f"score_{key}": value for key, value in (mine.scores if mine else {}).items()})
    context = {
        "application": application,
        "reviews": reviews,
        "mine": mine,
        "form": form,
        "manager": allowed(request.access, application.cohort, "manage"),
        "rubric": RUBRIC,
        "regions": application.accepted_regions.all(),
        "assign_form": AssignReviewerForm(),
    }
    return render(request, "fellowship/application_detail.html", context)


@checked(Application, "assign", kwarg="application_id", shape=selectors.with_application_cohort)
def application_edit(request: AuthedHttpRequest, application: Application) -> HttpResponse:
    regions = selectors.signed_regions(application.cohort.cohort.programme_id)
    form = ApplicationCorrectionForm(request.POST or None, instance=application, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            recruitment.application_correct(
                actor=request.user,
                application=application,
                data=form.applicant_data(),
                accepted_region_ids=[r.pk for r in form.cleaned_data["accepted_regions"]],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Application corrected."))
            return redirect("fellowship:application-detail", application_id=application.pk)
    return render(request, "fellowship/application_form.html", {"form": form, "application": application})


@require_POST
@checked(Application, "review", kwarg="application_id", shape=selectors.with_application_cohort)
def application_score(request: AuthedHttpRequest, application: Application) -> HttpResponse:
    _reviews, mine = selectors.application_reviews(request.access, application)
    form = ReviewForm(request.POST)
    if mine is not None and form.is_valid():
        recruitment.review_submit(
            actor=request.user, review=mine, scores=form.scores(), comment=form.cleaned_data["comment"]
        )
        messages.success(request, _("Your scores are saved."))
    else:
        messages.error(request, _("Score every criterion of the rubric."))
    return redirect("fellowship:application-detail", application_id=application.pk)


@require_POST
@checked(Application, "assign", kwarg="application_id", shape=selectors.with_application_cohort)
def review_assign(request: AuthedHttpRequest, application: Application) -> HttpResponse:
    form = AssignReviewerForm(request.POST)
    reviewer = selectors.user_by_email(form.cleaned_data["email"]) if form.is_valid() else None
    if reviewer is None:
        messages.error(request, _("No account has this e-mail."))
    else:
        try:
            recruitment.review_assign(actor=request.user, application=application, reviewer=reviewer)
            messages.success(request, _("Reviewer assigned."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("fellowship:application-detail", application_id=application.pk)


@checked(Application, kwarg="application_id")
def application_file(request: AuthedHttpRequest, application: Application, kind: str) -> FileResponse:
    if kind not in ("cv", "diploma"):
        raise Http404
    field_file = getattr(application, kind)
    name = str(field_file.name or "")
    content_type = "application/pdf" if name.endswith(".pdf") else "application/octet-stream"
    return file_response(
        application, field_file, content_type=content_type, filename=f"{kind}{name[name.rfind('.') :]}"
    )


# --- placement --------------------------------------------------------------------------------------


@checked(FellowshipCohort, "manage", kwarg="cohort_id", shape=selectors.with_cohort, name="cohort")
def placement_run(request: AuthedHttpRequest, cohort: FellowshipCohort) -> HttpResponse:
    """Solve and explain; the coordinator locks or forbids pairs (placement_rule) and applies."""
    apply_form = ApplyForm(request.POST or None, initial={"starts_on": datetime.date(datetime.date.today().year, 9, 1)})
    if request.method == "POST" and apply_form.is_valid():
        try:
            placed = placement_services.placement_apply(
                actor=request.user, cohort=cohort, starts_on=apply_form.cleaned_data["starts_on"]
            )
        except ValidationError as error:
            apply_form.add_error(None, error)
        else:
            count = len(placed)
            messages.success(
                request, ngettext("%(count)s fellow placed.", "%(count)s fellows placed.", count) % {"count": count}
            )
            return redirect("fellowship:cohort-detail", cohort_id=cohort.pk)
    run = placement_services.placement_solve(actor=request.user, cohort=cohort)
    context = {"cohort": cohort, "run": run, "rules": selectors.placement_rules(cohort), "apply_form": apply_form}
    return render(request, "fellowship/placement.html", context)


@require_POST
@checked(FellowshipCohort, "manage", kwarg="cohort_id", shape=selectors.with_cohort, name="cohort")
def placement_rule(request: AuthedHttpRequest, cohort: FellowshipCohort) -> HttpResponse:
    form = RuleForm(request.POST)
    if form.is_valid():
        fellow, vacancy = selectors.fellow_and_vacancy_or_404(
            cohort, form.cleaned_data["fellow"], form.cleaned_data["vacancy"]
        )
        placement_services.placement_rule_set(
            actor=request.user, cohort=cohort, fellow=fellow, vacancy=vacancy, kind=form.cleaned_data["kind"]
        )
        messages.success(request, _("Saved. The placement below is solved again with it."))
    return redirect("fellowship:placement", cohort_id=cohort.pk)


@require_POST
@checked(PlacementRule, kwarg="rule_id", shape=lambda rows: rows.select_related("cohort__cohort"), name="rule")
def rule_delete(request: AuthedHttpRequest, rule: PlacementRule, cohort_id: int) -> HttpResponse:
    placement_services.placement_rule_remove(actor=request.user, rule=rule)
    return redirect("fellowship:placement", cohort_id=rule.cohort_id)


# --- two years in the school --------------------------------------------------------------------------


def _placement_page(request: AuthedHttpRequest, placement: Placement, **forms: object) -> HttpResponse:
    context = {
        "placement": placement,
        **selectors.placement_page(placement),
        "manager": allowed(request.access, placement, "manage"),
        "may_check_in": allowed(request.access, placement, "check-in"),
        "may_record": allowed(request.access, placement, "record-classes"),
        "check_in_form": forms.get("check_in_form") or CheckInForm(),
        "class_form": forms.get("class_form") or TaughtClassForm(),
        "leave_form": forms.get("leave_form") or LeaveForm(),
        "people_form": PlacementPeopleForm(),
        "support": selectors.placement_support(placement),
        "may_visit": allowed(request.access, placement, "record-visit"),
        "visit_form": forms.get("visit_form") or VisitForm(),
    }
    return render(request, "fellowship/placement_detail.html", context)


@checked(Placement, kwarg="placement_id", shape=selectors.with_placement_people)
def placement_detail(request: AuthedHttpRequest, placement: Placement) -> HttpResponse:
    return _placement_page(request, placement)


@require_POST
@checked(Placement, "check-in", kwarg="placement_id", shape=selectors.with_placement_people)
def placement_check_in(request: AuthedHttpRequest, placement: Placement) -> HttpResponse:
    form = CheckInForm(request.POST)
    if not form.is_valid():
        return _placement_page(request, placement, check_in_form=form)
    school_years.check_in_record(actor=request.user, placement=placement, **form.cleaned_data)
    messages.success(request, _("Check-in saved."))
    return redirect("fellowship:placement-detail", placement_id=placement.pk)


@require_POST
@checked(Placement, "record-visit", kwarg="placement_id", shape=selectors.with_placement_people)
def placement_visit(request: AuthedHttpRequest, placement: Placement) -> HttpResponse:
    form = VisitForm(request.POST)
    if form.is_valid():
        try:
            support.mentor_visit_record(actor=request.user, placement=placement, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Visit recorded."))
            return redirect("fellowship:placement-detail", placement_id=placement.pk)
    return _placement_page(request, placement, visit_form=form)


@require_POST
@checked(Placement, "record-classes", kwarg="placement_id", shape=selectors.with_placement_people)
def placement_class(request: AuthedHttpRequest, placement: Placement) -> HttpResponse:
    form = TaughtClassForm(request.POST)
    if not form.is_valid():
        return _placement_page(request, placement, class_form=form)
    data = form.cleaned_data
    school_years.taught_class_record(
        actor=request.user,
        placement=placement,
        school_year=data["school_year"],
        name=data["name"],
        subject=data["subject"],
        pupil_codes=form.pupil_codes(),
    )
    messages.success(request, _("Class saved."))
    return redirect("fellowship:placement-detail", placement_id=placement.pk)


@require_POST
@checked(Placement, "manage", kwarg="placement_id", shape=selectors.with_placement_people)
def placement_leave(request: AuthedHttpRequest, placement: Placement) -> HttpResponse:
    form = LeaveForm(request.POST)
    if form.is_valid():
        try:
            school_years.placement_leave_early(actor=request.user, placement=placement, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Early leaving recorded."))
            return redirect("fellowship:placement-detail", placement_id=placement.pk)
    return _placement_page(request, placement, leave_form=form)


@require_POST
@checked(Placement, "manage", kwarg="placement_id", shape=selectors.with_placement_people)
def placement_people(request: AuthedHttpRequest, placement: Placement) -> HttpResponse:
    form = PlacementPeopleForm(request.POST)
    if form.is_valid():
        emails = [form.cleaned_data["fellow_email"], form.cleaned_data["mentor_email"]]
        fellow_user, mentor = (selectors.user_by_email(email) if email else None for email in emails)
        if any(email and user is None for email, user in zip(emails, (fellow_user, mentor), strict=True)):
            messages.error(request, _("No account has this e-mail."))
        else:
            school_years.placement_people_set(
                actor=request.user, placement=placement, fellow_user=fellow_user, mentor=mentor
            )
            messages.success(request, _("Saved."))
    return redirect("fellowship:placement-detail", placement_id=placement.pk)


@require_POST
@checked(Placement, "manage", kwarg="placement_id", shape=selectors.with_placement_people)
def placement_graduate(request: AuthedHttpRequest, placement: Placement) -> HttpResponse:
    school_years.fellow_graduate(actor=request.user, fellow=placement.fellow, graduated_on=datetime.date.today())
    messages.success(request, _("The fellow graduated and is now an alumnus."))
    return redirect("fellowship:placement-detail", placement_id=placement.pk)


# --- alumni ---------------------------------------------------------------------------------------------


@login_not_required
def alumni_survey(request: HttpRequest, token: str) -> HttpResponse:
    """The yearly survey under the alumnus's own link: their current pathway."""
    fellow = school_years.alumnus_for_token(token)
    if fellow is None:
        raise Http404
    form = PathwayForm(request.POST or None, regions=country_regions(programme=fellow.cohort.cohort.programme))
    if request.method == "POST" and form.is_valid():
        data, region = form.cleaned_data, form.cleaned_data["region"]
        school_years.pathway_record(
            actor=None,
            fellow=fellow,
            pathway=data["pathway"],
            organisation=data["organisation"],
            region_id=region.pk if region else None,
            in_rural_school=data["in_rural_school"],
        )
        messages.success(request, _("Thank you: your answer is saved."))
        return redirect("fellowship:alumni-survey", token=token)
    context = {"fellow": fellow, "form": form, "current": selectors.current_pathway(fellow)}
    return render(request, "fellowship/alumni_survey.html", context)


@require_POST
@checked(FellowshipCohort, "manage", kwarg="cohort_id", shape=selectors.with_cohort, name="cohort")
def alumni_survey_send(request: AuthedHttpRequest, cohort: FellowshipCohort) -> HttpResponse:
    sent = school_years.alumni_survey_send(actor=request.user, cohort=cohort, base_url=_base_url(request))
    text = ngettext("The survey link went to %(count)s alumnus.", "The survey link went to %(count)s alumni.", sent)
    messages.success(request, text % {"count": sent})
    return redirect("fellowship:cohort-detail", cohort_id=cohort.pk)


@requires(may_post_vacancies)
def vacancy_list(request: AuthedHttpRequest) -> HttpResponse:
    """A school or regional department posts vacancies for fellows and sees who took them."""
    schools, programmes = selectors.vacancy_choices(request.access)
    form = VacancyForm(request.POST or None, schools=schools, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "programme_id": form.cleaned_data["programme"].pk}
        del data["programme"]
        try:
            school_years.vacancy_post(actor=request.user, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Vacancy posted."))
            return redirect("fellowship:vacancy-list")
    context = {"form": form, "vacancies": selectors.vacancies_posted(request.access), "can_post": schools.exists()}
    return render(request, "fellowship/vacancy_list.html", context)
