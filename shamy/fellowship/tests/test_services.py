"""Fellowship services: recruitment, placement from the database, reach, school years, alumni."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from shamy.audit.models import AuditEntry
from shamy.core.files import UploadRejected
from shamy.fellowship.models import (
    Application,
    Fellow,
    Pathway,
    Placement,
    PlacementRule,
    PlacementStatus,
    Stage,
)
from shamy.fellowship.selectors import alumni_figures, funnel, placement_input, reach, school_need_scores
from shamy.fellowship.services.placement import placement_apply, placement_rule_set, placement_solve
from shamy.fellowship.services.recruitment import (
    application_for_token,
    application_save,
    application_start,
    application_submit,
    applications_move,
    review_assign,
    review_submit,
)
from shamy.fellowship.services.school_years import (
    check_in_record,
    fellow_graduate,
    pathway_record,
    placement_leave_early,
    taught_class_record,
)
from shamy.programmes.models import CohortSchool

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "cv.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# --- recruitment ---------------------------------------------------------------------------------


def test_an_applicant_starts_saves_uploads_and_submits_under_the_magic_link(
    fellowship_cast, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    with django_capture_on_commit_callbacks(execute=True):
        application, token = application_start(
            cohort=fellowship_cast.cohort, email="new@example.kz", language="kk", base_url="http://testserver"
        )
    assert len(mail.outbox) == 1
    assert token in mail.outbox[0].body
    assert application_for_token(token) == application
    assert application.stage == Stage.DRAFT
    with pytest.raises(ValidationError, match="missing"):
        application_submit(application=application)
    application_save(
        application=application,
        data={
            "full_name": "Жанар Әлиева",
            "university": "ЕҰУ",
            "subjects": ["english"],
            "languages": ["kk"],
            "motivation": "…",
        },
        accepted_region_ids=[fellowship_cast.region_a.pk],
        cv=pdf(),
    )
    application = application_submit(application=application)
    assert application.stage == Stage.APPLIED
    assert application.cv.name.endswith(".pdf")
    assert AuditEntry.objects.filter(action="fellowship.application.submitted").count() == 1
    with pytest.raises(ValidationError):
        application_save(application=application, data={"full_name": "changed"})


def test_an_upload_is_checked_by_content_not_by_name(fellowship_cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    application, _token = application_start(
        cohort=fellowship_cast.cohort, email="x@example.kz", language="ru", base_url="http://testserver"
    )
    fake = SimpleUploadedFile("cv.pdf", b"MZ\x90\x00 this is an executable", content_type="application/pdf")
    with pytest.raises(UploadRejected):
        application_save(application=application, data={}, cv=fake)


def test_a_closed_cohort_takes_no_application(fellowship_cast):
    fellowship_cast.cohort.applications_open = False
    fellowship_cast.cohort.save()
    with pytest.raises(ValidationError):
        application_start(cohort=fellowship_cast.cohort, email="x@example.kz", language="kk", base_url="")


def test_bulk_move_mails_each_applicant_in_their_language(fellowship_cast, django_capture_on_commit_callbacks):
    c = fellowship_cast
    with django_capture_on_commit_callbacks(execute=True):
        moved = applications_move(
            actor=c.gulnara,
            cohort=c.cohort,
            applications=[c.application, c.other_application],
            to_stage=Stage.OFFER,
            base_url="http://testserver",
        )
    assert {a.stage for a in moved} == {Stage.OFFER}
    by_address = {m.to[0]: m for m in mail.outbox}
    assert "Ұсыныс" in by_address["applicant@example.kz"].body  # Kazakh: offer
    assert "Предложение" in by_address["other@example.kz"].body  # Russian
    rows = {row.stage: row for row in funnel(c.cohort)}
    assert rows[Stage.OFFER].now == 2
    assert rows[Stage.SCREENED].reached == 2  # skipped stages count as passed
    assert rows[Stage.ASSESSMENT].conversion == 1.0


def test_only_the_coordinator_moves_applications(fellowship_cast):
    c = fellowship_cast
    for actor in (c.asel, c.dias, c.aigerim.__class__.objects.get(email="dana@example.kz")):
        with pytest.raises(PermissionDenied):
            applications_move(
                actor=actor, cohort=c.cohort, applications=[c.application], to_stage=Stage.SCREENED, base_url=""
            )
    assert Application.objects.get(pk=c.application.pk).stage == Stage.APPLIED


def test_a_draft_cannot_be_moved_and_nothing_moves(fellowship_cast):
    c = fellowship_cast
    draft, _token = application_start(cohort=c.cohort, email="d@example.kz", language="kk", base_url="")
    with pytest.raises(ValidationError):
        applications_move(
            actor=c.gulnara, cohort=c.cohort, applications=[c.application, draft], to_stage=Stage.SCREENED, base_url=""
        )
    assert Application.objects.get(pk=c.application.pk).stage == Stage.APPLIED


def test_reviews_two_per_application_and_only_the_assigned_reviewer_scores(fellowship_cast):
    c = fellowship_cast
    review = c.application.reviews.get()
    scores = {"motivation": 5, "subject": 4, "leadership": 3, "resilience": 4, "communication": 5}
    with pytest.raises(PermissionDenied):
        review_submit(actor=c.gulnara, review=review, scores=scores)
    review = review_submit(actor=c.asel, review=review, scores=scores, comment="Жақсы")
    assert review.total == 21
    review_assign(actor=c.gulnara, application=c.application, reviewer=c.marat)
    with pytest.raises(ValidationError):
        review_assign(actor=c.gulnara, application=c.application, reviewer=c.olzhas)
    with pytest.raises(ValidationError):
        review_submit(actor=c.asel, review=review, scores={**scores, "subject": 9})


# --- placement -------------------------------------------------------------------------------------


def test_need_scores_come_from_the_analytics_ranking(fellowship_cast):
    c = fellowship_cast
    scores = school_need_scores([c.school_a1, c.school_a2, c.school_b1])
    assert set(scores) == {c.school_a1.pk, c.school_a2.pk, c.school_b1.pk}
    assert all(0 <= value <= 100 for value in scores.values())


def test_placement_solves_explains_and_applies(fellowship_cast):
    c = fellowship_cast
    data = placement_input(c.cohort)
    assert [f["id"] for f in data["fellows"]] == [str(c.fellow_other.pk)]  # dias is already placed
    assert [v["id"] for v in data["vacancies"]] == [str(c.vacancy_b1.pk)]
    run = placement_solve(actor=c.gulnara, cohort=c.cohort)
    assert run.result.infeasible is None
    assert [(m.fellow, m.vacancy) for m in run.matches] == [(c.fellow_other, c.vacancy_b1)]
    assert any("need score" in reason for reason in run.matches[0].reasons)
    with pytest.raises(PermissionDenied):
        placement_solve(actor=c.dias, cohort=c.cohort)
    placements = placement_apply(actor=c.gulnara, cohort=c.cohort, starts_on=datetime.date(2025, 9, 1))
    assert [p.school for p in placements] == [c.school_b1]
    assert placements[0].ends_on == datetime.date(2027, 9, 1)
    assert CohortSchool.objects.filter(cohort=c.cohort.cohort, school=c.school_b1).exists()
    assert AuditEntry.objects.filter(action="fellowship.placement.created").count() == 1


def test_an_infeasible_lock_names_the_constraint(fellowship_cast):
    c = fellowship_cast
    # A mathematics vacancy in Kazakh for a physics teacher who speaks Russian.
    c.placement.delete()
    placement_rule_set(
        actor=c.gulnara, cohort=c.cohort, fellow=c.fellow_other, vacancy=c.vacancy_a1, kind=PlacementRule.Kind.LOCK
    )
    run = placement_solve(actor=c.gulnara, cohort=c.cohort)
    assert run.result.infeasible == (
        "Locked pair (Айдана Төлеген, Ақсу ауылының мектебі · Mathematics · In Kazakh) cannot be met: "
        "subject qualification: fellow Айдана Төлеген is not qualified to teach Mathematics."
    )
    with pytest.raises(ValidationError):
        placement_apply(actor=c.gulnara, cohort=c.cohort, starts_on=datetime.date(2025, 9, 1))


def test_a_lock_shows_what_it_costs(fellowship_cast):
    c = fellowship_cast
    c.placement.delete()
    c.fellow_dias.languages = ["kk", "ru"]
    c.fellow_dias.subjects = ["mathematics", "physics"]
    c.fellow_dias.save()
    c.fellow_dias.accepted_regions.add(c.region_b)
    placement_rule_set(
        actor=c.gulnara, cohort=c.cohort, fellow=c.fellow_dias, vacancy=c.vacancy_b1, kind=PlacementRule.Kind.LOCK
    )
    run = placement_solve(actor=c.gulnara, cohort=c.cohort)
    assert run.result.infeasible is None
    assert (c.fellow_dias, c.vacancy_b1) in [(m.fellow, m.vacancy) for m in run.matches]
    assert run.unlocked_placed == 2 and run.result.placed == 1  # the lock cost a placement
    assert [f for f, _reason in run.unplaced] == [c.fellow_other]


# --- reach ------------------------------------------------------------------------------------------


def test_a_child_is_counted_once_and_a_school_once(fellowship_cast):
    c = fellowship_cast
    second = Fellow.objects.create(cohort=c.cohort, full_name="Екінші", subjects=["english"], languages=["kk"])
    other = Placement.objects.create(
        fellow=second,
        school=c.school_a1,
        subject="english",
        starts_on=datetime.date(2024, 9, 1),
        ends_on=datetime.date(2026, 6, 30),
    )
    taught_class_record(
        actor=c.dias,
        placement=c.placement,
        school_year=2024,
        name="7 Ә",
        subject="mathematics",
        pupil_codes=["1", "2", "3"],
    )
    taught_class_record(
        actor=c.dias, placement=c.placement, school_year=2024, name="8 Б", subject="mathematics", pupil_codes=["3", "4"]
    )
    taught_class_record(
        actor=c.gulnara, placement=other, school_year=2024, name="7 Ә", subject="english", pupil_codes=["1", "2", "5 "]
    )
    figures = reach(Placement.objects.all())
    assert figures.direct == 5  # pupils 1..5, whichever fellows teach them
    assert figures.schools == 1
    assert figures.indirect == c.school_a1.pupils  # one school, counted once
    assert figures.fellows_placed == 2
    with pytest.raises(PermissionDenied):
        taught_class_record(
            actor=c.bolat, placement=c.placement, school_year=2024, name="9", subject="mathematics", pupil_codes=[]
        )


def test_check_ins_by_fellow_mentor_and_principal(fellowship_cast):
    c = fellowship_cast
    roles = [
        check_in_record(actor=user, placement=c.placement, year=1, kind="mid_term", progress=4).author_role
        for user in (c.dias, c.marat, c.bolat)
    ]
    assert roles == ["fellow", "mentor", "principal"]
    with pytest.raises(PermissionDenied):
        check_in_record(actor=c.saule, placement=c.placement, year=1, kind="mid_term", progress=3)


def test_early_leaving_needs_a_reason_and_counts_as_not_retained(fellowship_cast):
    c = fellowship_cast
    placement_leave_early(actor=c.gulnara, placement=c.placement, left_on=datetime.date(2025, 2, 1), reason="health")
    assert Placement.objects.get(pk=c.placement.pk).status == PlacementStatus.LEFT_EARLY
    figures = reach(Placement.objects.all())
    assert figures.fellows_placed == 1 and figures.fellows_retained == 0
    with pytest.raises(ValidationError):
        placement_leave_early(
            actor=c.gulnara, placement=c.placement, left_on=datetime.date(2025, 2, 1), reason="health"
        )


def test_alumni_figures(fellowship_cast):
    c = fellowship_cast
    fellow_graduate(actor=c.gulnara, fellow=c.fellow_dias, graduated_on=datetime.date(2026, 6, 21))
    with pytest.raises(ValidationError):
        pathway_record(actor=c.gulnara, fellow=c.fellow_other, pathway=Pathway.TEACHING)
    pathway_record(actor=None, fellow=c.fellow_dias, pathway=Pathway.POLICY, reported_on=datetime.date(2026, 9, 1))
    pathway_record(
        actor=None,
        fellow=c.fellow_dias,
        pathway=Pathway.TEACHING,
        in_rural_school=True,
        reported_on=datetime.date(2027, 9, 1),
    )
    figures = alumni_figures(c.cohort)
    assert figures.alumni == 1
    assert figures.by_pathway == {"teaching": 1}  # the latest answer is the current one
    assert figures.in_education == 1 and figures.in_rural_schools == 1
    assert Placement.objects.get(pk=c.placement.pk).status == PlacementStatus.COMPLETED


def test_unused_import_guard() -> None:
    assert io.BytesIO(PDF).read(4) == b"%PDF"


def test_an_accepted_applicant_becomes_a_fellow_waiting_for_placement(fellowship_cast):
    c = fellowship_cast
    applications_move(
        actor=c.gulnara, cohort=c.cohort, applications=[c.application], to_stage=Stage.ACCEPTED, base_url=""
    )
    fellow = Fellow.objects.get(application=c.application)
    assert fellow.subjects == ["physics"] and fellow.languages == ["ru", "kk"]
    assert list(fellow.accepted_regions.all()) == [c.region_b]
    assert str(fellow.pk) in [f["id"] for f in placement_input(c.cohort)["fellows"]]
    applications_move(
        actor=c.gulnara, cohort=c.cohort, applications=[c.application], to_stage=Stage.TRAINING, base_url=""
    )
    applications_move(
        actor=c.gulnara, cohort=c.cohort, applications=[c.application], to_stage=Stage.ACCEPTED, base_url=""
    )
    assert Fellow.objects.filter(application=c.application).count() == 1


def test_a_vacancy_needs_a_signed_agreement_in_the_schools_region(fellowship_cast):
    from shamy.fellowship.models import Agreement, AgreementStatus
    from shamy.fellowship.services.school_years import vacancy_post

    c = fellowship_cast
    data = {
        "programme_id": c.programme.pk,
        "school": c.school_b1,
        "subject": "biology",
        "grades": "5–9",
        "language": "kk",
        "starts_on": datetime.date(2027, 9, 1),
        "housing": False,
    }
    vacancy = vacancy_post(actor=c.saule, **data)
    assert vacancy.posted_by == c.saule
    Agreement.objects.filter(region=c.region_b).update(status=AgreementStatus.PROSPECTIVE, signed_on=None)
    with pytest.raises(ValidationError, match="no signed partnership agreement"):
        vacancy_post(actor=c.saule, **data)
    with pytest.raises(PermissionDenied):
        vacancy_post(actor=c.bolat, **data)  # not bolat's school
