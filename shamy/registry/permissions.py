"""Registry permission predicates. Deny by default."""

from __future__ import annotations

import operator
from collections.abc import Callable
from functools import reduce

from django.db.models import Q
from django.utils import timezone

from shamy.access.context import Access, Actor, access_for
from shamy.access.roles import Role
from shamy.core.countries import HOME_COUNTRY, REGISTRY_COUNTRIES
from shamy.core.rules import rule
from shamy.registry.models import (
    DistrictQuerySet,
    Employment,
    Person,
    PersonQuerySet,
    Region,
    RegionQuerySet,
    SchoolQuerySet,
    ScopedQuerySet,
)


def _in_registry_scope(queryset: type[ScopedQuerySet]) -> Callable[[Access], Q | bool]:
    """The "view" rule of a registry model: rows in the actor's countries, regions or schools.

    System administrators see every row; a ministry analyst the home country's, a country
    administrator their country's (the region's country, as a subquery of the regions table, so
    the page's query joins nothing more); a regional role its region; a school role its schools.
    """

    def rows(access: Access) -> Q | bool:
        scope = access.registry
        if scope.everywhere:
            return True
        conditions = []
        if scope.countries:
            regions = Region.objects.filter(country__in=sorted(scope.countries)).values("pk")
            conditions.append(Q(**{f"{queryset.region_path}__in": regions}))
            if queryset is PersonQuerySet and HOME_COUNTRY in scope.countries:
                # Someone employed at no school (a partner's staff, a trainer) belongs to the
                # installation's own country: its national readers saw them before countries existed.
                conditions.append(~Q(pk__in=Employment.objects.values("person_id")))
        if scope.region_ids:
            conditions.append(Q(**{f"{queryset.region_path}__in": sorted(scope.region_ids)}))
        if scope.school_ids and queryset.school_path:
            conditions.append(Q(**{f"{queryset.school_path}__in": sorted(scope.school_ids)}))
        return reduce(operator.or_, conditions) if conditions else False

    return rows


rule("registry.Region", "view")(_in_registry_scope(RegionQuerySet))
rule("registry.District", "view")(_in_registry_scope(DistrictQuerySet))
rule("registry.School", "view")(_in_registry_scope(SchoolQuerySet))
rule("registry.Person", "view")(_in_registry_scope(PersonQuerySet))


@rule("registry.Organisation", "view")
def organisations_visible(access: Access) -> Q | bool:
    """Partner organisations are not personal data: anyone with a registry scope sees those of the
    countries they read (a ministry analyst Kazakhstan's, a country administrator their own, a
    regional or school role their region's country), and the organisations of no registry country
    (international partners). Another partner country's ministries and operators stay its own."""
    scope = access.registry
    if scope.everywhere:
        return True
    if not scope.any:
        return False
    condition = ~Q(country__in=REGISTRY_COUNTRIES)
    if scope.countries:
        condition |= Q(country__in=sorted(scope.countries))
    if scope.region_ids:
        condition |= Q(country__in=Region.objects.filter(pk__in=sorted(scope.region_ids)).values("country"))
    if scope.school_ids:
        condition |= Q(country__in=Region.objects.filter(schools__in=sorted(scope.school_ids)).values("country"))
    return condition


def can_view_personal_data(user: Actor, person: Person) -> bool:
    """IIN, phone and e-mail in full: system administrators, and the principal of a school the
    person works at now (the employer needs them). Analysts see people only masked."""
    if access_for(user).is_system_admin:
        return True
    principal_schools = {m.school_id for m in access_for(user).memberships if m.role == Role.SCHOOL_PRINCIPAL}
    if not principal_schools:
        return False
    today = timezone.localdate()
    return any(
        employment.school_id in principal_schools and (employment.ends_on is None or employment.ends_on >= today)
        for employment in person.employments.all()
    )


def can_import_registry(user: Actor) -> bool:
    """Imports create and change regions, districts, schools and people, in any country: system
    administrators only (a country administrator reads their country's registry)."""
    return access_for(user).is_system_admin


def may_browse_registry(access: Access) -> bool:
    """The region and school lists: anyone with a registry scope (national, region, school)."""
    return access.registry.any
