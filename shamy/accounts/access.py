"""Who may see what: every permission decision starts from a user's active memberships.

Deny by default: anonymous users and users without an active membership have an empty scope.
The memberships are read once per request and cached on the user object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from shamy.accounts.models import Membership, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from shamy.accounts.models import User

_CACHE_ATTRIBUTE = "_shamy_memberships"
NATIONAL_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.MINISTRY_ANALYST})


@dataclass(frozen=True)
class RegistryScope:
    """The part of the registry a user may see."""

    national: bool = False
    region_ids: frozenset[int] = field(default_factory=frozenset)
    school_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def any(self) -> bool:
        return self.national or bool(self.region_ids) or bool(self.school_ids)

    def covers_school(self, school_id: int, region_id: int) -> bool:
        """Whether the school's page opens (as ``School.objects.visible_to`` filters it)."""
        return self.national or school_id in self.school_ids or region_id in self.region_ids

    def covers_region(self, region_id: int) -> bool:
        """Whether the whole region is in scope (a principal sees only their school's part)."""
        return self.national or region_id in self.region_ids


def active_memberships(user: Any) -> list[Membership]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = list(Membership.objects.active().filter(user_id=user.pk).select_related("region", "school"))
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


def forget_memberships(user: Any) -> None:
    """Drop the per-request cache after memberships change."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def roles_of(user: Any) -> set[str]:
    return {membership.role for membership in active_memberships(user)}


def has_role(user: Any, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_system_admin(user: Any) -> bool:
    return has_role(user, Role.SYSTEM_ADMIN)


def registry_scope(user: User | AnonymousUser | None) -> RegistryScope:
    memberships = active_memberships(user)
    if any(m.role in NATIONAL_ROLES for m in memberships):
        return RegistryScope(national=True)
    regions = frozenset(m.region_id for m in memberships if m.role == Role.REGIONAL_ANALYST and m.region_id)
    schools = frozenset(m.school_id for m in memberships if m.role == Role.SCHOOL_PRINCIPAL and m.school_id)
    return RegistryScope(region_ids=regions, school_ids=schools)
