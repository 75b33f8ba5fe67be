"""Writes to memberships: granting a foundation role within a scope. Audited.

Programme roles are granted by the programmes' enrolment services (invitations, staff enrolment),
which write memberships with the programme and cohort they need.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from shamy.access.context import access_for, forget_access
from shamy.access.models import Membership
from shamy.audit.services.entries import audit_record

if TYPE_CHECKING:
    from shamy.accounts.models import User


@transaction.atomic
def membership_grant(
    *,
    actor: User | None,
    user: User,
    role: str,
    region_id: int | None = None,
    school_id: int | None = None,
    country: str = "",
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
) -> Membership:
    """Give ``user`` a role within a scope.

    Needs a system administrator as actor; ``actor=None`` is for management commands run by
    an operator on the server (the demo loader, first set-up). Raises PermissionDenied or
    ValidationError (missing scope, dates in the wrong order). A country administrator's scope is
    ``country`` (an ISO code: KZ, KG, TJ, UZ).
    """
    if actor is not None and not access_for(actor).is_system_admin:
        raise PermissionDenied
    membership = Membership(
        user=user,
        role=role,
        region_id=region_id,
        school_id=school_id,
        country=country,
        starts_on=starts_on or timezone.localdate(),
        ends_on=ends_on,
    )
    membership.full_clean()
    membership.save()
    forget_access(user)
    # The action keeps the name it had when memberships lived in accounts: the audit log is history.
    audit_record(actor=actor, action="accounts.membership.granted", target=membership)
    return membership
