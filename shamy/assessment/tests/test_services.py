from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shamy.assessment import rules
from shamy.assessment.models import Submission, SubmissionStatus
from shamy.assessment.services.assessments import AssessmentConflict, Mark, assessment_save
from shamy.assessment.services.decisions import decisions_record
from shamy.assessment.services.submissions import submission_create
from shamy.assessment.tests.conftest import all_marks
from shamy.audit.models import AuditEntry
from shamy.portfolios.models import PortfolioStatus
from shamy.portfolios.services.portfolios import section_save

pytestmark = pytest.mark.django_db


def test_submission_freezes_the_portfolio_and_is_audited(world):
    submission = world.submission_a
    assert submission.version == 1 and submission.status == SubmissionStatus.SUBMITTED
    world.project_a.portfolio.refresh_from_db()
    assert world.project_a.portfolio.status == PortfolioStatus.SUBMITTED
    sections = submission.snapshot["sections"]
    assert [s["criterion_code"] for s in sections] == ["concern", "consult", "plan", "lead", "reflect", "write"]
    assert sections[0]["body"].endswith("Әңгіме, ғылым, құқық.")
    assert AuditEntry.objects.filter(action="assessment.submission.created", target_id=str(submission.pk)).exists()


def test_only_the_teacher_submits_and_not_twice_while_open(world):
    with pytest.raises(PermissionDenied):
        submission_create(actor=world.madina, portfolio=world.project_a.portfolio)
    with pytest.raises(ValidationError):
        submission_create(actor=world.talgat, portfolio=world.project_a.portfolio)


def test_only_the_assigned_link_facilitator_assesses(world):
    for stranger in (world.aliya, world.serik, world.talgat, world.timur):
        with pytest.raises(PermissionDenied):
            assessment_save(
                actor=stranger, submission=world.submission_a, marks={}, recommendation="", reasons="", version=0
            )
    with pytest.raises(PermissionDenied):  # madina is not assigned to B1
        assessment_save(
            actor=world.madina, submission=world.submission_b, marks={}, recommendation="", reasons="", version=0
        )


def test_autosave_then_a_stale_version_is_a_conflict_not_an_overwrite(world):
    first = assessment_save(
        actor=world.madina,
        submission=world.submission_a,
        marks={"concern": Mark(3, "Айқын")},
        recommendation="",
        reasons="",
        version=0,
    )
    assert first.version == 1
    with pytest.raises(AssessmentConflict) as conflict:
        assessment_save(
            actor=world.madina,
            submission=world.submission_a,
            marks={"concern": Mark(1, "")},
            recommendation="",
            reasons="",
            version=0,
        )
    assert conflict.value.current.judgements.get(criterion__code="concern").level == 3


def test_certify_needs_every_level_at_the_minimum(world):
    marks = all_marks(3) | {"plan": Mark(1, "Әлсіз")}
    with pytest.raises(ValidationError, match="2"):
        assessment_save(
            actor=world.madina,
            submission=world.submission_a,
            marks=marks,
            recommendation="certify",
            reasons="",
            version=0,
            finalise=True,
        )


def test_revise_reopens_the_portfolio_and_resubmission_is_version_two(world):
    assessment_save(
        actor=world.madina,
        submission=world.submission_a,
        marks=all_marks(2) | {"plan": Mark(1, "Жоспар жоқ")},
        recommendation="revise",
        reasons="Жоспарды толықтырыңыз",
        version=0,
        finalise=True,
    )
    world.submission_a.refresh_from_db()
    assert world.submission_a.status == SubmissionStatus.REVISE
    portfolio = world.project_a.portfolio
    portfolio.refresh_from_db()
    assert portfolio.status == PortfolioStatus.DRAFT
    section = portfolio.sections.get(order=3)
    section_save(actor=world.talgat, section=section, body="Жаңа жоспар", version=section.version)
    second = submission_create(actor=world.talgat, portfolio=portfolio)
    assert second.version == 2
    assert second.snapshot["sections"][2]["body"] == "Жаңа жоспар"
    first = Submission.objects.get(pk=world.submission_a.pk)
    assert first.snapshot["sections"][2]["body"] != "Жаңа жоспар"  # the first version stays as it was


def test_revise_needs_reasons(world):
    with pytest.raises(ValidationError):
        assessment_save(
            actor=world.madina,
            submission=world.submission_a,
            marks=all_marks(2),
            recommendation="revise",
            reasons="",
            version=0,
            finalise=True,
        )


def recommend(world):
    assessment_save(
        actor=world.madina,
        submission=world.submission_a,
        marks=all_marks(3),
        recommendation="certify",
        reasons="",
        version=0,
        finalise=True,
    )
    world.submission_a.refresh_from_db()


def test_certifier_approves_recommended_in_a_batch(world):
    recommend(world)
    assert world.submission_a.status == SubmissionStatus.RECOMMENDED
    with pytest.raises(PermissionDenied):
        decisions_record(actor=world.aliya, submissions=[world.submission_a], decision="approved")
    with pytest.raises(PermissionDenied):  # not recommended
        decisions_record(actor=world.serik, submissions=[world.submission_b], decision="approved")
    (decision,) = decisions_record(actor=world.serik, submissions=[world.submission_a], decision="approved")
    world.submission_a.refresh_from_db()
    assert world.submission_a.status == SubmissionStatus.APPROVED
    assert AuditEntry.objects.filter(action="assessment.submission.approved").count() == 1
    assert decision.batch


def test_rejection_needs_a_reason(world):
    recommend(world)
    with pytest.raises(ValidationError):
        decisions_record(actor=world.serik, submissions=[world.submission_a], decision="rejected", reason=" ")
    decisions_record(actor=world.serik, submissions=[world.submission_a], decision="rejected", reason="Дәлел аз")
    world.submission_a.refresh_from_db()
    assert world.submission_a.status == SubmissionStatus.REJECTED


def test_readiness_reports_the_rules(world, programme_cast):
    from shamy.portfolios.tests.conftest import make_project

    project = make_project(world.talgat, world.cohort_a, title="Басқа")
    checks = {c.code: c for c in rules.readiness(portfolio=project.portfolio, rubric=world.rubric)}
    assert checks["complete"].met is False
    assert checks["criteria"].met is True
    assert checks["attendance"].met is False  # nothing marked yet
    assert checks["levels"].met is None


def test_teacher_sees_marks_only_when_finished_and_never_anothers(world, client):
    from django.urls import reverse

    assessment_save(
        actor=world.madina,
        submission=world.submission_a,
        marks=all_marks(3, "Ерекше пікір"),
        recommendation="",
        reasons="",
        version=0,
    )
    client.force_login(world.talgat)
    url = reverse("assessment:submission-detail", args=[world.submission_a.pk])
    assert "Ерекше пікір" not in client.get(url).content.decode()
    assessment_save(
        actor=world.madina,
        submission=world.submission_a,
        marks=all_marks(3, "Ерекше пікір"),
        recommendation="certify",
        reasons="",
        version=1,
        finalise=True,
    )
    assert "Ерекше пікір" in client.get(url).content.decode()
    client.force_login(world.tomiris)
    assert client.get(url).status_code == 404


def test_certifier_sees_a_submission_once_recommended(world, client):
    from django.urls import reverse

    client.force_login(world.serik)
    url = reverse("assessment:submission-detail", args=[world.submission_a.pk])
    assert client.get(url).status_code == 404
    recommend(world)
    assert client.get(url).status_code == 200


def test_assessment_form_finishes_and_conflicts_show_a_page(world, client):
    from django.urls import reverse

    client.force_login(world.madina)
    url = reverse("assessment:assess", args=[world.submission_a.pk])
    data = {f"level_{code}": "3" for code in all_marks()} | {"version": "0", "recommendation": "certify"}
    response = client.post(url, data | {"autosave": "1"})
    assert response.status_code == 200 and 'value="1"' in response.content.decode()
    stale = client.post(url, data | {"finish": "1"})  # from the version the page was loaded with
    assert stale.status_code == 409
    done = client.post(url, data | {"version": "1", "finish": "1"})
    assert done.status_code == 302
    world.submission_a.refresh_from_db()
    assert world.submission_a.status == SubmissionStatus.RECOMMENDED


def test_queue_queries_do_not_grow_with_rows(world, client, django_assert_num_queries):
    from django.urls import reverse

    from shamy.assessment.tests.conftest import written_project

    client.force_login(world.aliya)
    url = reverse("assessment:queue")
    client.get(url)
    with django_assert_num_queries(_count(client, url)) as captured:
        client.get(url)
    before = len(captured.captured_queries)
    for index in range(3):
        project = written_project(world.talgat, world.cohort_a, title=f"Жоба {index}")
        submission_create(actor=world.talgat, portfolio=project.portfolio)
    with django_assert_num_queries(before):
        response = client.get(url)
    assert all(f"Жоба {index}" in response.content.decode() for index in range(3))


def _count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        client.get(url)
    return len(context.captured_queries)


def test_a_submission_keeps_its_evidence_files_whatever_happens_to_the_portfolio(world, client):
    """Issue 14: a submission is an immutable snapshot of the portfolio *and its evidence*: each
    file is copied with the submission, served to whoever may open it, with the snapshot's hash."""
    import hashlib

    from django.urls import reverse

    from shamy.audit.models import AuditEntry
    from shamy.portfolios.models import Evidence

    copy = world.file_a
    section = world.submission_a.sections[0]
    (item,) = section["evidence"]
    assert item["id"] == world.photo_a.pk and copy.evidence_id == world.photo_a.pk
    original = copy.file.open("rb").read()
    assert copy.sha256 == item["sha256"] == hashlib.sha256(original).hexdigest()
    assert copy.file.name != world.photo_a.file.name
    entry = AuditEntry.objects.get(action="assessment.submission.created", target_id=str(world.submission_a.pk))
    assert entry.after["files"] == 1
    # The portfolio's evidence changes and then goes: the submission's copy is still what was judged.
    with world.photo_a.file.open("wb") as handle:
        handle.write(b"changed")
    Evidence.objects.filter(pk=world.photo_a.pk).delete()
    client.force_login(world.madina)
    page = client.get(reverse("assessment:submission-detail", args=[world.submission_a.pk])).content.decode()
    assert reverse("assessment:submission-file", args=[copy.pk]) in page
    response = client.get(reverse("assessment:submission-file", args=[copy.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == original
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_assessors_are_reminded_in_their_language_once_a_day_of_what_is_due(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    """Issue 14, deadlines: the link facilitator (madina, school A1) is reminded of talgat's
    submission two days before it is due and while it is overdue, once in 20 hours, in her
    language; tomiris's submission (school B1) has no assessor and reminds no one."""
    import datetime

    from shamy.assessment.services import reminders
    from shamy.audit.models import AuditEntry

    def assessor_reminders_send(now):
        with django_capture_on_commit_callbacks(execute=True):
            return reminders.assessor_reminders_send(now=now)

    submission = world.submission_a
    due = submission.due_at
    assert due == submission.submitted_at + datetime.timedelta(days=14)
    assert assessor_reminders_send(now=due - datetime.timedelta(days=5)) == 0  # not yet
    world.madina.language = "ru"
    world.madina.save()
    assert assessor_reminders_send(now=due - datetime.timedelta(days=1)) == 1
    (mail,) = mailoutbox
    assert mail.to == [world.madina.email]
    assert mail.subject == "Портфолио ждут вашей оценки"
    assert submission.title in mail.body and "/assessment/" in mail.body
    assert world.submission_b.title not in mail.body
    assert AuditEntry.objects.filter(action="assessment.assessor.reminded", target_id=str(world.madina.pk)).exists()
    # The same day again: nothing; the next day, overdue: again.
    assert assessor_reminders_send(now=due - datetime.timedelta(hours=20)) == 0
    assert assessor_reminders_send(now=due + datetime.timedelta(days=1)) == 1
    assert "просрочено" in mailoutbox[-1].body
    # Once assessed (no longer "submitted"), no reminder.
    from shamy.assessment.models import Submission, SubmissionStatus

    Submission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.RECOMMENDED)
    assert assessor_reminders_send(now=due + datetime.timedelta(days=3)) == 0


def test_the_queue_shows_when_each_submission_is_due(world, client):
    from django.urls import reverse

    from shamy.assessment.models import Submission

    Submission.objects.filter(pk=world.submission_a.pk).update(
        submitted_at=world.submission_a.submitted_at - __import__("datetime").timedelta(days=30)
    )
    client.force_login(world.madina)
    page = client.get(reverse("assessment:queue")).content.decode()
    assert 'class="overdue"' in page


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_submitted_portfolio_shows_no_criterion_codes(world, client, language):
    # The sections' criterion codes ("concern", "consult"...) are identifiers, not words a reader
    # knows: the submission and the portfolio name each section by its title only.
    from django.urls import reverse

    from shamy.core.testing.visible_language import english_words, read_visible_text

    codes = {section["criterion_code"] for section in world.submission_a.snapshot["sections"]} - {""}
    assert codes
    world.talgat.language = language
    world.talgat.save(update_fields=["language"])
    client.force_login(world.talgat)
    for url in (
        reverse("assessment:submission-detail", args=[world.submission_a.pk]),
        reverse("portfolios:portfolio-detail", args=[world.project_a.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        page_language, text = read_visible_text(response.content.decode())
        assert page_language == language
        assert not codes & set(text.split()), url
        assert english_words(text) == [], url


def test_the_queue_offers_assess_only_to_the_assigned_assessor(world, client):
    # The coordinator sees the programme's queue but does not assess: a button there led to a 403.
    from django.urls import reverse

    assess_url = reverse("assessment:assess", args=[world.submission_a.pk])
    detail_url = reverse("assessment:submission-detail", args=[world.submission_a.pk])
    for user, offered in ((world.madina, True), (world.aliya, False)):
        client.force_login(user)
        html = client.get(reverse("assessment:queue")).content.decode()
        assert detail_url in html
        assert (assess_url in html) is offered
        assert client.get(assess_url).status_code == (200 if offered else 403)
