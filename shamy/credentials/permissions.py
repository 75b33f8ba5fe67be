"""Who may see and do what with certificates. The verification pages are public and show only
what the certificate itself shows.

=====================  ================================================================
teacher, trainer       their own certificates: PDF, credential JSON, LinkedIn link
certifier              their programme's certificates; approves, issues, revokes; cohort ZIPs
coordinator            their programme's certificates (read); cohort ZIPs
the public             /verify/<number>/, the issuer, key and status list documents
=====================  ================================================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

from django.db.models import Q

from shamy.access.context import Access, Actor, access_for
from shamy.access.roles import Role
from shamy.core.rules import object_rule, rule

if TYPE_CHECKING:
    from shamy.accounts.models import User
    from shamy.credentials.models import Certificate


def _authenticated(user: Actor) -> TypeGuard[User]:
    return user is not None and bool(getattr(user, "is_authenticated", False)) and bool(user.is_active)


def _programmes(user: Actor, *roles: str) -> list[int]:
    memberships = access_for(user).programme_memberships()
    return sorted({m.programme_id for m in memberships if m.role in roles and m.programme_id})


@rule("credentials.Certificate", "view")
def certificates_visible(access: Access) -> Q | bool:
    """A teacher's own certificates; the certifier's and the coordinator's programmes'."""
    if access.user is None:
        return False
    condition = Q(teacher__user_id=access.user_id)
    programmes = _programmes(access.user, Role.CERTIFIER, Role.COORDINATOR)
    if programmes:
        condition |= Q(programme_id__in=programmes)
    return condition


@object_rule("credentials.Certificate", "revoke")
def may_revoke(access: Access, certificate: Certificate) -> bool:
    return can_revoke_certificate(access.user, certificate)


@rule("credentials.CertificateRun", "view")
def runs_visible(access: Access) -> Q | bool:
    programmes = _programmes(access.user, Role.CERTIFIER, Role.COORDINATOR)
    return Q(cohort__programme_id__in=programmes) if programmes else False


@rule("programmes.Cohort", "certificate-run")
def cohorts_for_certificate_runs(access: Access) -> Q | bool:
    """Cohorts whose certificates the actor may issue and pack as one ZIP."""
    programmes = _programmes(access.user, Role.CERTIFIER, Role.COORDINATOR)
    return Q(programme_id__in=programmes) if programmes else False


def is_holder(user: Actor, certificate: Certificate) -> bool:
    return _authenticated(user) and certificate.teacher.user_id == user.pk


def can_revoke_certificate(user: Actor, certificate: Certificate) -> bool:
    return certificate.programme_id in _programmes(user, Role.CERTIFIER)


def can_certify(user: Actor) -> bool:
    return bool(_programmes(user, Role.CERTIFIER))


def can_list_certificates(user: Actor) -> bool:
    return bool(_programmes(user, Role.CERTIFIER, Role.COORDINATOR, Role.TEACHER, Role.TRAINER))


def certifier_programme_ids(user: Actor) -> list[int]:
    return _programmes(user, Role.CERTIFIER)


def may_certify(access: Access) -> bool:
    return can_certify(access.user)


def may_list_certificates(access: Access) -> bool:
    return can_list_certificates(access.user)
