"""What the views of this package share: the page size and showing a service's errors on a form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse

from shamy.core.rules import checked
from shamy.portfolios import selectors
from shamy.portfolios.models import DevelopmentProject

PAGE_SIZE = 24


def apply_errors(form: Any, error: ValidationError) -> None:
    """Show a service's ValidationError on the form (field errors where the field exists)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def project_anchor(project_id: int, anchor: str) -> str:
    """The project page at one of its parts (``#plan``, ``#journal``, ``#evidence``...)."""
    return reverse("portfolios:project-detail", args=[project_id]) + anchor


def checked_project(action: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``@checked`` for the project of the URL's ``project_id``: 404 if the actor may not see it,
    403 if they may not ``action`` it; the view receives ``project`` with what its pages read."""
    return checked(DevelopmentProject, action, kwarg="project_id", name="project", shape=selectors.project_page)
