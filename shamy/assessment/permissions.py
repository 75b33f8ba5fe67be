"""Who may see and do what with submissions, assessments and certification. Deny by default.

=====================  ================================================================
teacher                their own submissions; the marks once the assessment is finished
link facilitator       submissions of the schools assigned to them (their queue); assesses
coordinator            every submission of the programme, with every mark
certifier              submissions recommended, approved or rejected: decides on them
everyone else          nothing (404)
=====================  ================================================================

A teacher never sees another teacher's submission, an assessor never another's queue, and the
certifier never a submission that has not been recommended.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

from django.db.models import Q

from shamy.access.context import Access, Actor, access_for
from shamy.access.roles import Role
from shamy.assessment.models import Submission
from shamy.core.rules import object_rule, rule

if TYPE_CHECKING:
    from shamy.accounts.models import User
    from shamy.assessment.models import Moderation
    from shamy.portfolios.models import DevelopmentProject
    from shamy.programmes.models import Programme

CERTIFIER_STATUSES = ("recommended", "approved", "rejected")


def _authenticated(user: Actor) -> TypeGuard[User]:
    return user is not None and bool(getattr(user, "is_authenticated", False)) and bool(user.is_active)


@rule("assessment.Submission", "view")
def submissions_visible(access: Access) -> Q | bool:
    """The submissions the actor may open: their own, their assigned schools', their programme's
    (coordinator), the recommended and decided ones (certifier)."""
    if access.user is None:
        return False
    condition = Q(teacher__user_id=access.user_id)
    for membership in access.programme_memberships():
        programme_id = membership.programme_id
        if membership.role == Role.COORDINATOR:
            condition |= Q(cohort__programme_id=programme_id)
        elif membership.role == Role.LINK_FACILITATOR:
            schools = access.link_school_ids(programme_id)
            if schools:
                condition |= Q(cohort__programme_id=programme_id, school_id__in=sorted(schools))
        elif membership.role == Role.CERTIFIER:
            condition |= Q(cohort__programme_id=programme_id, status__in=CERTIFIER_STATUSES)
    return condition


@rule("assessment.SubmissionFile", "view")
def submission_files_visible(access: Access) -> Q | bool:
    """A submitted file: whoever may open its submission."""
    submissions = submissions_visible(access)
    if isinstance(submissions, bool):
        return submissions
    return Q(submission__in=Submission.objects.filter(submissions).values("pk"))


@object_rule("assessment.Submission", "assess")
def may_assess(access: Access, submission: Submission) -> bool:
    return can_assess(access.user, submission)


@object_rule("assessment.Submission", "decide")
def may_decide(access: Access, submission: Submission) -> bool:
    return can_decide(access.user, submission)


@object_rule("portfolios.DevelopmentProject", "submit-for-assessment")
def may_submit_for_assessment(access: Access, project: DevelopmentProject) -> bool:
    """Only the project's teacher submits it (others who see the project get 403)."""
    return access.user is not None and project.teacher.user_id == access.user_id


def may_open_queue(access: Access) -> bool:
    return can_open_queue(access.user)


def may_submit_own(access: Access) -> bool:
    return can_submit_own(access.user)


def _programme_id(submission: Submission) -> int:
    return submission.cohort.programme_id


def is_teacher_of(user: Actor, submission: Submission) -> bool:
    return _authenticated(user) and submission.teacher.user_id == user.pk


def is_assigned_assessor(user: Actor, submission: Submission) -> bool:
    """The link facilitator assigned to the submission's school in its programme."""
    return _authenticated(user) and submission.school_id in access_for(user).link_school_ids(_programme_id(submission))


def is_coordinator(user: Actor, submission: Submission) -> bool:
    return access_for(user).is_coordinator(_programme_id(submission))


def is_certifier(user: Actor, programme_id: int) -> bool:
    return Role.CERTIFIER in access_for(user).programme_roles(programme_id)


def can_view_submission(user: Actor, submission: Submission) -> bool:
    return (
        is_teacher_of(user, submission)
        or is_assigned_assessor(user, submission)
        or is_coordinator(user, submission)
        or (is_certifier(user, _programme_id(submission)) and submission.status in CERTIFIER_STATUSES)
    )


def can_view_marks(user: Actor, submission: Submission) -> bool:
    """The levels and comments: the assessor and the coordinator always; the teacher and the
    certifier once the assessment is finished."""
    if is_assigned_assessor(user, submission) or is_coordinator(user, submission):
        return True
    finished = hasattr(submission, "assessment") and submission.assessment.is_final
    if not finished:
        return False
    return is_teacher_of(user, submission) or (
        is_certifier(user, _programme_id(submission)) and submission.status in CERTIFIER_STATUSES
    )


def can_assess(user: Actor, submission: Submission) -> bool:
    """Only the assigned link facilitator, only while the submission awaits assessment."""
    return is_assigned_assessor(user, submission) and submission.status == "submitted"


def can_decide(user: Actor, submission: Submission) -> bool:
    """The programme's certifier, on a recommended submission."""
    return is_certifier(user, _programme_id(submission)) and submission.status == "recommended"


def can_open_queue(user: Actor) -> bool:
    """The assessor's queue: link facilitators (and coordinators, who see every school's)."""
    return any(m.role in (Role.LINK_FACILITATOR, Role.COORDINATOR) for m in access_for(user).programme_memberships())


def can_open_certification(user: Actor) -> bool:
    return any(m.role == Role.CERTIFIER for m in access_for(user).programme_memberships())


def can_certify_in(user: Actor, programme: Programme) -> bool:
    return is_certifier(user, programme.pk)


def can_submit_own(user: Actor) -> bool:
    return any(m.role == Role.TEACHER for m in access_for(user).programme_memberships())


# --- Moderation -----------------------------------------------------------------------------


@rule("assessment.Moderation", "view")
def moderations_visible(access: Access) -> Q | bool:
    """The second assessor's own moderations (blind: they carry no first marks); every moderation
    of the coordinator's programmes."""
    if access.user is None:
        return False
    programmes = sorted(
        m.programme_id for m in access.programme_memberships() if m.role == Role.COORDINATOR and m.programme_id
    )
    condition = Q(second_assessor_id=access.user_id)
    if programmes:
        condition |= Q(submission__cohort__programme_id__in=programmes)
    return condition


@object_rule("assessment.Moderation", "mark")
def may_second_mark(access: Access, moderation: Moderation) -> bool:
    return moderation.second_assessor_id == access.user_id and moderation.second_marked_at is None


@object_rule("assessment.Moderation", "decide")
def may_moderate(access: Access, moderation: Moderation) -> bool:
    return (
        access.is_coordinator(moderation.submission.cohort.programme_id)
        and moderation.needs_moderator
        and moderation.decided_at is None
    )


@rule("programmes.Programme", "moderate")
def programmes_to_moderate(access: Access) -> Q | bool:
    """The coordinator draws the sample and watches agreement for their programmes."""
    programmes = sorted(
        m.programme_id for m in access.programme_memberships() if m.role == Role.COORDINATOR and m.programme_id
    )
    return Q(pk__in=programmes) if programmes else False


def may_open_moderation_queue(access: Access) -> bool:
    return any(m.role in (Role.LINK_FACILITATOR, Role.COORDINATOR) for m in access.programme_memberships())
