from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from shamy.core.nav import nav_items


def shamy(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"nav_items": nav_items(request) if user is not None and user.is_authenticated else []}
