"""Who may do what in a fellowship: named rules (``shamy.core.rules``) and predicates over the one
access object. Deny by default."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from shamy.access.context import Access, Actor, access_for
from shamy.access.roles import Role
from shamy.core.rules import object_rule, rule

if TYPE_CHECKING:
    from shamy.fellowship.models import Application, FellowshipCohort, Placement, Vacancy


def _programmes(access: Access, *roles: str) -> list[int]:
    return sorted({m.programme_id for m in access.memberships if m.role in roles and m.programme_id is not None})


# --- cohorts -----------------------------------------------------------------------------------------


@rule("fellowship.FellowshipCohort", "view")
def cohorts_visible(access: Access) -> Q | bool:
    """Cohorts of the programmes the actor takes part in (fellows included); all for national
    readers."""
    if access.is_national:
        return access.country_condition("cohort__programme__country")  # every programme of their country
    return Q(cohort__programme_id__in=sorted(access.programme_ids)) if access.programme_ids else False


@rule("fellowship.FellowshipCohort", "read")
def cohorts_readable(access: Access) -> Q | bool:
    """The cohort dashboard (aggregates): national readers, coordinators and observers."""
    if access.is_national:
        return access.country_condition("cohort__programme__country")  # every programme of their country
    programmes = _programmes(access, Role.COORDINATOR, Role.OBSERVER)
    return Q(cohort__programme_id__in=programmes) if programmes else False


@rule("fellowship.FellowshipCohort", "manage")
def cohorts_managed(access: Access) -> Q | bool:
    """Recruitment, placement and alumni surveys: the programme's coordinators (and system
    administrators)."""
    if access.is_system_admin:
        return True
    programmes = _programmes(access, Role.COORDINATOR)
    return Q(cohort__programme_id__in=programmes) if programmes else False


def can_manage_cohort(user: Actor, cohort: FellowshipCohort) -> bool:
    access = access_for(user)
    return access.is_system_admin or access.is_coordinator(cohort.cohort.programme_id)


def can_read_cohort(user: Actor, cohort: FellowshipCohort) -> bool:
    access = access_for(user)
    if access.is_national:
        return True
    return access.has_programme_role(cohort.cohort.programme_id, Role.COORDINATOR, Role.OBSERVER)


def may_open_fellowship(access: Access) -> bool:
    """The fellowship's start page: anyone with a role (it may list nothing), a reviewer with an
    assignment, a fellow or a mentor with a placement."""
    from shamy.fellowship.models import Placement, Review

    if access.user is None:
        return False
    if access.roles:
        return True
    return (
        Review.objects.filter(reviewer_id=access.user_id).exists()
        or Placement.objects.filter(Q(fellow__user_id=access.user_id) | Q(mentor_id=access.user_id)).exists()
    )


# --- applications ------------------------------------------------------------------------------------


@rule("fellowship.Application", "view")
def applications_visible(access: Access) -> Q | bool:
    """Coordinators see their programme's applications, reviewers those assigned to them, system
    administrators all; analysts none (applicants' data is not theirs). An applicant reaches their
    own only through its private link, never through this rule."""
    if access.is_system_admin:
        return True
    if access.user_id is None:
        return False
    query = Q(reviews__reviewer_id=access.user_id)
    programmes = _programmes(access, Role.COORDINATOR)
    if programmes:
        query |= Q(cohort__cohort__programme_id__in=programmes)
    return query


@object_rule("fellowship.Application", "review")
def may_review(access: Access, application: Application) -> bool:
    """Only a reviewer assigned to the application scores it."""
    return access.user_id is not None and application.reviews.filter(reviewer_id=access.user_id).exists()


@object_rule("fellowship.Application", "assign")
def may_assign_reviewers(access: Access, application: Application) -> bool:
    """Coordinators of the programme (and system administrators) assign reviewers."""
    return access.is_system_admin or access.is_coordinator(application.cohort.cohort.programme_id)


def can_review_application(user: Actor, application: Application) -> bool:
    return may_review(access_for(user), application)


# --- fellows and placements ------------------------------------------------------------------------


@rule("fellowship.Fellow", "view")
def fellows_visible(access: Access) -> Q | bool:
    """Coordinators and observers of the programme (and national readers) see its fellows; a
    fellow sees themselves, a mentor their fellows, a principal the fellows placed in their
    school."""
    if access.is_national:
        return access.country_condition("cohort__cohort__programme__country")  # every programme of their country
    if access.user_id is None:
        return False
    query = Q(user_id=access.user_id) | Q(placements__mentor_id=access.user_id)
    programmes = _programmes(access, Role.COORDINATOR, Role.OBSERVER)
    if programmes:
        query |= Q(cohort__cohort__programme_id__in=programmes)
    if access.principal_school_ids:
        query |= Q(placements__school_id__in=sorted(access.principal_school_ids))
    return query


@rule("fellowship.Placement", "view")
def placements_visible(access: Access) -> Q | bool:
    """A placement's page (check-ins, classes) is for the fellow, their mentor, the school's
    principal, the programme's coordinators and system administrators."""
    if access.is_system_admin:
        return True
    if access.user_id is None:
        return False
    query = Q(fellow__user_id=access.user_id) | Q(mentor_id=access.user_id)
    programmes = _programmes(access, Role.COORDINATOR)
    if programmes:
        query |= Q(fellow__cohort__cohort__programme_id__in=programmes)
    if access.principal_school_ids:
        query |= Q(school_id__in=sorted(access.principal_school_ids))
    return query


@rule("fellowship.Placement", "manage")
def placements_managed(access: Access) -> Q | bool:
    """Early leaving and graduation: the programme's coordinators and system administrators."""
    if access.is_system_admin:
        return True
    programmes = _programmes(access, Role.COORDINATOR)
    return Q(fellow__cohort__cohort__programme_id__in=programmes) if programmes else False


@object_rule("fellowship.Placement", "check-in")
def may_check_in(access: Access, placement: Placement) -> bool:
    """The fellow, their mentor and the school's principal each write their own check-in."""
    user_id = access.user_id
    return user_id is not None and (
        placement.fellow.user_id == user_id
        or placement.mentor_id == user_id
        or placement.school_id in access.principal_school_ids
    )


@object_rule("fellowship.Placement", "record-classes")
def may_record_classes(access: Access, placement: Placement) -> bool:
    """The fellow records the classes they teach; coordinators may correct them."""
    return access.user_id is not None and (
        placement.fellow.user_id == access.user_id or access.is_coordinator(placement.fellow.cohort.cohort.programme_id)
    )


@object_rule("fellowship.Placement", "record-visit")
def may_record_visit(access: Access, placement: Placement) -> bool:
    """A mentor visit: the placement's mentor records it, or a coordinator of the programme (who
    may then mark the visit's attendance on the attendance app's screen too). Only while the
    placement is active."""
    if access.user_id is None or placement.status != "active":
        return False
    return placement.mentor_id == access.user_id or access.is_coordinator(placement.fellow.cohort.cohort.programme_id)


def can_record_visit(user: Actor, placement: Placement) -> bool:
    return may_record_visit(access_for(user), placement)


def can_check_in(user: Actor, placement: Placement) -> bool:
    return may_check_in(access_for(user), placement)


def can_record_classes(user: Actor, placement: Placement) -> bool:
    return may_record_classes(access_for(user), placement)


# --- the coordinator's locks and bans ---------------------------------------------------------------


@rule("fellowship.PlacementRule", "view")
def placement_rules_visible(access: Access) -> Q | bool:
    """Only those who manage the cohort see its locks and bans."""
    if access.is_system_admin:
        return True
    programmes = _programmes(access, Role.COORDINATOR)
    return Q(cohort__cohort__programme_id__in=programmes) if programmes else False


# --- vacancies ---------------------------------------------------------------------------------------


def vacancy_schools(access: Access) -> Q | bool:
    """Schools the actor may post fellowship vacancies for: a principal their school, a regional
    department analyst the schools of their region, system administrators any."""
    if access.is_system_admin:
        return True
    query = Q(pk__in=[])
    if access.principal_school_ids:
        query |= Q(pk__in=sorted(access.principal_school_ids))
    regions = sorted({m.region_id for m in access.memberships if m.role == Role.REGIONAL_ANALYST and m.region_id})
    if regions:
        query |= Q(region_id__in=regions)
    return query if (access.principal_school_ids or regions) else False


def may_post_vacancies(access: Access) -> bool:
    return access.is_system_admin or bool(access.principal_school_ids) or access.has_role(Role.REGIONAL_ANALYST)


def can_post_vacancy(user: Actor, school_id: int, region_id: int) -> bool:
    access = access_for(user)
    if access.is_system_admin or school_id in access.principal_school_ids:
        return True
    return any(m.role == Role.REGIONAL_ANALYST and m.region_id == region_id for m in access.memberships)


@rule("fellowship.Vacancy", "view")
def vacancies_visible(access: Access) -> Q | bool:
    """A vacancy's edit page: the schools' posters (principal, regional department) for their
    schools, the programme's coordinators, and system administrators."""
    if access.is_system_admin:
        return True
    query = Q(pk__in=[])
    schools = vacancy_schools(access)
    if isinstance(schools, Q):
        from shamy.registry.models import School

        query |= Q(school__in=School.objects.filter(schools))
    programmes = _programmes(access, Role.COORDINATOR)
    if programmes:
        query |= Q(programme_id__in=programmes)
    return query if (schools is not False or programmes) else False


@object_rule("fellowship.Vacancy", "edit")
def may_edit_vacancy(access: Access, vacancy: Vacancy) -> bool:
    """Whoever may post for the school, or a coordinator of the programme, edits or closes it."""
    if access.is_system_admin or access.is_coordinator(vacancy.programme_id):
        return True
    return vacancy.school_id in access.principal_school_ids or any(
        m.role == Role.REGIONAL_ANALYST and m.region_id == vacancy.school.region_id for m in access.memberships
    )


def can_edit_vacancy(user: Actor, vacancy: Vacancy) -> bool:
    return may_edit_vacancy(access_for(user), vacancy)


def may_create_cohort(access: Access) -> bool:
    """A new fellowship cohort: the coordinators of a programme (the programmes app opens cohorts
    for its coordinators only)."""
    return access.has_role(Role.COORDINATOR)
