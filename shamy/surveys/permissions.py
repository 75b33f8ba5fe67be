"""Who may build, answer and read surveys. Deny by default.

- build, open, close and remind: the programme's coordinators;
- read aggregate results: coordinators, observers (donors) and national readers;
- answer: the people holding the survey's role in its programme (and cohort or school, when the
  survey names one) while it is open; anyone with the public link, when the survey has one.

Nobody reads who answered an anonymous survey: no page or API shows respondents at all, and the
results of an anonymous survey are suppressed below the analytics' threshold.
"""

from __future__ import annotations

from shamy.access.context import Access, Actor, access_for
from shamy.access.models import Membership
from shamy.access.roles import Role
from shamy.surveys.models import Survey, SurveyStatus


def can_manage_surveys(user: Actor, programme_id: int) -> bool:
    return access_for(user).is_coordinator(programme_id)


def can_view_results(user: Actor, survey: Survey) -> bool:
    access = access_for(user)
    return access.is_national or access.has_programme_role(survey.programme_id, Role.COORDINATOR, Role.OBSERVER)


def audience_membership(access: Access, survey: Survey) -> Membership | None:
    """The actor's membership that makes them one of the survey's recipients, if any."""
    for membership in access.programme_memberships(survey.programme_id):
        if membership.role != survey.audience_role:
            continue
        if survey.cohort_id is not None and membership.cohort_id != survey.cohort_id:
            continue
        if survey.school_id is not None and membership.school_id != survey.school_id:
            continue
        return membership
    return None


def can_answer(user: Actor, survey: Survey) -> bool:
    return survey.status != SurveyStatus.DRAFT and audience_membership(access_for(user), survey) is not None
