"""Named rules: every read of data that is not public names the rule it reads under.

An app's ``permissions.py`` owns the rules for its models and registers each one::

    @rule(School, "calendar")
    def school_calendar(queryset: QuerySet[School], access: Access) -> QuerySet[School]:
        return queryset.filter(...)

and every query of those models names one::

    School.objects.restrict(request.access, "calendar")

A model's QuerySet inherits :class:`RestrictedQuerySet`, so models import nothing from above
them: the rule is looked up when the query is made (every app's ``permissions.py`` is imported
when Django starts, see ``AccessConfig.ready``). Asking for a rule that no app registered is a
programming error and raises :class:`UnknownRule`, never an empty or a full result.

Anchors: NetBox's ``RestrictedQuerySet.restrict(user, action)``; pretix's ``django-scopes``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.db import models

if TYPE_CHECKING:
    from shamy.access.context import Access

_M = TypeVar("_M", bound=models.Model)
Rule = Callable[[Any, "Access"], Any]

_RULES: dict[tuple[str, str], Rule] = {}


class UnknownRule(LookupError):
    """No app registered this rule for this model."""


def rule(model: type[models.Model], action: str) -> Callable[[Rule], Rule]:
    """Register the decorated function as the rule ``action`` over ``model``'s rows."""

    def register(function: Rule) -> Rule:
        key = (model._meta.label_lower, action)
        existing = _RULES.get(key)
        if existing is not None and existing.__qualname__ != function.__qualname__:
            raise ValueError(f"Rule {action!r} for {model._meta.label} registered twice")
        _RULES[key] = function
        return function

    return register


def rules_for(model: type[models.Model]) -> list[str]:
    """The actions registered for ``model`` (sorted), for documentation and tests."""
    label = model._meta.label_lower
    return sorted(action for (model_label, action) in _RULES if model_label == label)


class RestrictedQuerySet(models.QuerySet[_M]):
    """A QuerySet that narrows itself to what an actor may reach under a named rule."""

    def restrict(self, access: Access, action: str = "view") -> Self:
        function = _RULES.get((self.model._meta.label_lower, action))
        if function is None:
            raise UnknownRule(f"No rule {action!r} for {self.model._meta.label}")
        return function(self, access)  # type: ignore[no-any-return]
