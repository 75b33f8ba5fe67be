"""Registry permission predicates. Deny by default."""

from __future__ import annotations

from django.utils import timezone

from shamy.access.context import Actor, access_for
from shamy.access.roles import Role
from shamy.registry.models import Person


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
    """Imports create and change schools and people: system administrators only."""
    return access_for(user).is_system_admin
