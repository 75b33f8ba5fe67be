"""Writing the results framework: the programme's coordinators only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shamy.audit.services.entries import audit_record, snapshot
from shamy.results.models import ResultsIndicator
from shamy.results.permissions import can_manage_framework

if TYPE_CHECKING:
    from shamy.accounts.models import User
    from shamy.analytics.models import Indicator
    from shamy.programmes.models import Programme
    from shamy.surveys.models import Question


@transaction.atomic
def indicator_create(
    *,
    actor: User,
    programme: Programme,
    level: str,
    name: dict[str, str],
    source: str,
    target: float,
    baseline: float | None = None,
    question: Question | None = None,
    imported_indicator: Indicator | None = None,
) -> ResultsIndicator:
    """Add an output or outcome indicator to ``programme``'s results framework."""
    if not can_manage_framework(actor, programme):
        raise PermissionDenied
    last = ResultsIndicator.objects.filter(programme=programme, level=level).count()
    indicator = ResultsIndicator(
        programme=programme,
        level=level,
        name={code: text for code, text in name.items() if text},
        source=source,
        target=target,
        baseline=baseline,
        question=question,
        imported_indicator=imported_indicator,
        position=last + 1,
    )
    if not indicator.name:
        raise ValidationError({"name": _("Name the indicator in at least one language.")})
    indicator.full_clean()
    indicator.save()
    audit_record(actor=actor, action="results.indicator.created", target=indicator)
    return indicator


@transaction.atomic
def indicator_delete(*, actor: User, indicator: ResultsIndicator) -> None:
    if not can_manage_framework(actor, indicator.programme):
        raise PermissionDenied
    audit_record(actor=actor, action="results.indicator.deleted", target=indicator, before=snapshot(indicator))
    indicator.delete()
