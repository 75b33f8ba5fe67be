"""Typed requests, and views that receive objects already resolved and checked.

``AuthedHttpRequest`` is what a view behind the sign-in wall receives: ``request.user`` is a
:class:`~shamy.accounts.models.User` (LoginRequiredMiddleware sends anonymous visitors to sign in
first) and ``request.access`` its :class:`~shamy.access.context.Access`.

``@resolved("school_id", school_get_for_calendar)`` turns the URL's ``school_id`` into the
``school`` argument before the view body runs. The getter takes the access object and the key and
either returns an object the actor may act on or raises: ``Http404`` when the rule does not let
the actor see it, ``PermissionDenied`` when they see it but may not do this (as pretix's
``event_permission_required``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from shamy.access.context import Access
    from shamy.accounts.models import User

_T = TypeVar("_T")
View = Callable[..., HttpResponse]


class AccessHttpRequest(HttpRequest):
    access: Access


class AuthedHttpRequest(AccessHttpRequest):
    user: User  # type: ignore[assignment]


def resolved(
    url_kwarg: str, getter: Callable[[Access, Any], Any], *, name: str | None = None
) -> Callable[[View], View]:
    """Replace the URL argument ``url_kwarg`` by what ``getter(request.access, value)`` returns,
    passed as ``name`` (default: the argument without its ``_id`` suffix)."""
    target = name or url_kwarg.removesuffix("_id")

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: AccessHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            kwargs[target] = getter(request.access, kwargs.pop(url_kwarg))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
