"""Who may see and do what with certificates. The verification pages are public and show only
what the certificate itself shows.

=====================  ================================================================
teacher                their own certificates: PDF, credential JSON, LinkedIn link
certifier              their programme's certificates; approves, issues, revokes
coordinator            their programme's certificates (read)
the public             /verify/<number>/, the credential, status list and key documents
=====================  ================================================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

from django.db.models import Q

from shamy.access.context import Actor, access_for
from shamy.access.roles import Role

if TYPE_CHECKING:
    from shamy.accounts.models import User
    from shamy.credentials.models import Certificate


def _authenticated(user: Actor) -> TypeGuard[User]:
    return user is not None and bool(getattr(user, "is_authenticated", False)) and bool(user.is_active)


def _programmes(user: Actor, *roles: str) -> list[int]:
    return sorted(
        {m.programme_id for m in access_for(user).programme_memberships() if m.role in roles and m.programme_id}
    )


def certificate_visibility(user: Actor) -> Q | None:
    if not _authenticated(user):
        return None
    programmes = _programmes(user, Role.CERTIFIER, Role.COORDINATOR)
    condition = Q(teacher__user_id=user.pk)
    if programmes:
        condition |= Q(programme_id__in=programmes)
    return condition


def is_holder(user: Actor, certificate: Certificate) -> bool:
    return _authenticated(user) and certificate.teacher.user_id == user.pk


def can_download_certificate(user: Actor, certificate: Certificate) -> bool:
    return is_holder(user, certificate) or certificate.programme_id in _programmes(
        user, Role.CERTIFIER, Role.COORDINATOR
    )


def can_revoke_certificate(user: Actor, certificate: Certificate) -> bool:
    return certificate.programme_id in _programmes(user, Role.CERTIFIER)


def can_certify(user: Actor) -> bool:
    return bool(_programmes(user, Role.CERTIFIER))


def can_list_certificates(user: Actor) -> bool:
    return bool(_programmes(user, Role.CERTIFIER, Role.COORDINATOR, Role.TEACHER))


def certifier_programme_ids(user: Actor) -> list[int]:
    return _programmes(user, Role.CERTIFIER)
