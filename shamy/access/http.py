"""Typed requests.

``AuthedHttpRequest`` is what a view behind the sign-in wall receives: ``request.user`` is a
:class:`~shamy.accounts.models.User` (LoginRequiredMiddleware sends anonymous visitors to sign in
first) and ``request.access`` its :class:`~shamy.access.context.Access`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from shamy.access.context import Access
    from shamy.accounts.models import User


class AccessHttpRequest(HttpRequest):
    access: Access


class AuthedHttpRequest(AccessHttpRequest):
    user: User  # type: ignore[assignment]
