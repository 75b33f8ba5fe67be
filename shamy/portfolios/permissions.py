"""Who may see and do what with development projects and portfolios. Deny by default.

Built on the access object (roles per programme, schools per role). The named rules of this
app's models are registered here (``shamy/core/rules.py``), and the rules it needs on models of
the apps below (``registry.Person`` "colleagues", ``programmes.Cohort`` "start-project" and
"board", ``programmes.CohortSchool`` "board", ``programmes.Programme`` "project-support" and
"project-overview"). Who may see a project:

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

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeGuard

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from shamy.access.context import Access, Actor, access_for
from shamy.access.roles import Role
from shamy.core.db import kazakh_order
from shamy.core.rules import object_rule, rule
from shamy.portfolios.models import (
    DevelopmentProject,
    Evidence,
    Portfolio,
    PortfolioSection,
    PortfolioStatus,
    ProjectStep,
    Thread,
)
from shamy.programmes.models import Cohort, LinkAssignment, Programme
from shamy.registry.models import Employment, School

if TYPE_CHECKING:
    from shamy.accounts.models import User


def _authenticated(user: Actor) -> TypeGuard[User]:
    return user is not None and bool(getattr(user, "is_authenticated", False)) and bool(user.is_active)


def own_projects(user_id: int) -> Q:
    """Projects the user leads or collaborates on."""
    collaborating = DevelopmentProject.collaborators.through.objects.filter(person__user_id=user_id).values(
        "developmentproject_id"
    )
    return Q(teacher__user_id=user_id) | Q(pk__in=collaborating)


@rule("portfolios.DevelopmentProject", "view")
def projects_visible(access: Access) -> Q | bool:
    """The projects the actor may open (the table above)."""
    user = access.user
    if not _authenticated(user):
        return False
    condition = own_projects(user.pk)
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


def _in_visible_projects(path: str) -> Callable[[Access], Q | bool]:
    """The "view" rule of a project's records: those of the projects the actor may see."""

    def rows(access: Access) -> Q | bool:
        return Q(**{f"{path}__in": DevelopmentProject.objects.restrict(access, "view").values("pk")})

    return rows


rule("portfolios.Portfolio", "view")(_in_visible_projects("project"))
rule("portfolios.PortfolioSection", "view")(_in_visible_projects("portfolio__project"))
rule("portfolios.Evidence", "view")(_in_visible_projects("project"))
rule("portfolios.ProjectStep", "view")(_in_visible_projects("project"))


@rule("portfolios.Draft", "view")
def drafts_visible(access: Access) -> Q | bool:
    """Drafts are private scratch copies: one's own only."""
    return Q(user_id=access.user_id) if access.user_id is not None else False


@rule("portfolios.FocusTheme", "view")
def themes_visible(access: Access) -> bool:
    """The theme taxonomy is not personal data (the public pages filter by it)."""
    return True


@rule("portfolios.FocusTheme", "edit")
def themes_editable(access: Access) -> bool:
    return can_edit_themes(access.user)


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


def board_schools(access: Access, cohort: Cohort) -> list[School]:
    """Schools of ``cohort`` whose board the actor may open (all of them for a coordinator), in
    Kazakh order. Kept on the cohort object: the "board" rule and the page ask once."""
    cached: list[School] | None = getattr(cohort, "_board_schools", None)
    if cached is not None:
        return cached
    schools = School.objects.filter(cohort_links__cohort=cohort)
    if not access.is_coordinator(cohort.programme_id):
        schools = schools.filter(pk__in=sorted(board_school_ids(access.user, cohort)))
    found = list(schools.order_by(kazakh_order("name_kk"), "id"))
    cohort._board_schools = found  # type: ignore[attr-defined]
    return found


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


def require_comment(actor: Actor | Access, project: DevelopmentProject, thread: str) -> None:
    """403 unless ``thread`` is a feedback thread of the project the actor may write in."""
    user = actor.user if isinstance(actor, Access) else actor
    if thread not in Thread.values or not can_comment(user, project, thread):
        raise PermissionDenied


def can_list_own_projects(user: Actor) -> bool:
    """The "my projects" page: teachers, and anyone who leads or joins a visible project (a
    teacher whose membership has ended still finds their projects)."""
    if can_start_project(user):
        return True
    if not _authenticated(user):
        return False
    return DevelopmentProject.objects.restrict(user, "view").filter(own_projects(user.pk)).exists()


# --- Pages without an object in their URL (``@requires``) --------------------------------------


def may_list_own_projects(access: Access) -> bool:
    return can_list_own_projects(access.user)


def may_start_project(access: Access) -> bool:
    return can_start_project(access.user)


def may_list_submitted(access: Access) -> bool:
    return can_list_submitted(access.user)


def may_open_board_index(access: Access) -> bool:
    return can_open_board_index(access.user)


def may_edit_themes(access: Access) -> bool:
    return can_edit_themes(access.user)


# --- Object rules: what ``@checked`` and ``require`` ask -------------------------------------------


@object_rule("portfolios.DevelopmentProject", "read")
def may_read_project(access: Access, project: DevelopmentProject) -> bool:
    """The project page with its journal, steps, evidence and threads (not certifiers)."""
    return can_view_project(access.user, project)


@object_rule("portfolios.DevelopmentProject", "edit")
def may_edit_project(access: Access, project: DevelopmentProject) -> bool:
    return can_edit_project(access.user, project)


@object_rule("portfolios.DevelopmentProject", "manage")
def may_manage_project(access: Access, project: DevelopmentProject) -> bool:
    return can_manage_project(access.user, project)


@object_rule("portfolios.DevelopmentProject", "endorse")
def may_endorse_project(access: Access, project: DevelopmentProject) -> bool:
    return can_endorse_project(access.user, project)


@object_rule("portfolios.ProjectStep", "edit")
def may_edit_step(access: Access, step: ProjectStep) -> bool:
    return can_edit_project(access.user, step.project)


@object_rule("portfolios.Portfolio", "read")
def may_read_portfolio(access: Access, portfolio: Portfolio) -> bool:
    return can_view_portfolio(access.user, portfolio)


@object_rule("portfolios.Portfolio", "submit")
def may_submit_portfolio(access: Access, portfolio: Portfolio) -> bool:
    return can_manage_project(access.user, portfolio.project)


@object_rule("portfolios.PortfolioSection", "edit")
def may_edit_section(access: Access, section: PortfolioSection) -> bool:
    """The teacher and collaborators, while the portfolio is a draft."""
    return can_edit_project(access.user, section.portfolio.project) and not section.portfolio.is_submitted


@object_rule("portfolios.Evidence", "read")
def may_read_evidence(access: Access, evidence: Evidence) -> bool:
    """Those who see the project, and certifiers once the portfolio is submitted."""
    return can_view_portfolio(access.user, evidence.project.portfolio)


@object_rule("portfolios.Evidence", "delete")
def may_delete_evidence(access: Access, evidence: Evidence) -> bool:
    """The teacher and collaborators, while the portfolio is a draft."""
    project = evidence.project
    return can_edit_project(access.user, project) and not project.portfolio.is_submitted


# --- Rules on models of the apps below -----------------------------------------------------------


@rule("registry.Person", "colleagues")
def colleagues(access: Access) -> Q | bool:
    """People who may be added to a project as collaborators: those employed now at a school
    where the actor leads a project (the project's own school is chosen by the selector)."""
    if access.user_id is None:
        return False
    schools = DevelopmentProject.objects.filter(teacher__user_id=access.user_id).values("school_id")
    employed = Employment.objects.filter(ends_on__isnull=True, school_id__in=schools).values("person_id")
    return Q(pk__in=employed)


@rule("programmes.Cohort", "start-project")
def cohorts_to_start_a_project_in(access: Access) -> Q | bool:
    """The cohorts in which the actor is a teacher."""
    ids = sorted({m.cohort_id for m in access.programme_memberships() if m.role == Role.TEACHER and m.cohort_id})
    return Q(pk__in=ids) if ids else False


@rule("programmes.CohortSchool", "board")
def boards(access: Access) -> Q | bool:
    """The (cohort, school) boards the actor may open: every school of a coordinated
    programme, the link facilitator's assigned schools, and the school of a school facilitator
    or principal (in their cohort, or every cohort of the programme)."""
    memberships = access.programme_memberships()
    condition = Q(pk__in=[])
    coordinated = sorted({m.programme_id for m in memberships if m.role == Role.COORDINATOR and m.programme_id})
    if coordinated:
        condition |= Q(cohort__programme_id__in=coordinated)
    links = [m.pk for m in memberships if m.role == Role.LINK_FACILITATOR]
    if links:
        condition |= Q(pk__in=LinkAssignment.objects.filter(membership_id__in=links).values("cohort_school_id"))
    for m in memberships:
        if m.role in (Role.SCHOOL_FACILITATOR, Role.SCHOOL_PRINCIPAL) and m.school_id and m.programme_id:
            cohort = Q(cohort_id=m.cohort_id) if m.cohort_id else Q(cohort__programme_id=m.programme_id)
            condition |= Q(school_id=m.school_id) & cohort
    return condition


@object_rule("programmes.Cohort", "board")
def may_open_a_board(access: Access, cohort: Cohort) -> bool:
    """The cohort's board page: at least one of its schools' boards."""
    return bool(board_schools(access, cohort))


@object_rule("programmes.Programme", "project-support")
def may_view_link_overview(access: Access, programme: Programme) -> bool:
    return can_view_link_overview(access.user, programme)


@object_rule("programmes.Programme", "project-overview")
def may_view_programme_overview(access: Access, programme: Programme) -> bool:
    return can_view_programme_overview(access.user, programme)
