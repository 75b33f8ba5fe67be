from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from shamy.access.context import access_for


class AccessMiddleware:
    """Give every request its actor's access object as ``request.access``.

    Lazy: a page that never asks (the health check, a static file) reads no session and no
    membership. It is the object ``access_for(request.user)`` returns, so services called by the
    view with ``actor=request.user`` read the memberships already read. Runs after
    AuthenticationMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.access = SimpleLazyObject(lambda: access_for(request.user))  # type: ignore[attr-defined]
        return self.get_response(request)
