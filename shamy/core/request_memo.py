"""Values read once per request: small rows a page asks for many times while it is built.

Not a cache: a value lives from ``request_started`` to ``request_finished`` of one request, in
one thread, so no other request or server can see a stale copy, and with the cache off a page
still reads the analytics settings once rather than once per table. Outside a request (tasks,
commands, tests calling selectors) nothing is kept: ``remember`` builds the value every time.
A write that changes a remembered value in the same request calls :func:`forget`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.core.signals import request_finished, request_started

T = TypeVar("T")

_state = threading.local()


def _start(**kwargs: Any) -> None:
    _state.values = {}


def _finish(**kwargs: Any) -> None:
    _state.values = None


request_started.connect(_start, dispatch_uid="shamy-request-memo-start")
request_finished.connect(_finish, dispatch_uid="shamy-request-memo-finish")


def remember(key: Hashable, build: Callable[[], T]) -> T:
    """``build()`` once per request for ``key``; every time outside a request."""
    values: dict[Hashable, Any] | None = getattr(_state, "values", None)
    if values is None:
        return build()
    if key not in values:
        values[key] = build()
    return values[key]  # type: ignore[no-any-return]


def forget_namespace(namespace: str) -> None:
    """Drop this request's remembered values whose key is a tuple starting with ``namespace``."""
    values: dict[Hashable, Any] | None = getattr(_state, "values", None)
    if values is None:
        return
    for key in [key for key in values if isinstance(key, tuple) and key and key[0] == namespace]:
        del values[key]


def forget(*keys: Hashable) -> None:
    """Drop remembered values (all of them without ``keys``) in this request."""
    values: dict[Hashable, Any] | None = getattr(_state, "values", None)
    if values is None:
        return
    if not keys:
        values.clear()
    for key in keys:
        values.pop(key, None)
