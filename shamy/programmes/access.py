"""Who takes part in which programme, and for which schools. Deny by default.

Every programme permission starts here. Roles are read from the user's *active*
memberships (``accounts.access.active_memberships``, cached per request on the user object)
that carry a ``programme``; the foundation roles without a programme grant nothing inside a
programme, except that national readers (system administrator, ministry analyst) may *read*
every programme (see :func:`national_reader`).

The programme roles and what they reach:

========================  ========================================================
coordinator               the whole programme: every cohort, school and person
school_principal          their school in their cohort (membership with programme)
school_facilitator        their school in their cohort
link_facilitator          the schools assigned to them (:class:`LinkAssignment`)
teacher                   their own work (their school for context)
certifier                 submitted portfolios only (decided by the portfolio apps)
observer                  aggregates only
========================  ========================================================

Functions accept a :class:`~shamy.programmes.models.Programme` or its primary key, and
anonymous users or ``None`` (they get empty answers). Results that need queries are cached
on the user object for the request; call :func:`forget_programme_access` after changing
a user's memberships or link assignments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from shamy.accounts.access import NATIONAL_ROLES, active_memberships, forget_memberships
from shamy.accounts.models import Membership, Role

if TYPE_CHECKING:
    from shamy.programmes.models import Programme
    from shamy.registry.models import Person

_CACHE_ATTRIBUTE = "_shamy_programme_access"

# Roles that reach every cohort of their programme (the coordinator also every school).
WHOLE_PROGRAMME_ROLES = frozenset({Role.COORDINATOR, Role.CERTIFIER, Role.OBSERVER})
# Roles that act for one school of a cohort.
SCHOOL_ROLES = frozenset({Role.SCHOOL_PRINCIPAL, Role.SCHOOL_FACILITATOR, Role.TEACHER})
# Everything a programme membership can be.
ALL_PROGRAMME_ROLES = frozenset(
    {
        Role.COORDINATOR,
        Role.SCHOOL_PRINCIPAL,
        Role.SCHOOL_FACILITATOR,
        Role.LINK_FACILITATOR,
        Role.TEACHER,
        Role.CERTIFIER,
        Role.OBSERVER,
    }
)
# Roles that lead in-school work: facilitating, supporting schools, coordinating.
LEADING_ROLES = frozenset({Role.COORDINATOR, Role.SCHOOL_FACILITATOR, Role.LINK_FACILITATOR})


def _programme_id(programme: Programme | int | None) -> int | None:
    if programme is None:
        return None
    return programme if isinstance(programme, int) else programme.pk


def _cache(user: Any) -> dict[Any, Any]:
    cache = getattr(user, _CACHE_ATTRIBUTE, None)
    if cache is None:
        cache = {}
        setattr(user, _CACHE_ATTRIBUTE, cache)
    return cache


def forget_programme_access(user: Any) -> None:
    """Drop the cached memberships and programme scopes of ``user`` (after a change)."""
    forget_memberships(user)
    if user is not None and hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def programme_memberships(user: Any, programme: Programme | int | None = None) -> list[Membership]:
    """The user's active memberships inside a programme (any programme if ``programme`` is None).

    Only memberships with a programme set and a programme role count.
    """
    wanted = _programme_id(programme)
    return [
        membership
        for membership in active_memberships(user)
        if membership.programme_id is not None
        and membership.role in ALL_PROGRAMME_ROLES
        and (wanted is None or membership.programme_id == wanted)
    ]


def national_reader(user: Any) -> bool:
    """True for system administrators and ministry analysts: they may read every programme
    (lists, details, aggregates) but hold no programme role and cannot manage anything."""
    return any(membership.role in NATIONAL_ROLES for membership in active_memberships(user))


def roles_for(user: Any, programme: Programme | int | None) -> set[str]:
    """The programme roles (``accounts.Role`` values) the user actively holds in ``programme``.

    Empty for anonymous users, outsiders, national readers (they read without a role), and
    for a principal whose membership has no programme. A user may hold several roles.
    """
    if programme is None:
        return set()
    return {membership.role for membership in programme_memberships(user, programme)}


def has_programme_role(user: Any, programme: Programme | int | None, *roles: str) -> bool:
    """True if the user holds at least one of ``roles`` in ``programme``."""
    return bool(roles_for(user, programme) & set(roles))


def is_coordinator(user: Any, programme: Programme | int | None) -> bool:
    """True if the user actively coordinates ``programme`` (may manage all of it)."""
    return Role.COORDINATOR in roles_for(user, programme)


def programme_ids_of(user: Any) -> frozenset[int]:
    """IDs of programmes in which the user holds any active programme role."""
    return frozenset(m.programme_id for m in programme_memberships(user) if m.programme_id is not None)


def link_school_ids(user: Any, programme: Programme | int | None) -> frozenset[int]:
    """Schools (``registry.School`` IDs) assigned to the user as link facilitator in
    ``programme``, through active link-facilitator memberships of that programme. One query,
    cached."""
    programme_id = _programme_id(programme)
    memberships = [m.pk for m in programme_memberships(user, programme_id) if m.role == Role.LINK_FACILITATOR]
    if not memberships or programme_id is None:
        return frozenset()
    key = ("link_schools", programme_id)
    cache = _cache(user)
    if key not in cache:
        from shamy.programmes.models import LinkAssignment

        cache[key] = frozenset(
            LinkAssignment.objects.filter(
                membership_id__in=memberships, cohort_school__cohort__programme_id=programme_id
            ).values_list("cohort_school__school_id", flat=True)
        )
    return cache[key]  # type: ignore[no-any-return]


def programme_school_ids(user: Any, programme: Programme | int | None, role: str | None = None) -> frozenset[int]:
    """Schools (``registry.School`` IDs) the user acts for in ``programme``.

    - principal, school facilitator, teacher: the school of that membership;
    - link facilitator: the schools assigned to them;
    - coordinator: every school of every cohort of the programme;
    - certifier, observer, national readers, outsiders: none.

    With ``role`` only that role's schools are returned (e.g. ``role=Role.TEACHER``).
    """
    programme_id = _programme_id(programme)
    if programme_id is None:
        return frozenset()
    memberships = programme_memberships(user, programme_id)
    if role is not None:
        memberships = [m for m in memberships if m.role == role]
    roles = {m.role for m in memberships}
    if Role.COORDINATOR in roles:
        key = ("all_schools", programme_id)
        cache = _cache(user)
        if key not in cache:
            from shamy.programmes.models import CohortSchool

            cache[key] = frozenset(
                CohortSchool.objects.filter(cohort__programme_id=programme_id).values_list("school_id", flat=True)
            )
        return cache[key]  # type: ignore[no-any-return]
    schools = {m.school_id for m in memberships if m.role in SCHOOL_ROLES and m.school_id is not None}
    if Role.LINK_FACILITATOR in roles:
        schools |= link_school_ids(user, programme_id)
    return frozenset(schools)


def cohort_ids_of(user: Any) -> frozenset[int]:
    """IDs of the cohorts the user takes part in, across programmes (see
    ``Cohort.objects.visible_to``). At most one query, cached."""
    memberships = programme_memberships(user)
    if not memberships:
        return frozenset()
    cache = _cache(user)
    if "cohorts" in cache:
        return cache["cohorts"]  # type: ignore[no-any-return]
    from shamy.programmes.models import Cohort

    whole = {m.programme_id for m in memberships if m.role in WHOLE_PROGRAMME_ROLES}
    direct = {m.cohort_id for m in memberships if m.cohort_id is not None and m.role != Role.LINK_FACILITATOR}
    # A principal's programme membership may omit the cohort: the cohorts their school is in.
    school_pairs = [
        (m.programme_id, m.school_id)
        for m in memberships
        if m.role == Role.SCHOOL_PRINCIPAL and m.cohort_id is None and m.school_id is not None
    ]
    links = [m.pk for m in memberships if m.role == Role.LINK_FACILITATOR]
    condition = Q(pk__in=sorted(direct)) if direct else Q(pk__in=[])
    if whole:
        condition |= Q(programme_id__in=sorted(whole))
    for programme_id, school_id in school_pairs:
        condition |= Q(programme_id=programme_id, schools__school_id=school_id)
    if links:
        condition |= Q(schools__link_assignments__membership_id__in=links)
    cache["cohorts"] = frozenset(Cohort.objects.filter(condition).values_list("pk", flat=True).distinct())
    return cache["cohorts"]  # type: ignore[no-any-return]


def can_read_programme(user: Any, programme: Programme | int | None) -> bool:
    """True if the user may open the programme's pages (any role in it, or a national reader)."""
    return programme is not None and (national_reader(user) or bool(roles_for(user, programme)))


def person_for(user: Any) -> Person | None:
    """The ``registry.Person`` linked to the user's account (``Person.user``), or None.

    Cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    cache = _cache(user)
    if "person" not in cache:
        from shamy.registry.models import Person

        cache["person"] = Person.objects.filter(user_id=user.pk).first()
    return cache["person"]  # type: ignore[no-any-return]
