"""Programme permission predicates over ``programmes.access``. Deny by default."""

from __future__ import annotations

from django.db.models import Q

from shamy.access.context import Access, Actor, access_for
from shamy.access.roles import Role
from shamy.core.rules import rule
from shamy.programmes.models import Cohort, Programme


@rule("programmes.Programme", "view")
def programmes_visible(access: Access) -> Q | bool:
    """Programmes in which the actor holds an active programme role; all of them for national
    roles (system administrator, ministry analyst: read-only). Deny by default."""
    if access.is_national:
        return True
    return Q(pk__in=sorted(access.programme_ids)) if access.programme_ids else False


@rule("programmes.Cohort", "view")
def cohorts_visible(access: Access) -> Q | bool:
    """Cohorts the actor takes part in.

    National roles see all (read-only). Coordinators, certifiers and observers see every cohort
    of their programme; principals, school facilitators and teachers their own cohort; link
    facilitators the cohorts of their assigned schools. Deny by default.
    """
    if access.is_national:
        return True
    return Q(pk__in=sorted(access.cohort_ids)) if access.cohort_ids else False


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
