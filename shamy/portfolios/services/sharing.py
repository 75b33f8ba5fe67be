"""Sharing results: the teacher's consent, the public summary, withdrawing consent."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from shamy.accounts.models import User
from shamy.audit.services.entries import audit_record, snapshot
from shamy.core.rules import require
from shamy.core.text import search_key
from shamy.portfolios.models import DevelopmentProject, PublicSummary, SharingConsent


def summary_search_text(summary: PublicSummary, consent: SharingConsent | None) -> str:
    project = summary.project
    parts = [project.title, summary.summary, summary.actions, summary.impact, project.theme.name_kk]
    parts += [project.theme.name_ru, project.theme.name_en]
    if consent is not None and consent.show_name:
        parts.append(project.teacher.full_name)
    if consent is not None and consent.show_school:
        parts += [project.school.name_kk, project.school.name_ru]
    return search_key(*parts)


@transaction.atomic
def summary_publish(
    *,
    actor: User,
    project: DevelopmentProject,
    summary: str,
    actions: str,
    impact: str,
    language: str,
    show_name: bool,
    show_school: bool,
) -> PublicSummary:
    """Record the teacher's consent and publish (or update) the project's public summary.

    Only the teacher (PermissionDenied). A new consent record is written whenever what may be
    shown changes, so there is always a record of what was agreed and when.
    """
    require(actor, project, "manage")
    consent = project.sharing_consents.filter(withdrawn_at__isnull=True).first()
    if consent is None or (consent.show_name, consent.show_school) != (show_name, show_school):
        if consent is not None:
            consent.withdrawn_at = timezone.now()
            consent.save(update_fields=["withdrawn_at"])
        consent = SharingConsent.objects.create(
            project=project, given_by=actor, show_name=show_name, show_school=show_school
        )
        audit_record(actor=actor, action="portfolios.sharing_consent.given", target=consent)
    existing = PublicSummary.objects.select_for_update().filter(project=project).first()
    before = snapshot(existing)
    public = existing or PublicSummary(project=project)
    public.summary = summary.strip()
    public.actions = actions.strip()
    public.impact = impact.strip()
    public.language = language
    public.consent = consent
    public.published_at = public.published_at or timezone.now()
    public.search_text = summary_search_text(public, consent)
    public.full_clean()
    public.save()
    audit_record(actor=actor, action="portfolios.public_summary.published", target=public, before=before)
    return public


@transaction.atomic
def consent_withdraw(*, actor: User, project: DevelopmentProject) -> None:
    """Withdraw consent: the public page and poster disappear at once. Only the teacher."""
    require(actor, project, "manage")
    now = timezone.now()
    for consent in project.sharing_consents.filter(withdrawn_at__isnull=True):
        consent.withdrawn_at = now
        consent.save(update_fields=["withdrawn_at"])
        audit_record(actor=actor, action="portfolios.sharing_consent.withdrawn", target=consent)
    public = PublicSummary.objects.filter(project=project).first()
    if public is not None and public.published_at is not None:
        before = snapshot(public)
        public.published_at = None
        public.save(update_fields=["published_at", "updated_at"])
        audit_record(actor=actor, action="portfolios.public_summary.unpublished", target=public, before=before)
