"""The certifier's decisions on recommended submissions, taken in batches."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shamy.accounts.models import User
from shamy.assessment import permissions
from shamy.assessment.models import CertificationDecision, Decision, Submission, SubmissionStatus
from shamy.audit.services.entries import audit_record


@transaction.atomic
def decisions_record(
    *, actor: User, submissions: Sequence[Submission], decision: str, reason: str = ""
) -> list[CertificationDecision]:
    """Approve or reject recommended submissions together (one ``batch``).

    Needs the certifier of each submission's programme while it is recommended (PermissionDenied);
    a rejection needs a reason (ValidationError). Each submission becomes approved or rejected;
    issuing the certificates of approved ones is the credentials app's step.
    """
    if decision not in Decision.values:
        raise ValidationError(_("Choose approve or reject."))
    if decision == Decision.REJECTED and not reason.strip():
        raise ValidationError(_("Give the reason for rejecting."))
    if not submissions:
        raise ValidationError(_("Choose at least one portfolio."))
    locked = list(
        Submission.objects.select_for_update(of=("self",))
        .select_related("cohort")
        .filter(pk__in=[s.pk for s in submissions])
        .order_by("pk")
    )
    batch, now = uuid.uuid4(), timezone.now()
    decisions = []
    for submission in locked:
        if not permissions.can_decide(actor, submission):
            raise PermissionDenied
        record = CertificationDecision(
            submission=submission, certifier=actor, decision=decision, reason=reason, batch=batch, decided_at=now
        )
        record.full_clean()
        record.save()
        submission.status = SubmissionStatus.APPROVED if decision == Decision.APPROVED else SubmissionStatus.REJECTED
        submission.status_changed_at = now
        submission.save(update_fields=["status", "status_changed_at"])
        audit_record(actor=actor, action=f"assessment.submission.{decision}", target=record)
        decisions.append(record)
    return decisions
