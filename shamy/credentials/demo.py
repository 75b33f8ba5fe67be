"""Demo assessment and certification (``manage.py seed_demo_assessment``), on top of the
programme and portfolio demos.

- The finished programme ("first phase"): every teacher's portfolio was assessed, recommended and
  approved; every teacher holds a signed certificate; one certificate is revoked with a reason.
- The current pilot: the submitted portfolios in every state the chain has: awaiting assessment,
  assessment started (a draft), returned for revision, in moderation, recommended (after
  moderation agreed), approved with a certificate.

The pilot goes through the services with the real actors (the teacher submits, the assigned link
facilitator assesses, the certifier decides). The finished programme's memberships have ended, so
its history is written directly, as the programme demo writes its past attendance; its
certificates are then issued and signed by the same service as any other. Deterministic and
idempotent: a second run changes nothing.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from shamy.access.models import Membership
from shamy.access.roles import Role
from shamy.assessment.models import (
    Assessment,
    CertificationDecision,
    CriterionJudgement,
    Decision,
    Recommendation,
    Rubric,
    Submission,
    SubmissionStatus,
)
from shamy.assessment.services.assessments import Mark, assessment_save
from shamy.assessment.services.decisions import decisions_record
from shamy.assessment.services.moderation import moderation_mark, moderation_sample_draw
from shamy.assessment.services.rubrics import TEACHER_LEADERSHIP_CRITERIA, TEACHER_LEADERSHIP_TITLE, rubric_create
from shamy.assessment.services.submissions import portfolio_snapshot, submission_create
from shamy.audit.services.entries import audit_record
from shamy.credentials.models import Certificate, Issuer
from shamy.credentials.services.certificates import certificate_issue, certificate_revoke, trainer_certificate_issue
from shamy.credentials.services.issuers import issuer_create
from shamy.operators.demo import PROGRAMME_NAME_EN as OPERATOR_PROGRAMME_NAME_EN
from shamy.operators.models import Trainer
from shamy.portfolios.models import DevelopmentProject, FocusTheme, PortfolioStatus
from shamy.portfolios.services.projects import project_create
from shamy.programmes.models import LinkAssignment, Programme

AUDIT_ACTION = "credentials.demo.loaded"
UNIVERSITY_NAME = {
    "kk": "Әл-Фараби атындағы Қазақ ұлттық университеті (демо)",
    "ru": "Казахский национальный университет имени аль-Фараби (демо)",
    "en": "Al-Farabi Kazakh National University (demo)",
}
SIGNATORY_TITLE = {"kk": "Оқу ісі жөніндегі проректор", "ru": "Проректор по учебной работе", "en": "Vice-rector"}
REVOKED_REASON = "Портфолиодағы жоба басқа мұғалімнің жұмысы екені анықталды (демо)."


class AssessmentDemoRefused(Exception):
    pass


@dataclass(frozen=True)
class AssessmentDemoSummary:
    already_loaded: bool
    counts: dict[str, int]
    seconds: float


def assessment_demo_counts() -> dict[str, int]:
    submissions = Submission.objects.filter(is_demo=True)
    counts = {status: submissions.filter(status=status).count() for status in SubmissionStatus.values}
    counts["certificates"] = Certificate.objects.filter(is_demo=True).count()
    counts["revoked"] = Certificate.objects.filter(is_demo=True, revoked_at__isnull=False).count()
    return counts


def _programmes() -> tuple[Programme, Programme]:
    from shamy.programmes.demo import EARLIER_NAME_EN, PILOT_NAME_EN

    pilot = Programme.objects.filter(is_demo=True, name_en=PILOT_NAME_EN).first()
    earlier = Programme.objects.filter(is_demo=True, name_en=EARLIER_NAME_EN).first()
    if pilot is None or earlier is None:
        raise AssessmentDemoRefused("Run `seed_demo`, `seed_demo_programmes` and `seed_demo_portfolios` first.")
    if not DevelopmentProject.objects.filter(is_demo=True, cohort__programme=pilot).exists():
        raise AssessmentDemoRefused("Run `seed_demo_portfolios` first.")
    return pilot, earlier


def assessment_demo_load(*, report: Callable[[str], None] | None = None) -> AssessmentDemoSummary:
    say = report or (lambda _message: None)
    started = time.monotonic()
    pilot, earlier = _programmes()
    if Rubric.objects.filter(programme=pilot).exists():
        return AssessmentDemoSummary(True, assessment_demo_counts(), 0.0)
    rng = random.Random(2026)  # noqa: S311 (demo data, not security)
    with transaction.atomic():
        for slug, programme, prefix in (("kaznu-demo", pilot, "KAZNU-D"), ("kaznu-demo-1", earlier, "KAZNU-D1")):
            rubric_create(
                actor=None, programme=programme, title=TEACHER_LEADERSHIP_TITLE, criteria=TEACHER_LEADERSHIP_CRITERIA
            )
            issuer_create(
                actor=None,
                programme=programme,
                slug=slug,
                name=UNIVERSITY_NAME,
                signatory_name="Жанар Әбдіқалықова",
                signatory_title=SIGNATORY_TITLE,
                series_prefix=prefix,
                url="https://www.kaznu.kz",
            )
        _load_earlier(earlier, rng, say)
        _load_pilot(pilot, rng, say)
        Submission.objects.filter(cohort__programme__in=[pilot, earlier]).update(is_demo=True)
        Certificate.objects.filter(programme__in=[pilot, earlier]).update(is_demo=True)
        counts = assessment_demo_counts()
        audit_record(actor=None, action=AUDIT_ACTION, target=pilot, after=counts)
    return AssessmentDemoSummary(False, counts, time.monotonic() - started)


def _marks(rng: random.Random, low: bool = False) -> dict[str, Mark]:
    comments = ("Дәлелдер жеткілікті.", "Рефлексия терең.", "Әріптестермен жұмыс жақсы сипатталған.")
    marks = {item["code"]: Mark(rng.choice((2, 3, 3, 4)), rng.choice(comments)) for item in TEACHER_LEADERSHIP_CRITERIA}
    if low:
        marks["lead"] = Mark(1, "Өзгерістің дәлелі аз: оқушылардың жұмыстарын қосыңыз.")
    return marks


def _assessor(project: DevelopmentProject) -> object | None:
    assignment = (
        LinkAssignment.objects.filter(
            cohort_school__cohort=project.cohort, cohort_school__school=project.school, membership__ends_on__isnull=True
        )
        .select_related("membership__user")
        .order_by("id")
        .first()
    )
    return assignment.membership.user if assignment else None


def _load_pilot(pilot: Programme, rng: random.Random, say: Callable[[str], None]) -> None:
    from shamy.accounts.models import User

    certifier = (
        Membership.objects.filter(programme=pilot, role=Role.CERTIFIER).select_related("user").order_by("id").first()
    )
    projects = list(
        DevelopmentProject.objects.filter(
            is_demo=True, cohort__programme=pilot, portfolio__status=PortfolioStatus.SUBMITTED
        )
        .select_related("teacher__user", "cohort", "school", "portfolio")
        .order_by("id")
    )
    for index, project in enumerate(projects):
        teacher, assessor = project.teacher.user, _assessor(project)
        if teacher is None or not isinstance(assessor, User):
            continue
        submission = submission_create(actor=teacher, portfolio=project.portfolio)
        state = index % 5
        if state == 0:
            continue  # awaiting assessment
        if state == 1:  # started, saved as a draft
            marks = dict(list(_marks(rng).items())[:3])
            assessment_save(
                actor=assessor, submission=submission, marks=marks, recommendation="", reasons="", version=0
            )
            continue
        if state == 2:  # returned for revision
            assessment_save(
                actor=assessor,
                submission=submission,
                marks=_marks(rng, low=True),
                recommendation=Recommendation.REVISE,
                reasons="«Өзгерісті басқару» бөліміне дәлел қосыңыз: оқушылардың жұмыстары, сауалнама нәтижелері.",
                version=0,
                finalise=True,
            )
            continue
        assessment_save(
            actor=assessor,
            submission=submission,
            marks=_marks(rng),
            recommendation=Recommendation.CERTIFY,
            reasons="",
            version=0,
            finalise=True,
        )
        if state == 4 and certifier is not None:
            decisions_record(actor=certifier.user, submissions=[submission], decision=Decision.APPROVED)
            certificate_issue(actor=certifier.user, submission=submission)
    coordinator = (
        Membership.objects.filter(programme=pilot, role=Role.COORDINATOR).select_related("user").order_by("id").first()
    )
    if coordinator is not None:
        drawn = moderation_sample_draw(actor=coordinator.user, programme=pilot, share=0.5)
        for moderation in drawn[:1]:  # one agreed (back to the certifier), the rest still in moderation
            first = {
                j.criterion.code: j.level or 2
                for j in moderation.submission.assessment.judgements.select_related("criterion")
            }
            moderation_mark(actor=moderation.second_assessor, moderation=moderation, levels=first)
    say(f"pilot: {len(projects)} submitted portfolios taken through the chain")


def _load_earlier(earlier: Programme, rng: random.Random, say: Callable[[str], None]) -> None:
    """The finished programme's history, written directly (its memberships have ended)."""
    rubric = Rubric.objects.get(programme=earlier, is_current=True)
    criteria = list(rubric.criteria.all())
    theme = FocusTheme.objects.filter(is_active=True).order_by("order", "id").first()
    stage = earlier.stages.order_by("-order").first()
    memberships = list(
        Membership.objects.filter(programme=earlier, role=Role.TEACHER)
        .select_related("user__person", "cohort", "school")
        .order_by("id")
    )
    coordinator = Membership.objects.filter(programme=earlier, role=Role.COORDINATOR).select_related("user").first()
    certificates = []
    for index, membership in enumerate(memberships):
        person = getattr(membership.user, "person", None)
        school = membership.school
        if person is None or membership.cohort is None or school is None or theme is None or stage is None:
            continue
        project = project_create(
            actor=None,
            cohort=membership.cohort,
            title=f"Құрама сыныпта оқу нәтижелерін жақсарту ({index + 1})",
            theme=theme,
            concern="Оқушылардың мәтінді түсінуі",
            teacher=person,
            school_id=membership.school_id,
        )
        DevelopmentProject.objects.filter(pk=project.pk).update(stage=stage, is_demo=True)
        sections = list(project.portfolio.sections.all())
        for section in sections:
            section.body = "Мұғалім жобаның осы кезеңін сипаттайды: не істелді, қандай дәлел бар, не өзгерді."
        type(sections[0]).objects.bulk_update(sections, ["body"])
        finished = timezone.make_aware(datetime.datetime(earlier.ends_on.year, 5, 20, 10, 0))
        type(project.portfolio).objects.filter(pk=project.portfolio.pk).update(
            status=PortfolioStatus.SUBMITTED, submitted_at=finished, submitted_by=membership.user
        )
        project.portfolio.refresh_from_db()
        submission = Submission.objects.create(
            portfolio=project.portfolio,
            project=project,
            teacher=person,
            cohort=membership.cohort,
            school=school,
            rubric=rubric,
            snapshot=portfolio_snapshot(project.portfolio, rubric),
            status=SubmissionStatus.APPROVED,
            submitted_by=membership.user,
            submitted_at=finished,
            status_changed_at=finished,
        )
        assessment = Assessment.objects.create(
            submission=submission,
            assessor=coordinator.user if coordinator else membership.user,
            recommendation=Recommendation.CERTIFY,
            finalised_at=finished,
        )
        CriterionJudgement.objects.bulk_create(
            CriterionJudgement(assessment=assessment, criterion=c, level=rng.choice((2, 3, 4)), comment="")
            for c in criteria
        )
        CertificationDecision.objects.create(
            submission=submission,
            certifier=coordinator.user if coordinator else membership.user,
            decision=Decision.APPROVED,
            batch="00000000-0000-4000-8000-000000000001",
            decided_at=finished,
        )
        certificates.append(certificate_issue(actor=None, submission=submission))
    if certificates:
        certificate_revoke(actor=None, certificate=certificates[-1], reason=REVOKED_REASON)
    say(f"finished programme: {len(certificates)} certificates, one revoked")


# --- Trainer certificates of the school-operator demo (issue 16) -----------------------------------

OPERATOR_ISSUER_SLUG = "binom-demo"
OPERATOR_ISSUER_NAME = {
    "kk": "BINOM мектептер желісі",
    "ru": "Сеть школ BINOM",
    "en": "BINOM Schools",
}


def trainer_certificates_demo_load() -> tuple[bool, int]:
    """Give the operator demo's programme a certifying issuer (the operator, with a development
    key) and issue the signed certificate of every trainer it certified. Needs
    ``seed_demo_operators`` first. Returns (already loaded, certificates issued now)."""
    programme = Programme.objects.filter(is_demo=True, name_en=OPERATOR_PROGRAMME_NAME_EN).first()
    if programme is None:
        raise AssessmentDemoRefused("Load the school-operator demo first: python manage.py seed_demo_operators")
    if Issuer.objects.filter(slug=OPERATOR_ISSUER_SLUG).exists():
        return True, 0
    with transaction.atomic():
        issuer_create(
            actor=None,
            programme=programme,
            slug=OPERATOR_ISSUER_SLUG,
            name=OPERATOR_ISSUER_NAME,
            signatory_name="Әсел Жұмабаева",
            signatory_title={
                "kk": "Оқыту орталығының директоры",
                "ru": "Директор учебного центра",
                "en": "Director of the training centre",
            },
            series_prefix="BINOM-T",
        )
        trainers = Trainer.objects.filter(programme=programme, certificate__isnull=True).order_by("generation", "pk")
        issued = [trainer_certificate_issue(actor=None, trainer=trainer) for trainer in trainers]
        Certificate.objects.filter(pk__in=[c.pk for c in issued]).update(is_demo=True)
        audit_record(
            actor=None,
            action="credentials.demo.trainer_certificates_loaded",
            target=programme,
            after={"certificates": len(issued)},
        )
    return False, len(issued)
