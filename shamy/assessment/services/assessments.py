"""The assessor's judgement: levels and comments per criterion, autosaved, then finalised."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shamy.accounts.models import User
from shamy.assessment import permissions
from shamy.assessment.models import (
    Assessment,
    CriterionJudgement,
    Recommendation,
    Submission,
    SubmissionStatus,
)
from shamy.assessment.rules import levels_meet_rule
from shamy.audit.services.entries import audit_record, snapshot
from shamy.portfolios.services.portfolios import portfolio_reopen


class AssessmentConflict(Exception):
    """Someone saved this assessment since the form was loaded (another tab or device)."""

    def __init__(self, current: Assessment) -> None:
        super().__init__("assessment changed since it was loaded")
        self.current = current


@dataclass(frozen=True)
class Mark:
    level: int | None
    comment: str = ""


def _locked_assessment(actor: User, submission: Submission) -> Assessment:
    assessment = Assessment.objects.select_for_update().filter(submission=submission).first()
    if assessment is None:
        assessment = Assessment(submission=submission, assessor=actor, version=0)
        assessment.full_clean(exclude=["version"])
        assessment.save()
    return assessment


@transaction.atomic
def assessment_save(
    *,
    actor: User,
    submission: Submission,
    marks: Mapping[str, Mark],
    recommendation: str,
    reasons: str,
    version: int,
    finalise: bool = False,
) -> Assessment:
    """Save the assessor's marks (``marks`` by criterion code), optimistically locked by ``version``.

    Needs the assigned link facilitator while the submission awaits assessment (PermissionDenied).
    A stale ``version`` raises :class:`AssessmentConflict` and writes nothing. ``finalise`` needs
    a level for every criterion and a recommendation; "certify" needs every level at or above the
    rubric's minimum, "revise" needs reasons. Finalising moves the submission on: recommended, or
    returned for revision (the portfolio is reopened for the teacher).
    """
    submission = (
        Submission.objects.select_for_update(of=("self",)).select_related("cohort", "rubric").get(pk=submission.pk)
    )
    if not permissions.can_assess(actor, submission):
        raise PermissionDenied
    assessment = _locked_assessment(actor, submission)
    if assessment.version != version:
        raise AssessmentConflict(assessment)
    before = snapshot(assessment, ["recommendation", "reasons", "version", "finalised_at"])
    criteria = {criterion.code: criterion for criterion in submission.rubric.criteria.all()}
    unknown = set(marks) - set(criteria)
    if unknown:
        raise ValidationError(_("Unknown criteria: %(codes)s") % {"codes": ", ".join(sorted(unknown))})
    for code, mark in marks.items():
        criterion = criteria[code]
        if mark.level is not None and not 1 <= mark.level <= criterion.max_level:
            raise ValidationError(
                _("%(criterion)s: the level must be from 1 to %(max)s.")
                % {"criterion": criterion.label, "max": criterion.max_level}
            )
        CriterionJudgement.objects.update_or_create(
            assessment=assessment, criterion=criterion, defaults={"level": mark.level, "comment": mark.comment}
        )
    assessment.recommendation = recommendation
    assessment.reasons = reasons
    assessment.assessor = actor
    assessment.version = version + 1
    if finalise:
        levels = {j.criterion.code: j.level for j in assessment.judgements.select_related("criterion")}
        if any(levels.get(code) is None for code in criteria):
            raise ValidationError(_("Give a level for every criterion before finishing."))
        if recommendation not in Recommendation.values:
            raise ValidationError(_("Choose a recommendation: certify or revise."))
        if recommendation == Recommendation.CERTIFY and not levels_meet_rule(levels, submission.rubric):
            raise ValidationError(
                _("Certification needs every criterion at level %(level)s or above.")
                % {"level": submission.rubric.min_level}
            )
        assessment.finalised_at = timezone.now()
    assessment.full_clean()
    assessment.save()
    action = "assessment.assessment.finalised" if finalise else "assessment.assessment.saved"
    audit_record(
        actor=actor,
        action=action,
        target=assessment,
        before=before,
        after={
            **(snapshot(assessment, ["recommendation", "reasons", "version", "finalised_at"]) or {}),
            "levels": {code: mark.level for code, mark in marks.items()},
        },
    )
    if finalise:
        submission.status = (
            SubmissionStatus.RECOMMENDED if recommendation == Recommendation.CERTIFY else SubmissionStatus.REVISE
        )
        submission.status_changed_at = timezone.now()
        submission.save(update_fields=["status", "status_changed_at"])
        audit_record(
            actor=actor, action="assessment.submission.assessed", target=submission, after={"status": submission.status}
        )
        if submission.status == SubmissionStatus.REVISE:
            portfolio_reopen(actor=actor, portfolio=submission.portfolio, reason=reasons)
    return assessment
