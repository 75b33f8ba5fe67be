"""The HTTP side shared by every batch endpoint of the device queue (``POST /api/v1/...``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from django.http import HttpRequest
from ninja.errors import HttpError

from shamy.offline.services.keys import ItemResult

if TYPE_CHECKING:  # accounts is this app's sibling layer: no import at run time
    from shamy.accounts.models import User


def batch_answer(request: HttpRequest, apply: Callable[[User], list[ItemResult]]) -> dict[str, object]:
    """Run a device batch for the signed-in user and answer its results in the order sent: 401
    without a user, 422 with the reason when the service refuses the whole batch (``ValueError``:
    too many items, or one the schema let through but the service does not take)."""
    if not request.user.is_authenticated:
        raise HttpError(401, "")
    try:
        results = apply(cast("User", request.user))
    except ValueError as error:
        raise HttpError(422, str(error)) from error
    return {"results": [result.as_dict() for result in results]}
