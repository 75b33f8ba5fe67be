"""Who may do what in a fellowship. Predicates over the one access object."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shamy.access.context import access_for
from shamy.access.roles import Role

if TYPE_CHECKING:
    from shamy.access.context import Actor
    from shamy.fellowship.models import Application, FellowshipCohort, Placement


def can_manage_cohort(user: Actor, cohort: FellowshipCohort) -> bool:
    """Coordinators of the cohort's programme run recruitment and placement (system
    administrators too)."""
    access = access_for(user)
    return access.is_system_admin or access.is_coordinator(cohort.cohort.programme_id)


def can_read_cohort(user: Actor, cohort: FellowshipCohort) -> bool:
    """The cohort dashboard: coordinators, observers and national readers (aggregates)."""
    access = access_for(user)
    if access.is_national:
        return True
    return access.has_programme_role(cohort.cohort.programme_id, Role.COORDINATOR, Role.OBSERVER)


def can_review_application(user: Actor, application: Application) -> bool:
    """Only a reviewer assigned to the application scores it."""
    access = access_for(user)
    return access.user_id is not None and any(r.reviewer_id == access.user_id for r in application.reviews.all())


def can_check_in(user: Actor, placement: Placement) -> bool:
    """The fellow, their mentor and the school's principal write check-ins; coordinators too."""
    access = access_for(user)
    if access.user_id is None:
        return False
    if placement.fellow.user_id == access.user_id or placement.mentor_id == access.user_id:
        return True
    if placement.school_id in access.principal_school_ids:
        return True
    return access.is_coordinator(placement.fellow.cohort.cohort.programme_id)


def can_record_classes(user: Actor, placement: Placement) -> bool:
    """The fellow records the classes they teach; coordinators may correct them."""
    access = access_for(user)
    if access.user_id is None:
        return False
    return placement.fellow.user_id == access.user_id or access.is_coordinator(
        placement.fellow.cohort.cohort.programme_id
    )
