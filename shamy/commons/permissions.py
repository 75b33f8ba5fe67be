"""Commons rules (``shamy/core/rules.py``) and predicates. Reading published items needs no account.

- "view" (``Resource``): published items for everyone signed in (anonymous visitors read them
  through ``Resource.objects.public()``); unpublished ones for their author, the coordinators of
  their programme and system administrators;
- "moderate": system administrators, and the coordinators of the item's programme;
- adding an item: anyone signed in with an active role (teachers, facilitators, coordinators,
  analysts...); it waits for moderation.
"""

from __future__ import annotations

from django.db.models import Q

from shamy.access.context import Access, Actor, access_for
from shamy.access.roles import Role
from shamy.commons.models import Resource
from shamy.core.rules import object_rule, rule


@rule("commons.Resource", "view")
def resources_visible(access: Access) -> Q | bool:
    if access.is_system_admin:
        return True
    condition = Q(pk__in=Resource.objects.public().values("pk"))
    if access.user is not None:
        condition |= Q(author_id=access.user.pk)
    coordinated = sorted(
        {m.programme_id for m in access.programme_memberships() if m.role == Role.COORDINATOR and m.programme_id}
    )
    if coordinated:
        condition |= Q(programme_id__in=coordinated)
    return condition


@object_rule("commons.Resource", "moderate")
def may_moderate(access: Access, resource: Resource) -> bool:
    return access.is_system_admin or (
        resource.programme_id is not None and access.is_coordinator(resource.programme_id)
    )


def may_submit(access: Access) -> bool:
    return bool(access.roles)


def may_open_moderation(access: Access) -> bool:
    return access.is_system_admin or any(m.role == Role.COORDINATOR for m in access.programme_memberships())


# Predicates for services and templates, which take users.
def can_submit(user: Actor) -> bool:
    return may_submit(access_for(user))


def can_moderate(user: Actor, resource: Resource) -> bool:
    return may_moderate(access_for(user), resource)


def can_open_moderation(user: Actor) -> bool:
    return may_open_moderation(access_for(user))
