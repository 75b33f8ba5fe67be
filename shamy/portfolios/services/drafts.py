"""Autosaved drafts: text kept as someone types, so nothing is lost before they press Save.

Drafts are private scratch copies of text not yet saved (one row per person and field);
they are replaced every second while typing and deleted when the real record is saved, so
they are deliberately not audited: the audit trail records the saved record itself.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from shamy.accounts.models import User
from shamy.core.rules import allowed
from shamy.portfolios import permissions
from shamy.portfolios.models import DevelopmentProject, Draft, PortfolioSection, Thread

_KEY = re.compile(r"^(?:section:(?P<section>\d+)|journal:(?P<journal>\d+)|comment:(?P<comment>\d+):(?P<thread>\w+))$")
MAX_DRAFT_LENGTH = 100_000


def draft_key_allowed(actor: User, key: str) -> bool:
    """True if ``actor`` may keep a draft under ``key`` (they could save the real record)."""
    match = _KEY.match(key)
    if match is None:
        return False
    visible = DevelopmentProject.objects.restrict(actor, "view")
    if match["section"]:
        section = (
            PortfolioSection.objects.restrict(actor, "view")
            .filter(pk=int(match["section"]))
            .select_related("portfolio__project__teacher")
            .first()
        )
        return section is not None and allowed(actor, section.portfolio.project, "edit")
    if match["journal"]:
        project = visible.filter(pk=int(match["journal"])).select_related("teacher").first()
        return project is not None and allowed(actor, project, "edit")
    project = visible.filter(pk=int(match["comment"])).select_related("teacher", "cohort").first()
    return (
        project is not None
        and match["thread"] in Thread.values
        and permissions.can_comment(actor, project, match["thread"])
    )


@transaction.atomic
def draft_save(*, actor: User, key: str, text: str) -> Draft:
    """Store (replace) the actor's draft under ``key``. PermissionDenied if the key names
    something the actor cannot write."""
    if not draft_key_allowed(actor, key):
        raise PermissionDenied
    draft, _created = Draft.objects.update_or_create(
        user=actor, key=key, defaults={"text": text[:MAX_DRAFT_LENGTH], "saved_at": timezone.now()}
    )
    return draft


def draft_discard(*, actor: User, key: str) -> None:
    """Drop the actor's draft under ``key`` (after the real record was saved)."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        Draft.objects.filter(user=actor, key=key).delete()
