from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from shamy.core.nav import nav_items


def shamy(request: HttpRequest) -> dict[str, Any]:
    # Visitors who are not signed in get the public entries too (published projects, public analytics).
    return {"nav_items": nav_items(request) if hasattr(request, "user") else []}
