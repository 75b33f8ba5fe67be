from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from shamy.access.context import access_for
from shamy.accounts.models import User
from shamy.analytics.models import Scenario
from shamy.analytics.need import parse_weights
from shamy.analytics.permissions import can_view_analytics
from shamy.audit.services.entries import audit_record


@transaction.atomic
def scenario_create(*, actor: User, name: str, weights: dict[str, Any]) -> Scenario:
    """Save the need-score weights under a name; anyone with analytics access and the link sees it.

    Needs analytics access, else PermissionDenied; invalid weights raise ValidationError. Audited.
    """
    if not can_view_analytics(access_for(actor)):
        raise PermissionDenied
    cleaned, errors = parse_weights(weights)
    if errors:
        raise ValidationError({"weights": list(errors.values())})
    scenario = Scenario(name=name.strip(), weights=cleaned, owner=actor)
    scenario.full_clean()
    scenario.save()
    audit_record(actor=actor, action="analytics.scenario.created", target=scenario)
    return scenario
