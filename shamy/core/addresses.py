"""The client's network address, behind a configured number of trusted reverse proxies.

One function for every use (the sign-in throttle through django-axes, the password-reset limit),
so they all count the same client. ``TRUSTED_PROXY_COUNT`` (settings, from the environment) is
the number of reverse proxies in front of the app that each append the address they received
the request from to ``X-Forwarded-For``:

- ``0`` (the default): no proxy is trusted; the address is ``REMOTE_ADDR``, and an
  ``X-Forwarded-For`` header, which any client can send, is ignored.
- ``N`` ≥ 1: the address is the N-th entry from the right of ``X-Forwarded-For`` (the one the
  outermost trusted proxy saw); whatever a client wrote further left is ignored. A request
  without enough entries (one that bypassed the proxies) falls back to ``REMOTE_ADDR``.

django-ipware does the parsing (IPv6, ports, malformed entries).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip


def trusted_proxy_count() -> int:
    return max(0, int(getattr(settings, "TRUSTED_PROXY_COUNT", 0)))


def client_address(request: HttpRequest) -> str:
    """The address of the client as the outermost trusted proxy saw it (see the module)."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    proxies = trusted_proxy_count()
    if proxies == 0:
        return remote
    # ipware counts the proxies *inside* the header (client, proxy2, …, proxyN): the first trusted
    # proxy appends the client and is itself in REMOTE_ADDR, so the header holds N - 1 of them.
    # Not strict: entries a client forged on the left are allowed and ignored.
    address, _routable = get_client_ip(
        request,
        proxy_count=proxies - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=False,
    )
    return address or remote
