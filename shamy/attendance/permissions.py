"""Attendance rules and predicates over the access object. Deny by default."""

from __future__ import annotations

from django.db.models import Q

from shamy.access.context import Access, Actor, access_for
from shamy.access.roles import Role
from shamy.attendance.models import Attendance, Gathering, GatheringKind, Presentation
from shamy.core.rules import object_rule, rule
from shamy.programmes.models import CohortSchool, Programme
from shamy.registry.models import School


@rule("attendance.Gathering", "view")
def gatherings_visible(access: Access) -> Q | bool:
    """Gatherings the actor may open. Deny by default.

    - national readers (system administrator, ministry analyst): all (read-only);
    - coordinator: every gathering of their programme;
    - anyone leading a gathering or expected at it (through their linked Person);
    - principal, school facilitator, teacher: in-school sessions of their school, network
      events of their school's region, and programme-wide gatherings (induction, webinar,
      conference) of their programme for their cohort or the whole programme;
    - link facilitator: the same for each assigned school.
    Certifiers and observers see no gatherings (observers see aggregate rates only).
    """
    if access.is_national:
        return access.country_condition("programme__country")  # every programme of their country
    # One condition on the gathering's own columns, each to-many relation (leads, attendances,
    # cohort schools) read as a subquery of keys on its indexed column: no join, so no repeated
    # rows and no wrapping subquery. The joins it replaced cost PostgreSQL more to plan than the
    # rows cost to read, on every page that lists gatherings (docs/benchmarks.md, issue 18).
    condition = Q(pk__in=Gathering.leads.through.objects.filter(user=access.user).values("gathering_id"))
    person = access.person
    if person is not None:
        condition |= Q(pk__in=Attendance.objects.filter(person_id=person.pk).values("gathering_id"))
    memberships = access.programme_memberships()
    for programme_id in sorted({m.programme_id for m in memberships if m.programme_id is not None}):
        roles = {m.role for m in memberships if m.programme_id == programme_id}
        if Role.COORDINATOR in roles:
            condition |= Q(programme_id=programme_id)
            continue
        school_ids = access.programme_school_ids(programme_id)
        if not school_ids:
            continue
        cohort_ids = sorted({m.cohort_id for m in memberships if m.programme_id == programme_id and m.cohort_id})
        condition |= Q(programme_id=programme_id, kind=GatheringKind.IN_SCHOOL, school_id__in=sorted(school_ids))
        condition |= Q(
            programme_id=programme_id,
            kind=GatheringKind.NETWORK,
            # the regions of those schools, read by primary key (a join from the region to all its
            # schools made every restricted query hash the whole school table)
            region_id__in=School.objects.filter(pk__in=sorted(school_ids)).values("region_id"),
        )
        wide = Q(programme_id=programme_id, school__isnull=True, region__isnull=True)
        cohort_scope = Q(cohort__isnull=True)
        if cohort_ids:
            cohort_scope |= Q(cohort_id__in=cohort_ids)
        if Role.LINK_FACILITATOR in roles:
            cohort_scope |= Q(
                cohort_id__in=CohortSchool.objects.filter(school_id__in=sorted(school_ids)).values("cohort_id")
            )
        condition |= wide & cohort_scope
    return condition


def _leads(user: Actor, gathering: Gathering) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    # Uses the prefetched leads when the caller prefetched them.
    return any(lead.pk == user.pk for lead in gathering.leads.all())


def can_create_gathering(
    user: Actor,
    programme: Programme,
    kind: str | None = None,
    school_id: int | None = None,
    region_id: int | None = None,
) -> bool:
    """Coordinators schedule anything in their programme. School facilitators schedule
    in-school sessions of their school; link facilitators in-school sessions of their
    assigned schools and network events in those schools' regions. ``kind=None`` asks
    whether the user may schedule anything at all."""
    if not programme.is_active:
        return False
    if access_for(user).is_coordinator(programme):
        return True
    roles = access_for(user).programme_roles(programme)
    facilitating = roles & {Role.SCHOOL_FACILITATOR, Role.LINK_FACILITATOR}
    if not facilitating:
        return False
    if kind is None:
        return True
    schools = access_for(user).programme_school_ids(programme, role=Role.SCHOOL_FACILITATOR) | access_for(
        user
    ).programme_school_ids(programme, role=Role.LINK_FACILITATOR)
    if kind == GatheringKind.IN_SCHOOL:
        return school_id is not None and school_id in schools
    if kind == GatheringKind.NETWORK and Role.LINK_FACILITATOR in roles and region_id is not None:
        link_schools = access_for(user).programme_school_ids(programme, role=Role.LINK_FACILITATOR)
        return School.objects.filter(pk__in=sorted(link_schools), region_id=region_id).exists()
    return False


def can_manage_gathering(user: Actor, gathering: Gathering) -> bool:
    """Edit, upload materials, mark attendance: the people leading it and the coordinator."""
    return gathering.programme.is_active and (
        _leads(user, gathering) or access_for(user).is_coordinator(gathering.programme_id)
    )


def can_mark_attendance(user: Actor, gathering: Gathering) -> bool:
    """The person leading marks attendance (the coordinator may correct it)."""
    return can_manage_gathering(user, gathering)


def can_view_attendance(user: Actor, gathering: Gathering) -> bool:
    """The attendance list of a gathering: leads, coordinators and national readers; a
    participant sees only their own row (see the gathering page)."""
    return (
        can_manage_gathering(user, gathering)
        or access_for(user).is_national
        or access_for(user).is_coordinator(gathering.programme_id)
    )


def can_present(user: Actor, gathering: Gathering) -> bool:
    """Teachers expected at a network event or conference add their presentation; leads
    and coordinators add them for anyone."""
    if gathering.kind not in (GatheringKind.NETWORK, GatheringKind.CONFERENCE) or not gathering.programme.is_active:
        return False
    if can_manage_gathering(user, gathering):
        return True
    person = access_for(user).person
    return (
        person is not None
        and bool(access_for(user).programme_roles(gathering.programme_id))
        and gathering.attendances.filter(person=person).exists()
    )


def can_give_feedback(user: Actor, gathering: Gathering) -> bool:
    """Programme participants of the event (expected or leading) and its coordinator."""
    if gathering.kind not in (GatheringKind.NETWORK, GatheringKind.CONFERENCE) or not gathering.programme.is_active:
        return False
    if can_manage_gathering(user, gathering):
        return True
    roles = access_for(user).programme_roles(gathering.programme_id) - {Role.CERTIFIER, Role.OBSERVER}
    if not roles:
        return False
    person = access_for(user).person
    if person is not None and gathering.attendances.filter(person=person).exists():
        return True
    # School facilitators, principals and link facilitators of a school taking part.
    schools = access_for(user).programme_school_ids(gathering.programme_id)
    return gathering.attendances.filter(school_id__in=sorted(schools)).exists()


def can_view_feedback(user: Actor, gathering: Gathering) -> bool:
    """Feedback is visible to the event's programme participants and national readers."""
    return (
        can_give_feedback(user, gathering)
        or access_for(user).is_national
        or access_for(user).is_coordinator(gathering.programme_id)
    )


def can_view_report(user: Actor, programme: Programme) -> bool:
    """Attendance rates and participation hours: coordinator, observer, national readers."""
    return access_for(user).is_national or bool(
        access_for(user).programme_roles(programme) & {Role.COORDINATOR, Role.OBSERVER}
    )


# Named rules over the rows the gathering rule allows (see docs/architecture.md, "Named rules").


def _in_visible_gatherings(access: Access) -> Q | bool:
    gatherings = gatherings_visible(access)
    if isinstance(gatherings, bool):
        return gatherings
    return Q(gathering__in=Gathering.objects.filter(gatherings).values("pk"))


rule("attendance.Attendance", "view")(_in_visible_gatherings)
rule("attendance.Material", "view")(_in_visible_gatherings)
rule("attendance.Presentation", "view")(_in_visible_gatherings)


@object_rule("attendance.Gathering", "manage")
def may_manage_gathering(access: Access, gathering: Gathering) -> bool:
    return can_manage_gathering(access.user, gathering)


@object_rule("attendance.Gathering", "mark")
def may_mark_attendance(access: Access, gathering: Gathering) -> bool:
    return can_mark_attendance(access.user, gathering)


@object_rule("attendance.Gathering", "present")
def may_present(access: Access, gathering: Gathering) -> bool:
    return can_present(access.user, gathering)


@object_rule("attendance.Attendance", "manage")
def may_manage_attendance_row(access: Access, attendance: Attendance) -> bool:
    return can_manage_gathering(access.user, attendance.gathering)


@object_rule("attendance.Attendance", "mark")
def may_mark_attendance_row(access: Access, attendance: Attendance) -> bool:
    return can_mark_attendance(access.user, attendance.gathering)


@object_rule("attendance.Presentation", "give-feedback")
def may_give_feedback(access: Access, presentation: Presentation) -> bool:
    return can_give_feedback(access.user, presentation.gathering)


@object_rule("programmes.Programme", "schedule")
def may_schedule(access: Access, programme: Programme) -> bool:
    return can_create_gathering(access.user, programme)


@object_rule("programmes.Programme", "attendance-report")
def may_view_report(access: Access, programme: Programme) -> bool:
    return can_view_report(access.user, programme)


@rule("registry.School", "calendar")
def schools_with_a_calendar(access: Access) -> Q | bool:
    """A school's calendar: for the people acting for the school in a programme, and for
    national readers."""
    if access.is_national:
        return True
    ids: set[int] = set()
    for programme_id in access.programme_ids:
        ids |= access.programme_school_ids(programme_id)
    return Q(pk__in=sorted(ids)) if ids else False


@rule("registry.School", "schedule")
def schools_to_schedule_in(access: Access) -> Q | bool:
    """Schools where the actor may schedule in-school sessions in some programme: every school of
    a programme they coordinate, and the schools they facilitate (school or link facilitator)."""
    ids: set[int] = set()
    for programme_id in access.programme_ids:
        if access.is_coordinator(programme_id):
            ids |= access.programme_school_ids(programme_id)
        else:
            ids |= access.programme_school_ids(programme_id, role=Role.SCHOOL_FACILITATOR)
            ids |= access.programme_school_ids(programme_id, role=Role.LINK_FACILITATOR)
    return Q(pk__in=sorted(ids)) if ids else False
