"""Reads: the assessor's queue, a teacher's submissions, one submission with its history."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from shamy.access.context import Actor, access_for
from shamy.access.roles import Role
from shamy.assessment import permissions
from shamy.assessment.models import Submission, SubmissionStatus
from shamy.portfolios.models import DevelopmentProject

_LIST_RELATED = ("teacher", "school", "cohort__programme", "assessment")


def submission_queue(*, actor: Actor, status: str = SubmissionStatus.SUBMITTED) -> QuerySet[Submission]:
    """Submissions the actor assesses (a link facilitator's schools) or oversees (a coordinator's
    programmes), in the given status, oldest first: the assessor works from the top."""
    access = access_for(actor)
    programme_ids = {
        m.programme_id for m in access.programme_memberships() if m.role in (Role.LINK_FACILITATOR, Role.COORDINATOR)
    }
    return (
        Submission.objects.visible_to(actor)
        .filter(cohort__programme_id__in=sorted(programme_ids), status=status)
        .select_related(*_LIST_RELATED)
        .order_by("submitted_at", "id")
    )


def submission_list_own(*, actor: Actor) -> QuerySet[Submission]:
    person = access_for(actor).person
    if person is None:
        return Submission.objects.none()
    return Submission.objects.filter(teacher=person).select_related(*_LIST_RELATED).order_by("-submitted_at", "-id")


def submission_list_recommended(*, actor: Actor) -> QuerySet[Submission]:
    """What the certifier decides on: recommended submissions of their programmes."""
    programme_ids = {m.programme_id for m in access_for(actor).programme_memberships() if m.role == Role.CERTIFIER}
    return (
        Submission.objects.visible_to(actor)
        .filter(cohort__programme_id__in=sorted(programme_ids), status=SubmissionStatus.RECOMMENDED)
        .select_related(*_LIST_RELATED, "assessment__assessor")
        .order_by("submitted_at", "id")
    )


def submission_get_for_user(*, user: Actor, submission_id: int) -> Submission:
    """404 unless the user may open the submission."""
    return get_object_or_404(
        Submission.objects.visible_to(user).select_related(
            "teacher", "school", "cohort__programme", "rubric", "project", "portfolio"
        ),
        pk=submission_id,
    )


def submission_history(*, actor: Actor, submission: Submission) -> list[Submission]:
    """Every version of the same portfolio that the actor may open, newest first."""
    return list(
        Submission.objects.visible_to(actor)
        .filter(portfolio_id=submission.portfolio_id)
        .select_related("assessment", "decision")
        .order_by("-version")
    )


def project_get_for_submit(*, user: Actor, project_id: int) -> DevelopmentProject:
    """The teacher's own project with its portfolio: 404 if invisible, 403 if not theirs."""
    project = get_object_or_404(
        DevelopmentProject.objects.visible_to(user).select_related("cohort__programme", "teacher", "portfolio"),
        pk=project_id,
    )
    if not (permissions._authenticated(user) and project.teacher.user_id == user.pk):
        raise PermissionDenied
    return project
