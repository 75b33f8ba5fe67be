"""Account rules. Deny by default."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from shamy.core.rules import rule

if TYPE_CHECKING:
    from shamy.access.context import Access


@rule("accounts.ApiToken", "view")
def api_tokens_visible(access: Access) -> Q | bool:
    """Each person sees and revokes only their own API tokens."""
    return Q(user_id=access.user_id) if access.user_id is not None else False
