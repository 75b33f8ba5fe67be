"""Reads: the assessor's queue, a teacher's submissions, one submission with its history and marks.
Every read starts from ``Submission.objects.restrict(access, "view")`` (rules in permissions.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from shamy.access.context import Access, Actor
from shamy.access.roles import Role
from shamy.assessment import permissions, rules
from shamy.assessment.models import (
    Assessment,
    CriterionJudgement,
    Moderation,
    Rubric,
    Submission,
    SubmissionFile,
    SubmissionStatus,
)
from shamy.assessment.services.submissions import current_rubric
from shamy.portfolios.models import DevelopmentProject, EvidenceKind
from shamy.programmes.models import Programme

_LIST_RELATED = ("teacher", "school__district", "cohort__programme", "assessment", "rubric")


def submission_page(rows: QuerySet[Submission]) -> QuerySet[Submission]:
    """The ``shape`` of a checked submission: what its pages show."""
    return rows.select_related("teacher", "school__district", "cohort__programme", "rubric", "project", "portfolio")


def project_page(rows: QuerySet[DevelopmentProject]) -> QuerySet[DevelopmentProject]:
    return rows.select_related("cohort__programme", "teacher", "portfolio")


def submission_queue(*, access: Access, status: str = SubmissionStatus.SUBMITTED) -> QuerySet[Submission]:
    """Submissions the actor assesses (a link facilitator's schools) or oversees (a coordinator's
    programmes), in the given status, oldest first: the assessor works from the top."""
    programme_ids = {
        m.programme_id for m in access.programme_memberships() if m.role in (Role.LINK_FACILITATOR, Role.COORDINATOR)
    }
    return (
        Submission.objects.restrict(access, "view")
        .filter(cohort__programme_id__in=sorted(i for i in programme_ids if i), status=status)
        .select_related(*_LIST_RELATED)
        .order_by("submitted_at", "id")
    )


def assessable_ids(*, access: Access, rows: Iterable[Submission]) -> set[int]:
    """Of ``rows``, the submissions the actor may assess now (``permissions.can_assess``: the
    assigned link facilitator, while the submission awaits assessment). Coordinators see the
    queue too but do not assess, so their rows offer no "Assess" button leading to a 403."""
    return {
        row.pk
        for row in rows
        if row.status == SubmissionStatus.SUBMITTED and row.school_id in access.link_school_ids(row.cohort.programme_id)
    }


def submission_list_own(*, access: Access) -> QuerySet[Submission]:
    person = access.person
    if person is None:
        return Submission.objects.none()
    return (
        Submission.objects.restrict(access, "view")
        .filter(teacher=person)
        .select_related(*_LIST_RELATED)
        .order_by("-submitted_at", "-id")
    )


def submission_list_recommended(*, access: Access) -> QuerySet[Submission]:
    """What the certifier decides on: recommended submissions of their programmes."""
    programme_ids = {m.programme_id for m in access.programme_memberships() if m.role == Role.CERTIFIER}
    return (
        Submission.objects.restrict(access, "view")
        .filter(cohort__programme_id__in=sorted(i for i in programme_ids if i), status=SubmissionStatus.RECOMMENDED)
        .select_related(*_LIST_RELATED, "assessment__assessor")
        .order_by("submitted_at", "id")
    )


def submission_history(*, access: Access, submission: Submission) -> list[Submission]:
    """Every version of the same portfolio that the actor may open, newest first."""
    return list(
        Submission.objects.restrict(access, "view")
        .filter(portfolio_id=submission.portfolio_id)
        .select_related("assessment", "decision")
        .order_by("-version")
    )


def assessment_of(submission: Submission) -> Assessment | None:
    return Assessment.objects.filter(submission=submission).first()


@dataclass
class SubmissionView:
    """What the submission page shows to this actor: marks only to those allowed."""

    submission: Submission
    assessment: Assessment | None
    judgements: list[CriterionJudgement]
    decision: Any
    history: list[Submission]
    can_assess: bool
    is_teacher: bool
    sections: list[dict[str, Any]] = field(default_factory=list)


def sections_with_files(submission: Submission) -> list[dict[str, Any]]:
    """The snapshot's sections, each evidence item with ``file_id``: its copy kept with the
    submission (``SubmissionFile``), or None (a video link, or no file); and ``kind_label``, its
    kind in the reader's language (the snapshot keeps the code, "photo")."""
    copies = dict(SubmissionFile.objects.filter(submission=submission).values_list("evidence_id", "pk"))
    return [
        {
            **section,
            "evidence": [
                {**item, "file_id": copies.get(item["id"]), "kind_label": _evidence_kind_label(item.get("kind", ""))}
                for item in section["evidence"]
            ],
        }
        for section in submission.sections
    ]


def _evidence_kind_label(kind: str) -> str:
    return str(EvidenceKind(kind).label) if kind in EvidenceKind.values else kind


def submission_view(*, access: Access, submission: Submission) -> SubmissionView:
    assessment = assessment_of(submission)
    actor: Actor = access.user
    shown = assessment is not None and permissions.can_view_marks(actor, submission)
    judgements = list(assessment.judgements.select_related("criterion")) if shown and assessment else []
    return SubmissionView(
        submission=submission,
        assessment=assessment if shown else None,
        judgements=judgements,
        decision=getattr(submission, "decision", None),
        history=submission_history(access=access, submission=submission),
        can_assess=permissions.can_assess(actor, submission),
        is_teacher=permissions.is_teacher_of(actor, submission),
        sections=sections_with_files(submission),
    )


@dataclass
class SubmitView:
    project: DevelopmentProject
    rubric: Rubric | None
    checks: list[rules.RuleCheck] = field(default_factory=list)
    history: list[Submission] = field(default_factory=list)


def submit_view(*, project: DevelopmentProject) -> SubmitView:
    rubric = current_rubric(project.cohort.programme_id)
    checks = rules.readiness(portfolio=project.portfolio, rubric=rubric) if rubric else []
    history = list(Submission.objects.filter(portfolio=project.portfolio).order_by("-version"))
    return SubmitView(project=project, rubric=rubric, checks=checks, history=history)


def assess_initial(assessment: Assessment | None) -> dict[str, Any]:
    """The assessment form's initial data from the saved draft."""
    if assessment is None:
        return {"version": 0}
    initial: dict[str, Any] = {
        "version": assessment.version,
        "recommendation": assessment.recommendation,
        "reasons": assessment.reasons,
    }
    for judgement in assessment.judgements.select_related("criterion"):
        initial[f"level_{judgement.criterion.code}"] = judgement.level
        initial[f"comment_{judgement.criterion.code}"] = judgement.comment
    return initial


def moderation_page(rows: QuerySet[Moderation]) -> QuerySet[Moderation]:
    return rows.select_related("submission__cohort__programme", "submission__rubric", "submission__teacher")


def moderations_to_mark(*, access: Access) -> QuerySet[Moderation]:
    return (
        Moderation.objects.restrict(access, "view")
        .filter(second_assessor_id=access.user_id, second_marked_at__isnull=True)
        .select_related("submission__teacher", "submission__school__district")
        .order_by("drawn_at", "id")
    )


def moderations_of(*, access: Access, programme: Programme) -> list[Moderation]:
    return list(
        Moderation.objects.restrict(access, "view")
        .filter(submission__cohort__programme=programme)
        .select_related("submission__teacher", "first_assessor", "second_assessor", "moderator")
        .order_by("-drawn_at", "id")
    )


def moderation_programmes(*, access: Access) -> QuerySet[Programme]:
    return Programme.objects.restrict(access, "moderate").order_by("id")


def moderation_first_levels(moderation: Moderation) -> list[tuple[str, int | None, int | None]]:
    """For the moderator: each criterion with the first and the second level."""
    first = {j.criterion.code: j for j in moderation.submission.assessment.judgements.select_related("criterion")}
    return [
        (j.criterion.label, j.level, moderation.second_levels.get(code))
        for code, j in sorted(first.items(), key=lambda item: item[1].criterion.order)
    ]
