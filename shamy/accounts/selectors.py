"""Reads for the account pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from shamy.accounts.models import ApiToken

if TYPE_CHECKING:
    from shamy.access.context import Access, Actor


def api_tokens(*, actor: Access | Actor) -> QuerySet[ApiToken]:
    return ApiToken.objects.restrict(actor, "view").order_by("-created_at", "id")
