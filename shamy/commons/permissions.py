"""Who adds to the commons and who moderates. Reading published items needs no account.

- add an item: anyone signed in with an active role (teachers, facilitators, coordinators,
  analysts...); it waits for moderation;
- moderate: system administrators, and the coordinators of the item's programme;
- see an unpublished item: its author and its moderators (``Resource.objects.visible_to``).
"""

from __future__ import annotations

from shamy.access.context import Actor, access_for
from shamy.commons.models import Resource


def can_submit(user: Actor) -> bool:
    return bool(access_for(user).roles)


def can_moderate(user: Actor, resource: Resource) -> bool:
    access = access_for(user)
    return access.is_system_admin or (
        resource.programme_id is not None and access.is_coordinator(resource.programme_id)
    )


def can_open_moderation(user: Actor) -> bool:
    access = access_for(user)
    return access.is_system_admin or any(m.role == "coordinator" for m in access.programme_memberships())
