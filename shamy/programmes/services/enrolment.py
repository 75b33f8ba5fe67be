"""Enrolment: schools joining cohorts, programme roles, link assignments and invitations.

Every write checks its permission, validates, saves and writes an audit entry in the same
transaction. Invitation e-mails are sent after commit, in the invitee's language.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shamy.access.context import access_for, forget_access
from shamy.access.models import Membership
from shamy.access.roles import PROGRAMME_ROLES, SCHOOL_ROLES, Role
from shamy.accounts.models import User
from shamy.audit.services.entries import audit_record, snapshot
from shamy.core.db import kazakh_order
from shamy.core.text import search_key
from shamy.programmes.models import Cohort, CohortSchool, Invitation, LinkAssignment, Programme
from shamy.registry.models import Employment, Person, Position, School

INVITATION_VALID_DAYS = 14
# Roles that act for one school of one cohort.
# Roles a coordinator may give through the programme pages.
INVITABLE_ROLES = PROGRAMME_ROLES
# Registry positions and the programme role their holders are invited to.
POSITION_ROLES = {Position.TEACHER: Role.TEACHER, Position.PRINCIPAL: Role.SCHOOL_PRINCIPAL}


def _require_coordinator(actor: User | None, programme: Programme) -> None:
    """``actor=None`` means an operator's management command on the server."""
    if actor is not None and not access_for(actor).is_coordinator(programme):
        raise PermissionDenied


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_scope(*, programme: Programme, role: str, cohort: Cohort | None, school: School | None) -> None:
    if role not in INVITABLE_ROLES:
        raise ValidationError(_("This role does not exist in a programme."))
    if cohort is not None and cohort.programme_id != programme.pk:
        raise ValidationError(_("This cohort belongs to another programme."))
    if role in SCHOOL_ROLES:
        if cohort is None or school is None:
            raise ValidationError(_("Choose the cohort and the school for this role."))
        if not CohortSchool.objects.filter(cohort=cohort, school=school).exists():
            raise ValidationError(_("This school has not joined the cohort."))


def _check_facilitator_limit(*, cohort: Cohort, school: School, on: datetime.date) -> None:
    # Lock the cohort row so two grants at once cannot both pass the count.
    locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
    current = (
        Membership.objects.active(on)
        .filter(role=Role.SCHOOL_FACILITATOR, cohort=locked, school=school)
        .values("user_id")
        .distinct()
        .count()
    )
    if current >= locked.facilitators_per_school:
        raise ValidationError(
            _("This school already has %(count)s school facilitators in the cohort, the most allowed.")
            % {"count": locked.facilitators_per_school}
        )


@transaction.atomic
def cohort_school_add(
    *, actor: User | None, cohort: Cohort, school: School, joined_on: datetime.date | None = None
) -> CohortSchool:
    """Add a registry school to a cohort.

    Needs the programme's coordinator. Raises PermissionDenied, or ValidationError if the
    school is already in the cohort.
    """
    _require_coordinator(actor, cohort.programme)
    if CohortSchool.objects.filter(cohort=cohort, school=school).exists():
        raise ValidationError(_("This school is already in the cohort."))
    cohort_school = CohortSchool(cohort=cohort, school=school, joined_on=joined_on or timezone.localdate())
    cohort_school.full_clean()
    cohort_school.save()
    audit_record(actor=actor, action="programmes.cohort_school.added", target=cohort_school)
    return cohort_school


@transaction.atomic
def programme_membership_grant(
    *,
    actor: User | None,
    user: User,
    programme: Programme,
    role: str,
    cohort: Cohort | None = None,
    school: School | None = None,
    starts_on: datetime.date | None = None,
    audit_actor: Any = None,
) -> Membership:
    """Give ``user`` a role in ``programme`` (for school roles: a school of a cohort).

    Needs the programme's coordinator as ``actor`` (``None`` for operator commands and for
    accepting an invitation, where ``audit_actor`` names who acted). An identical active
    membership is returned unchanged. The number of school facilitators of a school in a
    cohort is limited by ``Cohort.facilitators_per_school``. Raises PermissionDenied or
    ValidationError.
    """
    _require_coordinator(actor, programme)
    _check_scope(programme=programme, role=role, cohort=cohort, school=school)
    day = starts_on or timezone.localdate()
    existing = (
        Membership.objects.active(day)
        .filter(user=user, role=role, programme=programme, cohort=cohort, school=school)
        .first()
    )
    if existing is not None:
        return existing
    if role == Role.SCHOOL_FACILITATOR and cohort is not None and school is not None:
        _check_facilitator_limit(cohort=cohort, school=school, on=day)
    membership = Membership(
        user=user,
        role=role,
        programme=programme,
        cohort=cohort if role != Role.LINK_FACILITATOR else None,
        school=school if role in SCHOOL_ROLES else None,
        starts_on=day,
    )
    membership.full_clean()
    membership.save()
    forget_access(user)
    audit_record(actor=audit_actor or actor, action="programmes.membership.granted", target=membership)
    return membership


@transaction.atomic
def link_assignment_add(*, actor: User | None, membership: Membership, cohort_school: CohortSchool) -> LinkAssignment:
    """Assign a school of a cohort to a link facilitator's membership.

    Needs the programme's coordinator. Raises PermissionDenied or ValidationError (not a
    link facilitator, other programme, already assigned).
    """
    _require_coordinator(actor, cohort_school.cohort.programme)
    if LinkAssignment.objects.filter(membership=membership, cohort_school=cohort_school).exists():
        raise ValidationError(_("This school is already assigned to this link facilitator."))
    assignment = LinkAssignment(membership=membership, cohort_school=cohort_school)
    assignment.full_clean()
    assignment.save()
    forget_access(membership.user)
    audit_record(actor=actor, action="programmes.link_assignment.added", target=assignment)
    return assignment


# --- Invitations -----------------------------------------------------------------------


class InvitationError(Exception):
    """Why an invitation link cannot be used; ``message`` is translated for the visitor."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _accept_url(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + reverse("programmes:invitation-accept", kwargs={"token": token})


def _send_invitation(invitation_id: int, token: str, base_url: str) -> None:
    invitation = Invitation.objects.select_related("programme", "cohort", "school", "invited_by").get(pk=invitation_id)
    with translation.override(invitation.language):
        context = {
            "invitation": invitation,
            "role": Role(invitation.role).label,
            "url": _accept_url(base_url, token),
            "days": INVITATION_VALID_DAYS,
        }
        subject = render_to_string("programmes/invitation_subject.txt", context).strip()
        body = render_to_string("programmes/invitation_email.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def _default_base_url() -> str:
    return str(getattr(settings, "SITE_URL", "http://localhost:8000"))


@transaction.atomic
def invitation_create(
    *,
    actor: User | None,
    programme: Programme,
    email: str,
    role: str,
    cohort: Cohort | None = None,
    school: School | None = None,
    person: Person | None = None,
    language: str | None = None,
    base_url: str | None = None,
) -> Invitation:
    """Invite someone by e-mail to take ``role`` in ``programme``.

    Needs the programme's coordinator. A random token is e-mailed (after commit, in
    ``language`` or the invitee's account language); only its hash is stored. The returned
    invitation carries the clear token in ``invitation.token`` for the caller only.
    Raises PermissionDenied or ValidationError.
    """
    _require_coordinator(actor, programme)
    return invitation_create_unchecked(
        actor=actor,
        programme=programme,
        email=email,
        role=role,
        cohort=cohort,
        school=school,
        person=person,
        language=language,
        base_url=base_url,
    )


def invitation_create_unchecked(
    *,
    actor: User | None,
    programme: Programme,
    email: str,
    role: str,
    cohort: Cohort | None = None,
    school: School | None = None,
    person: Person | None = None,
    language: str | None = None,
    base_url: str | None = None,
) -> Invitation:
    """:func:`invitation_create` without the permission check, for services that checked
    their own (a system administrator inviting a new programme's first coordinator)."""
    _check_scope(programme=programme, role=role, cohort=cohort, school=school)
    email = email.strip().lower()
    existing_user = User.objects.filter(email__iexact=email).first()
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        token_hash=_hash(token),
        email=email,
        language=language or (existing_user.language if existing_user else "kk"),
        role=role,
        programme=programme,
        cohort=cohort,
        school=school if role in SCHOOL_ROLES else None,
        person=person,
        invited_by=actor,
        expires_at=timezone.now() + datetime.timedelta(days=INVITATION_VALID_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    fields = [f.name for f in Invitation._meta.concrete_fields if f.name != "token_hash"]
    audit_record(
        actor=actor, action="programmes.invitation.created", target=invitation, after=snapshot(invitation, fields)
    )
    url = base_url or _default_base_url()
    invitation_id = invitation.pk
    transaction.on_commit(lambda: _send_invitation(invitation_id, token, url))
    invitation.token = token  # type: ignore[attr-defined]
    return invitation


@dataclass
class BulkInvitationResult:
    invited: list[Invitation] = field(default_factory=list)
    skipped_without_email: list[Person] = field(default_factory=list)
    skipped_already_in: list[Person] = field(default_factory=list)


def invitations_create_for_school_staff(
    *, actor: User | None, cohort: Cohort, school: School, base_url: str | None = None
) -> BulkInvitationResult:
    """Invite the registry's current staff of a cohort school: teachers as teachers, the
    principal as principal. Skips people without an e-mail and people who already hold that
    role or have a pending invitation. Needs the programme's coordinator."""
    programme = cohort.programme
    _require_coordinator(actor, programme)
    if not CohortSchool.objects.filter(cohort=cohort, school=school).exists():
        raise ValidationError(_("This school has not joined the cohort."))
    today = timezone.localdate()
    employments = (
        Employment.objects.filter(school=school, position__in=list(POSITION_ROLES), starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("person")
        .order_by(kazakh_order("person__surname"), kazakh_order("person__given_name"), "person_id")
    )
    taken = {
        (role, email.lower())
        for role, email in Membership.objects.active()
        .filter(programme=programme, school=school)
        .values_list("role", "user__email")
    }
    pending = {
        (role, email.lower())
        for role, email in Invitation.objects.filter(
            programme=programme,
            school=school,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).values_list("role", "email")
    }
    result = BulkInvitationResult()
    seen: set[int] = set()
    for employment in employments:
        person = employment.person
        if person.pk in seen:
            continue
        seen.add(person.pk)
        role = POSITION_ROLES[Position(employment.position)]
        if not person.email:
            result.skipped_without_email.append(person)
            continue
        key = (role.value, person.email.lower())
        if key in taken or key in pending:
            result.skipped_already_in.append(person)
            continue
        result.invited.append(
            invitation_create(
                actor=actor,
                programme=programme,
                email=person.email,
                role=role,
                cohort=cohort,
                school=school,
                person=person,
                base_url=base_url,
            )
        )
    return result


def invitation_for_token(token: str) -> Invitation:
    """The usable invitation for a token from a link. Raises InvitationError with a
    translated message when the link is unknown, already used, revoked or expired."""
    invitation = (
        Invitation.objects.select_related("programme", "cohort", "school", "person")
        .filter(token_hash=_hash(token))
        .first()
    )
    return _usable(invitation)


def _usable(invitation: Invitation | None) -> Invitation:
    if invitation is None:
        raise InvitationError(
            _("This invitation link is not valid. Check that you opened the whole link from the e-mail."), "unknown"
        )
    if invitation.accepted_at is not None:
        raise InvitationError(
            _("This invitation has already been used. Sign in with your e-mail and password."), "used"
        )
    if invitation.revoked_at is not None:
        raise InvitationError(_("This invitation was withdrawn by the programme coordinator."), "revoked")
    if invitation.expires_at <= timezone.now():
        raise InvitationError(
            _("This invitation has expired. Ask the programme coordinator to send a new one."), "expired"
        )
    return invitation


@transaction.atomic
def invitation_accept(
    *, token: str, password: str, surname: str = "", given_name: str = "", language: str | None = None
) -> User:
    """Accept an invitation: set the password (creating the account if there is none),
    link the invited registry Person (or create one from the given names), and grant the
    membership. Single use: the invitation row is locked and marked accepted.

    Raises InvitationError (unknown, used, revoked, expired link) or ValidationError
    (weak password, missing names, or the role no longer fits, e.g. the facilitator limit).
    """
    from django.contrib.auth.password_validation import validate_password

    found = Invitation.objects.select_for_update().filter(token_hash=_hash(token)).first()
    invitation = _usable(found)
    user = User.objects.filter(email__iexact=invitation.email).first()
    validate_password(password, user=user)
    created = user is None
    if user is None:
        user = User.objects.create_user(
            invitation.email,
            password,
            full_name=" ".join(part for part in (given_name.strip(), surname.strip()) if part),
            language=language or invitation.language,
        )
        audit_record(actor=user, action="accounts.user.created", target=user)
    else:
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=user, action="accounts.user.password_set", target=user, after={})
    person = invitation.person
    if person is None:
        person = Person.objects.filter(user=user).first()
    if person is None:
        if not surname.strip() or not given_name.strip():
            raise ValidationError(_("Give your surname and given name."))
        person = Person(
            surname=surname.strip(),
            given_name=given_name.strip(),
            email=invitation.email,
            search_text=search_key(surname.strip(), given_name.strip()),
        )
        person.full_clean()
        person.save()
        audit_record(actor=user, action="registry.person.created", target=person)
    if person.user_id is None and not Person.objects.filter(user=user).exists():
        before = snapshot(person, ["user"])
        person.user = user
        person.save(update_fields=["user"])
        audit_record(
            actor=user,
            action="registry.person.account_linked",
            target=person,
            before=before,
            after=snapshot(person, ["user"]),
        )
    if created and not user.full_name:
        user.full_name = person.full_name
        user.save(update_fields=["full_name"])
    programme_membership_grant(
        actor=None,
        audit_actor=user,
        user=user,
        programme=invitation.programme,
        role=invitation.role,
        cohort=invitation.cohort,
        school=invitation.school,
    )
    before = snapshot(invitation, ["accepted_at", "accepted_by"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        actor=user,
        action="programmes.invitation.accepted",
        target=invitation,
        before=before,
        after=snapshot(invitation, ["accepted_at", "accepted_by"]),
    )
    return user


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    """Withdraw a pending invitation. Needs the programme's coordinator."""
    _require_coordinator(actor, invitation.programme)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been accepted."))
    before = snapshot(invitation, ["revoked_at"])
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="programmes.invitation.revoked",
        target=invitation,
        before=before,
        after=snapshot(invitation, ["revoked_at"]),
    )
    return invitation


def invitable_people(emails: Iterable[str]) -> dict[str, Person]:
    """Registry people by lower-cased e-mail, to link an e-mail invitation to its Person."""
    wanted = sorted({email.strip().lower() for email in emails if email.strip()})
    people: dict[str, Person] = {}
    for person in Person.objects.filter(email__in=wanted).order_by("id"):
        people.setdefault(person.email.lower(), person)
    return people
