"""Operator agreements, the handover checklist and the handover itself.

The registry's school carries the ownership, the operator and the handover date; an agreement's
services change them through the registry's own ``school_update`` (audited there), so the
registry and the agreement never disagree.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shamy.accounts.models import User
from shamy.audit.services.entries import audit_record, snapshot
from shamy.operators.models import (
    DEFAULT_TERM_YEARS,
    ChecklistItem,
    HandoverCheck,
    OperatorAgreement,
    add_years,
)
from shamy.operators.permissions import can_create_agreement, can_manage_handover, can_record_handover
from shamy.programmes.models import Programme
from shamy.registry.models import Organisation, OrganisationKind, Ownership, School
from shamy.registry.services.schools import school_update

_AGREEMENT_FIELDS = ["handed_over_on", "received_by", "handover_note"]


def _registry_update(actor: User | None, school: School, changes: dict[str, object]) -> None:
    if actor is None:
        # Commands (demo data) write the registry row directly, audited as the system.
        school = School.objects.select_for_update().get(pk=school.pk)
        before = snapshot(school, list(changes))
        for name, value in changes.items():
            setattr(school, name, value)
        if snapshot(school, list(changes)) == before:
            return
        school.full_clean()
        school.save(update_fields=[*changes, "updated_at"])
        audit_record(
            actor=None,
            action="registry.school.updated",
            target=school,
            before=before,
            after=snapshot(school, list(changes)),
        )
        return
    school_update(actor=actor, school=school, changes=changes)


@transaction.atomic
def agreement_create(
    *,
    actor: User | None,
    school: School,
    operator: Organisation,
    programme: Programme,
    starts_on: datetime.date,
    term_years: int = DEFAULT_TERM_YEARS,
    planned_handover_on: datetime.date | None = None,
    is_demo: bool = False,
) -> OperatorAgreement:
    """Put a school under an operator agreement: the operator runs it from ``starts_on`` for
    ``term_years`` (five by default), the handover planned for the end of the term unless given.

    Needs ``can_create_agreement`` (a system administrator; ``actor=None`` for commands). Marks
    the registry's school as run by the operator with its handover date. Records
    ``operators.agreement.created``. Raises PermissionDenied or ValidationError (not a school
    operator, the school already has an agreement, term shorter than a year).
    """
    if actor is not None and not can_create_agreement(actor):
        raise PermissionDenied
    if operator.kind != OrganisationKind.SCHOOL_OPERATOR:
        raise ValidationError({"operator": _("This organisation is not a school operator.")})
    if term_years < 1:
        raise ValidationError({"term_years": _("An agreement runs for at least a year.")})
    if OperatorAgreement.objects.filter(school=school).exists():
        raise ValidationError({"school": _("This school already has an operator agreement.")})
    ends_on = add_years(starts_on, term_years)
    agreement = OperatorAgreement(
        school=school,
        operator=operator,
        programme=programme,
        starts_on=starts_on,
        ends_on=ends_on,
        planned_handover_on=planned_handover_on or ends_on,
        is_demo=is_demo,
    )
    agreement.full_clean()
    agreement.save()
    _registry_update(
        actor,
        school,
        {"ownership": Ownership.OPERATOR, "operator": operator, "handover_on": agreement.planned_handover_on},
    )
    audit_record(actor=actor, action="operators.agreement.created", target=agreement)
    return agreement


@transaction.atomic
def handover_check(
    *,
    actor: User | None,
    agreement: OperatorAgreement,
    item: str,
    done_on: datetime.date,
    note: str = "",
) -> HandoverCheck:
    """Tick one item of the handover checklist (staff, records, training history).

    Needs ``can_manage_handover``. Ticking an item already ticked changes nothing. Records
    ``operators.handover_check.created``. Raises PermissionDenied or ValidationError.
    """
    agreement = OperatorAgreement.objects.select_for_update().get(pk=agreement.pk)
    if actor is not None and not can_manage_handover(actor, agreement):
        raise PermissionDenied
    if item not in ChecklistItem.values:
        raise ValidationError({"item": _("Unknown checklist item.")})
    existing = HandoverCheck.objects.filter(agreement=agreement, item=item).first()
    if existing is not None:
        return existing
    check = HandoverCheck(agreement=agreement, item=item, done_on=done_on, note=note.strip(), done_by=actor)
    check.full_clean()
    check.save()
    audit_record(actor=actor, action="operators.handover_check.created", target=check)
    return check


@transaction.atomic
def handover_record(
    *,
    actor: User | None,
    agreement: OperatorAgreement,
    handed_over_on: datetime.date,
    received_by: Organisation,
    note: str = "",
) -> OperatorAgreement:
    """Record that the school was handed over to the state on ``handed_over_on``.

    Needs ``can_record_handover`` (a system administrator). Every checklist item must be ticked
    first. The registry's school becomes a state school with this handover date. Locks the
    agreement; records ``operators.agreement.handed_over``. Raises PermissionDenied or
    ValidationError (already handed over, checklist incomplete, not a state body).
    """
    agreement = OperatorAgreement.objects.select_for_update(of=("self",)).select_related("school").get(pk=agreement.pk)
    if actor is not None and not can_record_handover(actor, agreement):
        raise PermissionDenied
    if agreement.is_handed_over:
        raise ValidationError(_("This school has already been handed over."))
    missing = set(ChecklistItem.values) - set(agreement.checks.values_list("item", flat=True))
    if missing:
        labels = ", ".join(str(ChecklistItem(item).label) for item in sorted(missing))
        raise ValidationError(_("The checklist is not complete: %(items)s.") % {"items": labels})
    if received_by.kind not in (OrganisationKind.MINISTRY, OrganisationKind.REGIONAL_DEPARTMENT):
        raise ValidationError({"received_by": _("A school is handed over to the ministry or a regional department.")})
    before = snapshot(agreement, _AGREEMENT_FIELDS)
    agreement.handed_over_on = handed_over_on
    agreement.received_by = received_by
    agreement.handover_note = note.strip()
    agreement.full_clean()
    agreement.save(update_fields=[*_AGREEMENT_FIELDS, "updated_at"])
    _registry_update(
        actor, agreement.school, {"ownership": Ownership.STATE, "operator": None, "handover_on": handed_over_on}
    )
    audit_record(
        actor=actor,
        action="operators.agreement.handed_over",
        target=agreement,
        before=before,
        after=snapshot(agreement, _AGREEMENT_FIELDS),
    )
    return agreement
