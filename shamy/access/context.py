"""The one access object: who the actor is, which roles they hold where, and what that reaches.

Every permission decision reads an :class:`Access`. The middleware builds one per request as
``request.access``; services, tasks, commands and the API get the same object with
:func:`access_for` (it is kept on the user object, so a request reads memberships once however
many places ask). Deny by default: anonymous users, inactive users and users without an active
membership hold no role and reach nothing.

Everything is computed lazily and at most once: the memberships (one query), the registry and
analytics scopes (no query), a programme's schools, a link facilitator's schools, the cohorts
taken part in and the person linked to the account (one query each, when first asked). After a
change to someone's memberships or link assignments call :func:`forget_access`.

This app sits below the registry and the programmes: it reaches the tables a grant points to
through :class:`~shamy.access.models.Membership`'s own relations, and imports neither app.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import F, Q, prefetch_related_objects

from shamy.access.models import Membership
from shamy.access.roles import (
    COUNTRY_ROLES,
    NATIONAL_ROLES,
    PROGRAMME_ROLES,
    PROGRAMME_VIEWER_ROLES,
    SCHOOL_ROLES,
    WHOLE_PROGRAMME_ROLES,
    Role,
)
from shamy.core.countries import HOME_COUNTRY

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from shamy.accounts.models import User

_ATTRIBUTE = "_shamy_access"

# Whoever a read is for: a signed-in user, an anonymous visitor, or nobody (a command or a task).
Actor: TypeAlias = "User | AnonymousUser | None"


class HasPk(Protocol):
    @property
    def pk(self) -> Any: ...


ProgrammeRef = HasPk | int | None


def _related_model(name: str) -> Any:
    """A model a membership points to (a cohort) or that points to it (a link assignment), reached
    through the relation itself: this app names the programmes' tables without importing them."""
    return Membership._meta.get_field(name).related_model


def _pk(obj: ProgrammeRef) -> int | None:
    if obj is None:
        return None
    return obj if isinstance(obj, int) else obj.pk  # type: ignore[no-any-return]


@dataclass(frozen=True)
class RegistryScope:
    """The part of the registry an actor may see: every country (``everywhere``: system
    administrators), whole countries (``countries``: the home country for ministry analysts, their
    own for country administrators), some regions, some schools (principals)."""

    everywhere: bool = False
    countries: frozenset[str] = field(default_factory=frozenset)
    region_ids: frozenset[int] = field(default_factory=frozenset)
    school_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def any(self) -> bool:
        return self.everywhere or bool(self.countries) or bool(self.region_ids) or bool(self.school_ids)

    @property
    def national(self) -> bool:
        """Reads at least one whole country (every country, or the ones in ``countries``)."""
        return self.everywhere or bool(self.countries)

    def covers_country(self, country: str) -> bool:
        return self.everywhere or country in self.countries

    # The two below answer for the actor's own memberships' schools and regions (the start page's
    # links), which a principal's or regional analyst's scope names itself; a school or region of
    # a whole country in scope is a matter for the registry's rules, which read its country.
    def covers_school(self, school_id: int, region_id: int) -> bool:
        """Whether the school's page opens by the school's or region's own grant (or everywhere)."""
        return self.everywhere or school_id in self.school_ids or region_id in self.region_ids

    def covers_region(self, region_id: int) -> bool:
        """Whether the whole region is in scope by a grant of its own (a principal sees only their school's part)."""
        return self.everywhere or region_id in self.region_ids


@dataclass(frozen=True)
class AnalyticsScope:
    """Which aggregates an actor sees: the country, some regions, or their programmes' figures."""

    national: bool = False
    region_ids: frozenset[int] = field(default_factory=frozenset)
    public: bool = False
    # Non-empty for programme coordinators and observers: the only programmes they may filter by.
    programme_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def any(self) -> bool:
        return self.national or bool(self.region_ids)

    @property
    def cache_key(self) -> str:
        if self.programme_ids:
            return "p" + "-".join(str(pk) for pk in sorted(self.programme_ids))
        if self.national:
            return "public" if self.public else "national"
        return "r" + "-".join(str(pk) for pk in sorted(self.region_ids))

    def allows_region(self, region_id: int) -> bool:
        return self.national or region_id in self.region_ids


PUBLIC_ANALYTICS = AnalyticsScope(national=True, public=True)


class Access:
    """What one actor may do. Build it with :func:`access_for`; never from memberships by hand."""

    def __init__(self, user: Actor) -> None:
        self._user = user
        self._cache: dict[Any, Any] = {}

    def __repr__(self) -> str:
        return f"<Access {self.user_id}>"

    # --- the actor ----------------------------------------------------------------------------
    @property
    def user(self) -> User | None:
        """The signed-in, active user, or None (anonymous, inactive or no user)."""
        user = self._user
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        return user  # type: ignore[return-value]

    @property
    def user_id(self) -> int | None:
        user = self.user
        return user.pk if user is not None else None

    @cached_property
    def memberships(self) -> list[Membership]:
        """The actor's active memberships, with their region and school and, as
        ``programme_country``, their programme's country (one query)."""
        if self.user is None:
            return []
        return self._read_memberships(self.user.pk)

    @staticmethod
    def _read_memberships(user_id: int, *related: str) -> list[Membership]:
        return list(
            Membership.objects.active()
            .filter(user_id=user_id)
            .select_related("region", "school", *related)
            .annotate(programme_country=F("programme__country"))
        )

    def memberships_with_programmes(self) -> list[Membership]:
        """:attr:`memberships`, each with its programme and cohort read too (for a page that names
        them). One query when the memberships are not read yet (the programme and cohort joined
        to them); else the programmes and cohorts of those already read (two queries at most)."""
        if "memberships" not in self.__dict__ and self.user is not None:
            self.__dict__["memberships"] = self._read_memberships(self.user.pk, "programme", "cohort")
        else:
            prefetch_related_objects(self.memberships, "programme", "cohort")
        return self.memberships

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(membership.role for membership in self.memberships)

    def has_role(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)

    @property
    def is_system_admin(self) -> bool:
        return Role.SYSTEM_ADMIN in self.roles

    @property
    def is_national(self) -> bool:
        """System administrators and ministry analysts: the whole country, read-only in programmes.

        The apps' rules that give national readers every programme's rows read this; a country
        administrator is not national (see :attr:`countries`)."""
        return self.has_role(*NATIONAL_ROLES)

    @cached_property
    def countries(self) -> frozenset[str]:
        """Countries whose whole registry and programmes the actor reads (no query).

        Ministry analysts: the home country (``shamy.core.countries.HOME_COUNTRY``); a country
        administrator: the country of their membership. System administrators read every country
        (:attr:`everywhere`), so this set is not what limits them.
        """
        countries = {str(m.country) for m in self.memberships if m.role in COUNTRY_ROLES and m.country}
        if self.is_national:
            countries.add(HOME_COUNTRY)
        return frozenset(countries)

    @property
    def everywhere(self) -> bool:
        """Every country's registry and programmes: system administrators (the installation's operators)."""
        return self.is_system_admin

    def country_condition(self, path: str) -> Q | bool:
        """Rows whose country (reached by ``path``, e.g. ``"country"``, ``"programme__country"``)
        the actor reads whole: True for every country, False for none."""
        if self.everywhere:
            return True
        if not self.countries:
            return False
        return Q(**{f"{path}__in": sorted(self.countries)})

    @cached_property
    def person(self) -> Any:
        """The registry person linked to the account (``Person.user``), or None. One query."""
        if self.user is None:
            return None
        try:
            return self.user.person  # type: ignore[attr-defined]
        except ObjectDoesNotExist:
            return None

    # --- the registry and the aggregates -------------------------------------------------------
    @cached_property
    def registry(self) -> RegistryScope:
        if self.everywhere:
            return RegistryScope(everywhere=True)
        regions = frozenset(m.region_id for m in self.memberships if m.role == Role.REGIONAL_ANALYST and m.region_id)
        return RegistryScope(countries=self.countries, region_ids=regions, school_ids=self.principal_school_ids)

    @cached_property
    def principal_school_ids(self) -> frozenset[int]:
        """Schools the actor is principal of (any principal membership, in a programme or not)."""
        return frozenset(m.school_id for m in self.memberships if m.role == Role.SCHOOL_PRINCIPAL and m.school_id)

    @cached_property
    def analytics(self) -> AnalyticsScope:
        if self.is_national:
            return AnalyticsScope(national=True)
        regions = self.registry.region_ids
        if regions:
            return AnalyticsScope(region_ids=regions)
        # The equity analytics are the home country's statistics: a partner country's programme
        # gives its coordinators and observers no analytics (as its country administrator has none).
        viewing = [m for m in self.memberships if m.role in PROGRAMME_VIEWER_ROLES and m.programme_id is not None]
        home = [m for m in viewing if getattr(m, "programme_country", None) == HOME_COUNTRY]
        programmes = frozenset(m.programme_id for m in home if m.programme_id is not None)
        if programmes:
            return AnalyticsScope(national=True, programme_ids=programmes)
        return AnalyticsScope()

    # --- programmes ----------------------------------------------------------------------------
    def programme_memberships(self, programme: ProgrammeRef = None) -> list[Membership]:
        """Active memberships inside a programme (any programme if ``programme`` is None)."""
        wanted = _pk(programme)
        return [
            m
            for m in self.memberships
            if m.programme_id is not None and m.role in PROGRAMME_ROLES and (wanted is None or m.programme_id == wanted)
        ]

    def programme_roles(self, programme: ProgrammeRef) -> frozenset[str]:
        """The programme roles held in ``programme``. Empty for national readers (they read without
        a role) and for a principal whose membership names no programme."""
        if programme is None:
            return frozenset()
        return frozenset(m.role for m in self.programme_memberships(programme))

    def has_programme_role(self, programme: ProgrammeRef, *roles: str) -> bool:
        return not self.programme_roles(programme).isdisjoint(roles)

    def is_coordinator(self, programme: ProgrammeRef) -> bool:
        """Actively coordinates ``programme``: may manage all of it."""
        return Role.COORDINATOR in self.programme_roles(programme)

    def can_read_programme(self, programme: ProgrammeRef) -> bool:
        """May open the programme's pages: any role in it, or a reader of the programme's whole
        country (a national reader in the home country, a country administrator in theirs)."""
        if programme is None:
            return False
        if self.programme_roles(programme):
            return True
        return self.everywhere or (bool(self.countries) and self.programme_country(programme) in self.countries)

    def programme_country(self, programme: ProgrammeRef) -> str | None:
        """The country of ``programme`` (its own attribute when given an object; else one query, kept)."""
        country = getattr(programme, "country", None)
        if isinstance(country, str):
            return country
        programme_id = _pk(programme)
        if programme_id is None:
            return None
        for membership in self.memberships:  # a programme of one's own: its country came with the membership
            if membership.programme_id == programme_id:
                return membership.programme_country  # type: ignore[attr-defined,no-any-return]
        key = ("programme_country", programme_id)
        if key not in self._cache:
            programmes = _related_model("programme")._default_manager
            self._cache[key] = programmes.filter(pk=programme_id).values_list("country", flat=True).first()
        return self._cache[key]  # type: ignore[no-any-return]

    def programme_countries(self, *roles: str) -> frozenset[str]:
        """The countries of the programmes in which the actor holds one of ``roles`` (any
        programme role when none is named): read with the memberships, no query."""
        wanted = frozenset(roles) or PROGRAMME_ROLES
        return frozenset(
            str(getattr(m, "programme_country", "")) for m in self.programme_memberships() if m.role in wanted
        ) - {""}

    @cached_property
    def programme_ids(self) -> frozenset[int]:
        """Programmes in which the actor holds any active programme role."""
        return frozenset(m.programme_id for m in self.programme_memberships() if m.programme_id is not None)

    def link_school_ids(self, programme: ProgrammeRef) -> frozenset[int]:
        """Schools assigned to the actor as link facilitator in ``programme``. One query, kept."""
        programme_id = _pk(programme)
        memberships = [m.pk for m in self.programme_memberships(programme_id) if m.role == Role.LINK_FACILITATOR]
        if not memberships or programme_id is None:
            return frozenset()
        key = ("link_schools", programme_id)
        if key not in self._cache:
            assignments = _related_model("link_assignments")._default_manager
            self._cache[key] = frozenset(
                assignments.filter(
                    membership_id__in=memberships, cohort_school__cohort__programme_id=programme_id
                ).values_list("cohort_school__school_id", flat=True)
            )
        return self._cache[key]  # type: ignore[no-any-return]

    def programme_school_ids(self, programme: ProgrammeRef, role: str | None = None) -> frozenset[int]:
        """Schools the actor acts for in ``programme``.

        - principal, school facilitator, teacher: the school of that membership;
        - link facilitator: the schools assigned to them;
        - coordinator: every school of every cohort of the programme;
        - certifier, observer, national readers, outsiders: none.

        With ``role`` only that role's schools are returned.
        """
        programme_id = _pk(programme)
        if programme_id is None:
            return frozenset()
        memberships = self.programme_memberships(programme_id)
        if role is not None:
            memberships = [m for m in memberships if m.role == role]
        roles = {m.role for m in memberships}
        if Role.COORDINATOR in roles:
            key = ("all_schools", programme_id)
            if key not in self._cache:
                cohorts = _related_model("cohort")._default_manager
                self._cache[key] = frozenset(
                    cohorts.filter(programme_id=programme_id, schools__isnull=False).values_list(
                        "schools__school_id", flat=True
                    )
                )
            return self._cache[key]  # type: ignore[no-any-return]
        schools = {m.school_id for m in memberships if m.role in SCHOOL_ROLES and m.school_id is not None}
        if Role.LINK_FACILITATOR in roles:
            schools |= self.link_school_ids(programme_id)
        return frozenset(schools)

    @cached_property
    def cohort_ids(self) -> frozenset[int]:
        """The cohorts the actor takes part in, across programmes. At most one query."""
        memberships = self.programme_memberships()
        if not memberships:
            return frozenset()
        whole = sorted({m.programme_id for m in memberships if m.role in WHOLE_PROGRAMME_ROLES and m.programme_id})
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
            condition |= Q(programme_id__in=whole)
        for programme_id, school_id in school_pairs:
            condition |= Q(programme_id=programme_id, schools__school_id=school_id)
        if links:
            condition |= Q(schools__link_assignments__membership_id__in=links)
        cohorts = _related_model("cohort")._default_manager
        return frozenset(cohorts.filter(condition).values_list("pk", flat=True).distinct())

    # --- changes ---------------------------------------------------------------------------------
    def forget(self) -> None:
        """Drop everything read so far (after this actor's memberships or assignments change)."""
        self._cache.clear()
        for name in ("memberships", "roles", "person", "registry", "principal_school_ids", "analytics", "countries"):
            self.__dict__.pop(name, None)
        for name in ("programme_ids", "cohort_ids"):
            self.__dict__.pop(name, None)


def access_for(user: Actor) -> Access:
    """The access object of ``user`` (kept on the user object: built once per request or task)."""
    if user is None or not user.is_authenticated:
        return Access(None)
    access = getattr(user, _ATTRIBUTE, None)
    if access is None:
        access = Access(user)
        setattr(user, _ATTRIBUTE, access)
    return access  # type: ignore[no-any-return]


def forget_access(user: Actor) -> None:
    """After ``user``'s memberships or link assignments change: read them again when next asked."""
    access = getattr(user, _ATTRIBUTE, None) if user is not None else None
    if access is not None:
        access.forget()
