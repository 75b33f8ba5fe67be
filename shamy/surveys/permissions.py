"""Survey rules (``shamy/core/rules.py``) and predicates. Deny by default.

- "view" (``Survey``): national readers every survey; coordinators and observers every survey of
  their programmes; anyone else the open or closed surveys sent to a role they hold there (and to
  their cohort or school, when the survey names one);
- "manage" (build, open, close, remind, make the post survey): the programme's coordinators;
- "results" (aggregates and exports): coordinators, observers (donors) and national readers;
- "answer": the survey's recipients, once it is no longer a draft;
- "open": whoever may manage, read results or answer (the survey's page sends a recipient on to
  the answering page);
- ``programmes.Programme`` "create-survey": the programme's coordinators.

Nobody reads who answered an anonymous survey: no page or API shows respondents at all, and the
results of an anonymous survey are suppressed below the analytics' threshold.
"""

from __future__ import annotations

from django.db.models import Q

from shamy.access.context import Access, Actor, access_for
from shamy.access.models import Membership
from shamy.access.roles import Role
from shamy.core.rules import object_rule, rule
from shamy.programmes.models import Programme
from shamy.surveys.models import AUDIENCE_ROLES, Question, Survey, SurveyStatus

AUDIENCE = frozenset(dict(AUDIENCE_ROLES))


@rule("surveys.Survey", "view")
def surveys_visible(access: Access) -> Q | bool:
    if access.is_national:
        return access.country_condition("programme__country")  # every programme of their country
    managed = sorted(
        {
            m.programme_id
            for m in access.programme_memberships()
            if m.role in (Role.COORDINATOR, Role.OBSERVER) and m.programme_id is not None
        }
    )
    condition = Q(programme_id__in=managed) if managed else Q(pk__in=[])
    for membership in access.programme_memberships():
        if membership.role not in AUDIENCE:
            continue
        mine = Q(programme_id=membership.programme_id, audience_role=membership.role) & ~Q(status=SurveyStatus.DRAFT)
        mine &= Q(cohort__isnull=True) | Q(cohort_id=membership.cohort_id)
        mine &= Q(school__isnull=True) | Q(school_id=membership.school_id)
        condition |= mine
    return condition


@object_rule("surveys.Survey", "manage")
def may_manage_survey(access: Access, survey: Survey) -> bool:
    return access.is_coordinator(survey.programme_id)


@object_rule("surveys.Survey", "results")
def may_read_results(access: Access, survey: Survey) -> bool:
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


@object_rule("surveys.Survey", "answer")
def may_answer(access: Access, survey: Survey) -> bool:
    return survey.status != SurveyStatus.DRAFT and audience_membership(access, survey) is not None


@object_rule("surveys.Survey", "open")
def may_open(access: Access, survey: Survey) -> bool:
    return may_manage_survey(access, survey) or may_read_results(access, survey) or may_answer(access, survey)


@rule("surveys.Question", "view")
def questions_visible(access: Access) -> Q | bool:
    surveys = surveys_visible(access)
    return surveys if isinstance(surveys, bool) else Q(survey__in=Survey.objects.filter(surveys))


@object_rule("surveys.Question", "manage")
def may_manage_question(access: Access, question: Question) -> bool:
    return access.is_coordinator(question.survey.programme_id)


@object_rule("programmes.Programme", "create-survey")
def may_create_survey(access: Access, programme: Programme) -> bool:
    return access.is_coordinator(programme)


# Predicates for services, which take users.
def can_manage_surveys(user: Actor, programme_id: int) -> bool:
    return access_for(user).is_coordinator(programme_id)


def can_view_results(user: Actor, survey: Survey) -> bool:
    return may_read_results(access_for(user), survey)


def can_answer(user: Actor, survey: Survey) -> bool:
    return may_answer(access_for(user), survey)
