"""Reads for the programme pages. Every selector starts from ``restrict(actor, action)``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from shamy.access.context import Access, Actor, access_for
from shamy.access.models import Membership
from shamy.access.roles import Role
from shamy.core.db import kazakh_order
from shamy.core.inputs import parse_id
from shamy.core.text import search_query_key
from shamy.programmes.models import (
    Cohort,
    CohortSchool,
    Invitation,
    LinkAssignment,
    MethodologyStage,
    Programme,
    ProgrammePartner,
)
from shamy.programmes.permissions import can_view_all_people
from shamy.registry.models import Person, Region, School


def programme_list(*, actor: Actor) -> QuerySet[Programme]:
    return (
        Programme.objects.restrict(actor, "view")
        .annotate(
            cohort_count=Count("cohorts", distinct=True),
            school_count=Count("cohorts__schools", distinct=True),
        )
        .order_by("status", "-starts_on", "id")
    )


def programme_get_for_user(*, user: Actor, programme_id: int) -> Programme:
    return get_object_or_404(Programme.objects.restrict(user, "view"), pk=programme_id)


def cohort_get_for_user(*, user: Actor, cohort_id: int) -> Cohort:
    return get_object_or_404(Cohort.objects.restrict(user, "view").select_related("programme"), pk=cohort_id)


def stage_get_for_user(*, user: Actor, stage_id: int) -> MethodologyStage:
    return get_object_or_404(
        MethodologyStage.objects.filter(programme__in=Programme.objects.restrict(user, "view")).select_related(
            "programme"
        ),
        pk=stage_id,
    )


def invitation_get_for_user(*, user: Actor, invitation_id: int) -> Invitation:
    return get_object_or_404(
        Invitation.objects.filter(programme__in=Programme.objects.restrict(user, "view")).select_related("programme"),
        pk=invitation_id,
    )


@dataclass
class RegionGroup:
    region: Any
    rows: list[CohortSchool]


def programme_overview(*, actor: Actor, programme: Programme) -> dict[str, Any]:
    """Partners, stages, the cohorts visible to the actor and the programme's schools by region."""
    partners = list(ProgrammePartner.objects.filter(programme=programme).select_related("organisation"))
    stages = list(MethodologyStage.objects.filter(programme=programme).order_by("order", "id"))
    cohorts = list(
        Cohort.objects.restrict(actor, "view")
        .filter(programme=programme)
        .annotate(school_count=Count("schools", distinct=True))
        .order_by("starts_on", "id")
    )
    cohort_schools = list(
        CohortSchool.objects.filter(cohort__programme=programme)
        .select_related("school__region", "school__district", "cohort")
        .order_by("school__region__kato", kazakh_order("school__name_kk"), "id")
    )
    groups: list[RegionGroup] = []
    for row in cohort_schools:
        if not groups or groups[-1].region.pk != row.school.region_id:
            groups.append(RegionGroup(region=row.school.region, rows=[]))
        groups[-1].rows.append(row)
    return {"partners": partners, "stages": stages, "cohorts": cohorts, "regions": groups}


def cohort_people(*, actor: Actor, cohort: Cohort) -> list[Membership]:
    """Active memberships of the cohort's schools (and its link facilitators) the actor may
    see: all for the coordinator and national readers, otherwise the actor's own schools."""
    memberships = (
        Membership.objects.active()
        .filter(programme=cohort.programme)
        .filter(Q(cohort=cohort) | Q(role=Role.LINK_FACILITATOR, link_assignments__cohort_school__cohort=cohort))
        .select_related("user", "school")
        .prefetch_related(
            Prefetch(
                "link_assignments",
                queryset=LinkAssignment.objects.filter(cohort_school__cohort=cohort).select_related(
                    "cohort_school__school__district"
                ),
            )
        )
        .distinct()
        .order_by("school_id", "role", kazakh_order("user__full_name"), "id")
    )
    if not can_view_all_people(actor, cohort.programme):
        schools = sorted(access_for(actor).programme_school_ids(cohort.programme_id))
        memberships = memberships.filter(
            Q(school_id__in=schools) | Q(link_assignments__cohort_school__school_id__in=schools)
        )
    return list(memberships)


def cohort_schools(*, cohort: Cohort) -> list[CohortSchool]:
    return list(
        CohortSchool.objects.filter(cohort=cohort)
        .select_related("school__region", "school__district")
        .order_by("school__region__kato", kazakh_order("school__name_kk"), "id")
    )


def calendar_school_ids(*, actor: Access | Actor, school_ids: list[int]) -> set[int]:
    """Which of these schools' calendars (``attendance:school-calendar``) the actor may open: the
    same rule "calendar" the calendar view checks, so a page never links to a calendar that would
    answer 404. One query."""
    if not school_ids:
        return set()
    return set(School.objects.restrict(actor, "calendar").filter(pk__in=school_ids).values_list("pk", flat=True))


def cohort_school_rows(*, access: Access, cohort: Cohort, people: list[Any]) -> tuple[list[dict[str, Any]], list[Any]]:
    """The cohort page's rows: each cohort school with its people and whether the viewer may open
    its calendar; and the people attached to no school (link facilitators)."""
    schools = cohort_schools(cohort=cohort)
    by_school: dict[int, list[Any]] = {}
    links = []
    for membership in people:
        if membership.school_id:
            by_school.setdefault(membership.school_id, []).append(membership)
        else:
            links.append(membership)
    calendars = calendar_school_ids(actor=access, school_ids=[row.school_id for row in schools])
    rows = [
        {"cohort_school": row, "people": by_school.get(row.school_id, []), "calendar": row.school_id in calendars}
        for row in schools
    ]
    return rows, links


def school_search_for_cohort(*, actor: Actor, cohort: Cohort, query: str, limit: int = 20) -> list[School]:
    """Registry schools matching a name (Kazakh/Russian, case-insensitive), BIN or KATO code
    that are not yet in the cohort (rule "enrol": coordinators search their programmes' country's
    registry), of the cohort's programme's country only."""
    key = search_query_key(query)
    if len(key) < 2:
        return []
    schools = (
        School.objects.restrict(actor, "enrol")
        .in_country(cohort.programme.country)
        .filter(Q(search_text__contains=key) | Q(bin=query.strip()) | Q(kato=query.strip()))
        .exclude(cohort_links__cohort=cohort)
        .select_related("region", "district")
        .order_by(kazakh_order("name_kk"), "id")
    )
    return list(schools[:limit])


def invitation_list(*, programme: Programme) -> QuerySet[Invitation]:
    return Invitation.objects.filter(programme=programme).select_related("cohort", "school__district", "invited_by")


def school_to_enrol(*, actor: Actor, raw_id: str) -> School | None:
    """The school picked from the search results, if the actor may enrol it at all (rule "enrol":
    a school of their programmes' country). Whether it suits the cohort (its programme's country)
    is the enrolment service's question, which says why when it does not."""
    school_id = parse_id(raw_id)
    if not school_id:
        return None
    return School.objects.restrict(actor, "enrol").select_related("region").filter(pk=school_id).first()


def country_regions(*, programme: Programme) -> QuerySet[Region]:
    """The regions a programme's forms offer (a fellowship's partner regions, an alumnus's region,
    an event's region): its own country's, in Kazakh alphabetical order (issue 17)."""
    return Region.objects.in_country(programme.country).order_by(kazakh_order("name_kk"), "id")


def with_programme(rows: QuerySet[Any]) -> QuerySet[Any]:
    """The ``shape`` of ``@checked`` for cohorts, stages and invitations: with their programme."""
    return rows.select_related("programme")


def cohort_school_page(rows: QuerySet[CohortSchool]) -> QuerySet[CohortSchool]:
    return rows.select_related("cohort__programme", "school")


def invitation_needs_name(invitation: Invitation) -> bool:
    """Whether accepting asks for a name: no person is known for the invited e-mail yet."""
    if invitation.person is not None:
        return False
    return not Person.objects.filter(user__email__iexact=invitation.email).exists()
