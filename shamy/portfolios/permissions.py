"""Who may see and do what with development projects and portfolios. Deny by default.

Built on the access object (roles per programme, schools per role); the "view" rule of
``portfolios.DevelopmentProject`` is registered here:

=====================  ================================================================
teacher                their own projects and those they collaborate on (read and write)
school facilitator     their school's projects in their cohort; the school feedback thread
principal              their school's projects; the school thread; endorses projects
link facilitator       projects of their assigned schools; the link feedback thread
coordinator            every project of the programme; both threads
certifier              projects whose portfolio is submitted: the portfolio only
observer, national     aggregates only (the programme overview), never a project
everyone else          nothing (404)
=====================  ================================================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

from django.db.models import Q

from shamy.access.context import Access, Actor, access_for
from shamy.access.roles import Role
from shamy.core.rules import rule
from shamy.portfolios.models import DevelopmentProject, Portfolio, PortfolioStatus, Thread
from shamy.programmes.models import Cohort, Programme

if TYPE_CHECKING:
    from shamy.accounts.models import User


def _authenticated(user: Actor) -> TypeGuard[User]:
    return user is not None and bool(getattr(user, "is_authenticated", False)) and bool(user.is_active)


@rule("portfolios.DevelopmentProject", "view")
def projects_visible(access: Access) -> Q | bool:
    """The projects the actor may open (the table above)."""
    user = access.user
    if not _authenticated(user):
        return False
    collaborating = DevelopmentProject.collaborators.through.objects.filter(person__user_id=user.pk).values(
        "developmentproject_id"
    )
    condition = Q(teacher__user_id=user.pk) | Q(pk__in=collaborating)
    for membership in access.programme_memberships():
        programme_id = membership.programme_id
        if membership.role == Role.COORDINATOR:
            condition |= Q(cohort__programme_id=programme_id)
        elif membership.role in (Role.SCHOOL_FACILITATOR, Role.SCHOOL_PRINCIPAL) and membership.school_id:
            cohort = Q(cohort_id=membership.cohort_id) if membership.cohort_id else Q(cohort__programme_id=programme_id)
            condition |= Q(school_id=membership.school_id) & cohort
        elif membership.role == Role.LINK_FACILITATOR:
            schools = access.link_school_ids(programme_id)
            if schools:
                condition |= Q(cohort__programme_id=programme_id, school_id__in=sorted(schools))
        elif membership.role == Role.CERTIFIER:
            condition |= Q(cohort__programme_id=programme_id, portfolio__status=PortfolioStatus.SUBMITTED)
    return condition


def _programme_id(project: DevelopmentProject) -> int:
    return project.cohort.programme_id


def _school_roles(user: Actor, project: DevelopmentProject) -> set[str]:
    """Roles the user holds for the project's school in the project's cohort."""
    roles: set[str] = set()
    for membership in access_for(user).programme_memberships(_programme_id(project)):
        if membership.school_id != project.school_id:
            continue
        if membership.cohort_id is not None and membership.cohort_id != project.cohort_id:
            continue
        roles.add(membership.role)
    return roles


def is_owner(user: Actor, project: DevelopmentProject) -> bool:
    return _authenticated(user) and project.teacher.user_id == user.pk


def is_collaborator(user: Actor, project: DevelopmentProject) -> bool:
    if not _authenticated(user):
        return False
    return any(person.user_id == user.pk for person in project.collaborators.all())


def is_school_facilitator(user: Actor, project: DevelopmentProject) -> bool:
    return Role.SCHOOL_FACILITATOR in _school_roles(user, project)


def is_principal(user: Actor, project: DevelopmentProject) -> bool:
    return Role.SCHOOL_PRINCIPAL in _school_roles(user, project)


def is_link_facilitator(user: Actor, project: DevelopmentProject) -> bool:
    return project.school_id in access_for(user).link_school_ids(_programme_id(project))


def is_programme_coordinator(user: Actor, project: DevelopmentProject) -> bool:
    return access_for(user).is_coordinator(_programme_id(project))


def can_view_project(user: Actor, project: DevelopmentProject) -> bool:
    """The project page with journal, steps, evidence and threads (not for certifiers)."""
    return (
        is_owner(user, project)
        or is_collaborator(user, project)
        or is_school_facilitator(user, project)
        or is_principal(user, project)
        or is_link_facilitator(user, project)
        or is_programme_coordinator(user, project)
    )


def can_edit_project(user: Actor, project: DevelopmentProject) -> bool:
    """Write the project's records (journal, steps, evidence, portfolio sections): the teacher
    and their collaborators. Sections and evidence removal are further locked once the portfolio
    is submitted (checked by those services and views)."""
    return is_owner(user, project) or is_collaborator(user, project)


def can_manage_project(user: Actor, project: DevelopmentProject) -> bool:
    """Move stages, change title and collaborators, submit, consent to sharing: the teacher."""
    return is_owner(user, project)


def can_view_portfolio(user: Actor, portfolio: Portfolio) -> bool:
    project = portfolio.project
    if can_view_project(user, project):
        return True
    return portfolio.is_submitted and Role.CERTIFIER in access_for(user).programme_roles(_programme_id(project))


def thread_participants(user: Actor, project: DevelopmentProject) -> set[str]:
    """The feedback threads (``Thread`` values) the user may read and write."""

    if is_owner(user, project) or is_collaborator(user, project) or is_programme_coordinator(user, project):
        return {Thread.SCHOOL, Thread.LINK}
    threads: set[str] = set()
    if is_school_facilitator(user, project) or is_principal(user, project):
        threads.add(Thread.SCHOOL)
    if is_link_facilitator(user, project):
        threads.add(Thread.LINK)
    return threads


def can_comment(user: Actor, project: DevelopmentProject, thread: str) -> bool:
    return thread in thread_participants(user, project)


def can_endorse_project(user: Actor, project: DevelopmentProject) -> bool:
    """The principal of the project's school endorses it."""
    return is_principal(user, project)


def board_school_ids(user: Actor, cohort: Cohort) -> set[int]:
    """Schools of ``cohort`` whose board the user may open (without the coordinator's all)."""
    programme_id = cohort.programme_id
    schools = set(access_for(user).link_school_ids(programme_id))
    for membership in access_for(user).programme_memberships(programme_id):
        if (
            membership.role in (Role.SCHOOL_FACILITATOR, Role.SCHOOL_PRINCIPAL)
            and membership.school_id
            and membership.cohort_id in (None, cohort.pk)
        ):
            schools.add(membership.school_id)
    return schools


# Roles with a school board or an overview to open (with national readers).
BOARD_ROLES = frozenset(
    {Role.COORDINATOR, Role.SCHOOL_FACILITATOR, Role.SCHOOL_PRINCIPAL, Role.LINK_FACILITATOR, Role.OBSERVER}
)


def can_open_board_index(user: Actor) -> bool:
    """The projects board index (and its menu entry). It may be empty: no programme has schools yet."""
    return access_for(user).is_national or any(m.role in BOARD_ROLES for m in access_for(user).programme_memberships())


def can_view_link_overview(user: Actor, programme: Programme) -> bool:
    return Role.LINK_FACILITATOR in access_for(user).programme_roles(programme) or access_for(user).is_coordinator(
        programme
    )


def can_view_programme_overview(user: Actor, programme: Programme) -> bool:
    """Aggregates by region and school: coordinators, observers and national readers."""
    return (
        bool(access_for(user).programme_roles(programme) & {Role.COORDINATOR, Role.OBSERVER})
        or access_for(user).is_national
    )


def can_start_project(user: Actor) -> bool:
    return any(m.role == Role.TEACHER for m in access_for(user).programme_memberships())


def can_edit_themes(user: Actor) -> bool:
    """The theme taxonomy is shared by all programmes: system administrators and coordinators."""
    if access_for(user).is_system_admin:
        return True
    return any(m.role == Role.COORDINATOR for m in access_for(user).programme_memberships())


def can_list_submitted(user: Actor) -> bool:
    """The list of submitted portfolios: certifiers and coordinators."""
    return any(m.role in (Role.CERTIFIER, Role.COORDINATOR) for m in access_for(user).programme_memberships())
