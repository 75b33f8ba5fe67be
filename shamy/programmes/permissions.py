"""Programme rules and predicates over the access object. Deny by default."""

from __future__ import annotations

from django.db.models import Q

from shamy.access.context import Access, Actor, access_for
from shamy.access.roles import Role
from shamy.core.rules import object_rule, rule
from shamy.programmes.models import Cohort, CohortSchool, Invitation, MethodologyStage, Programme
from shamy.registry.models import Region


@rule("programmes.Programme", "view")
def programmes_visible(access: Access) -> Q | bool:
    """Programmes in which the actor holds an active programme role, and every programme of a
    country the actor reads whole (read-only): all countries for a system administrator, the home
    country for a ministry analyst, their own for a country administrator. Deny by default."""
    return _or(
        access.country_condition("country"), Q(pk__in=sorted(access.programme_ids)) if access.programme_ids else False
    )


def _or(whole: Q | bool, own: Q | bool) -> Q | bool:
    if whole is True or own is True:
        return True
    if whole is False:
        return own
    if own is False:
        return whole
    return whole | own


@rule("programmes.Cohort", "view")
def cohorts_visible(access: Access) -> Q | bool:
    """Cohorts the actor takes part in.

    Readers of a whole country see its cohorts (read-only, as its programmes). Coordinators,
    certifiers and observers see every cohort of their programme; principals, school facilitators
    and teachers their own cohort; link facilitators the cohorts of their assigned schools. Deny by
    default.
    """
    return _or(
        access.country_condition("programme__country"),
        Q(pk__in=sorted(access.cohort_ids)) if access.cohort_ids else False,
    )


def can_view_programme(user: Actor, programme: Programme) -> bool:
    """Participants with any role, and national readers (read-only)."""
    return access_for(user).can_read_programme(programme)


def can_manage_programme(user: Actor, programme: Programme) -> bool:
    """Add schools, invite people, assign link facilitators, edit the methodology."""
    return access_for(user).is_coordinator(programme)


def can_view_all_people(user: Actor, programme: Programme) -> bool:
    """The coordinator and national readers see every participant of a programme."""
    return access_for(user).is_coordinator(programme) or access_for(user).is_national


def can_view_cohort_people(user: Actor, cohort: Cohort) -> bool:
    """Who may see names in a cohort at all: everyone but certifiers and observers (those see
    the schools and aggregates only)."""
    roles = access_for(user).programme_roles(cohort.programme_id)
    return can_view_all_people(user, cohort.programme) or bool(roles - {Role.CERTIFIER, Role.OBSERVER})


def _in_visible_programmes(access: Access) -> Q | bool:
    programmes = programmes_visible(access)
    return programmes if isinstance(programmes, bool) else Q(programme__in=Programme.objects.filter(programmes))


rule("programmes.MethodologyStage", "view")(_in_visible_programmes)
rule("programmes.Invitation", "view")(_in_visible_programmes)


@rule("programmes.CohortSchool", "view")
def cohort_schools_visible(access: Access) -> Q | bool:
    cohorts = cohorts_visible(access)
    return cohorts if isinstance(cohorts, bool) else Q(cohort__in=Cohort.objects.filter(cohorts))


@object_rule("programmes.Programme", "manage")
def may_manage_programme(access: Access, programme: Programme) -> bool:
    """Add schools, invite people, assign link facilitators, edit the methodology."""
    return access.is_coordinator(programme)


@object_rule("programmes.Cohort", "manage")
def may_manage_cohort(access: Access, cohort: Cohort) -> bool:
    return access.is_coordinator(cohort.programme_id)


@object_rule("programmes.CohortSchool", "manage")
def may_manage_cohort_school(access: Access, row: CohortSchool) -> bool:
    return access.is_coordinator(row.cohort.programme_id)


@object_rule("programmes.MethodologyStage", "manage")
def may_manage_stage(access: Access, stage: MethodologyStage) -> bool:
    return access.is_coordinator(stage.programme_id)


@object_rule("programmes.Invitation", "manage")
def may_manage_invitation(access: Access, invitation: Invitation) -> bool:
    return access.is_coordinator(invitation.programme_id)


@rule("registry.School", "enrol")
def schools_to_enrol(access: Access) -> Q | bool:
    """Coordinators add schools to their cohorts from the registry of their programmes' country
    (issue 17: a Kyrgyz programme's coordinator finds no Kazakh school, and the other way round).
    Which cohort is checked by the cohort's "manage" rule; a coordinator of programmes in two
    countries finds both, and ``programmes.selectors.school_search_for_cohort`` keeps the cohort's
    own country (``CohortSchool.clean`` refuses any other). Deny by default."""
    countries = access.programme_countries(Role.COORDINATOR)
    if not countries:
        return False
    return Q(region_id__in=Region.objects.filter(country__in=sorted(countries)).values("pk"))


def may_create_programme(access: Access) -> bool:
    """Programmes are opened by system administrators."""
    return access.is_system_admin
