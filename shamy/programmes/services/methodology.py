"""Editing a programme's methodology: stage titles and guidance in three languages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max

from shamy.access.context import access_for
from shamy.accounts.models import User
from shamy.audit.services.entries import audit_record, snapshot
from shamy.programmes.models import MethodologyStage, Programme

STAGE_TEXT_FIELDS = ("title_kk", "title_ru", "title_en", "guidance_kk", "guidance_ru", "guidance_en")


@transaction.atomic
def methodology_stage_update(*, actor: User, stage: MethodologyStage, data: dict[str, str]) -> MethodologyStage:
    """Change a stage's titles and guidance (keys from ``STAGE_TEXT_FIELDS``; others ignored).

    Needs the programme's coordinator, else PermissionDenied. The stage code never changes:
    development projects refer to it. Raises ValidationError on invalid text.
    """
    if not access_for(actor).is_coordinator(stage.programme_id):
        raise PermissionDenied
    stage = MethodologyStage.objects.select_for_update().get(pk=stage.pk)
    before = snapshot(stage)
    for name in STAGE_TEXT_FIELDS:
        if name in data:
            setattr(stage, name, data[name].strip())
    stage.full_clean()
    stage.save()
    audit_record(actor=actor, action="programmes.methodology_stage.updated", target=stage, before=before)
    return stage


@transaction.atomic
def methodology_stage_create(*, actor: User, programme: Programme, code: str, data: dict[str, str]) -> MethodologyStage:
    """Append a stage to the programme's methodology. Needs the programme's coordinator."""
    if not access_for(actor).is_coordinator(programme):
        raise PermissionDenied
    last = MethodologyStage.objects.filter(programme=programme).aggregate(last=Max("order"))["last"] or 0
    stage = MethodologyStage(programme=programme, code=code, order=last + 1)
    for name in STAGE_TEXT_FIELDS:
        setattr(stage, name, data.get(name, "").strip())
    stage.full_clean()
    stage.save()
    audit_record(actor=actor, action="programmes.methodology_stage.created", target=stage)
    return stage
