"""Named rules: every read of non-public data says which action it is for.

A rule answers "which rows of this model may this actor use for this action?" as a ``Q`` (or
``True`` for all rows, ``False`` for none). Rules live in the ``permissions.py`` of the app whose
feature needs them and register under the model's label, so an app may add a rule to a model of an
app below it without that app knowing (attendance owns ``registry.School`` "calendar")::

    @rule("registry.School", "calendar")
    def schools_for_calendar(access: Access) -> Q | bool: ...

Queries then name the rule (deny by default: a model or action without a rule raises, it never
silently returns everything)::

    School.objects.restrict(request.access, "calendar")

A rule about one object that cannot be a query (it needs the object's own fields in Python) is an
``object_rule``; ``allowed(access, obj, action)`` uses it, and otherwise asks the query rule
whether the object is among the rows it allows.

Views that take an object from the URL receive it checked, through :func:`checked`: not visible
under "view" is a 404 (nobody learns it exists), visible but not allowed for the action is a 403.
Anchors: NetBox's ``RestrictedQuerySet.restrict(user, action)``; pretix's
``event_permission_required`` and django-scopes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self, TypeAlias, TypeVar

from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404

from shamy.core.inputs import parse_id

if TYPE_CHECKING:
    from shamy.access.context import Access, Actor

QueryRule: TypeAlias = "Callable[[Access], Q | bool]"
ObjectRule: TypeAlias = "Callable[[Access, Any], bool]"

#: Turns a user into their ``Access``. The mechanism lives in ``core`` (below every app, so the
#: audit log's models can use it too); the ``access`` app installs ``access_for`` here when it is
#: ready (``AccessConfig.ready``), so ``core`` imports no domain app.
_resolve: Callable[[Any], Access] | None = None
_access_type: type | None = None


def install_resolver(resolver: Callable[[Any], Access], access_type: type) -> None:
    global _resolve, _access_type
    _resolve = resolver
    _access_type = access_type


_query_rules: dict[tuple[str, str], QueryRule] = {}
_object_rules: dict[tuple[str, str], ObjectRule] = {}

F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M", bound=models.Model)


def _key(label: str, action: str) -> tuple[str, str]:
    return (label.lower(), action)


def rule(label: str, action: str) -> Callable[[F], F]:
    """Register ``fn(access) -> Q | bool`` as the rows of ``label`` allowed for ``action``."""

    def register(fn: F) -> F:
        key = _key(label, action)
        if key in _query_rules and _query_rules[key] is not fn:
            raise ImproperlyConfigured(f"Two rules for {label} {action!r}: {_query_rules[key]} and {fn}.")
        _query_rules[key] = fn
        return fn

    return register


def object_rule(label: str, action: str) -> Callable[[F], F]:
    """Register ``fn(access, obj) -> bool`` deciding ``action`` on one object of ``label``."""

    def register(fn: F) -> F:
        key = _key(label, action)
        if key in _object_rules and _object_rules[key] is not fn:
            raise ImproperlyConfigured(f"Two object rules for {label} {action!r}.")
        _object_rules[key] = fn
        return fn

    return register


def as_access(actor: Access | Actor) -> Access:
    """The actor's ``Access``: the object itself, or the user's (built once per user)."""
    if _access_type is not None and isinstance(actor, _access_type):
        return actor  # type: ignore[return-value]
    if _resolve is None:
        raise ImproperlyConfigured("shamy.access is not installed: no way to turn a user into an Access.")
    return _resolve(actor)


def rule_for(model: type[models.Model], action: str) -> QueryRule:
    try:
        return _query_rules[_key(model._meta.label, action)]
    except KeyError:
        raise ImproperlyConfigured(
            f"No rule {action!r} for {model._meta.label}: add @rule({model._meta.label!r}, {action!r}) "
            "to the permissions.py of the app that needs it."
        ) from None


def registered_rules() -> list[tuple[str, str]]:
    """Every (model label, action) with a query rule, sorted; the docs and tests list them."""
    return sorted(_query_rules)


class RestrictedQuerySet(models.QuerySet[M]):
    """A queryset that can be narrowed to what an actor may use for a named action."""

    #: Rules that follow a to-many relation (a region's schools) set this to drop repeated rows.
    distinct_on_restrict = False

    def restrict(self, actor: Access | Actor, action: str = "view") -> Self:
        access = as_access(actor)
        if access.user is None:
            return self.none()
        allowed_rows = rule_for(self.model, action)(access)
        if allowed_rows is True:
            return self.all()
        if allowed_rows is False or allowed_rows is None:
            return self.none()
        narrowed = self.filter(allowed_rows)
        return narrowed.distinct() if self.distinct_on_restrict else narrowed


def allowed(actor: Access | Actor, obj: models.Model, action: str) -> bool:
    """May the actor use this one object for ``action``? Deny by default."""
    access = as_access(actor)
    if access.user is None:
        return False
    model = type(obj)
    object_fn = _object_rules.get(_key(model._meta.label, action))
    if object_fn is not None:
        return bool(object_fn(access, obj))
    rows = rule_for(model, action)(access)
    if rows is True or rows is False or rows is None:
        return bool(rows)
    return model._default_manager.filter(rows, pk=obj.pk).exists()


def checked(
    model: type[models.Model],
    action: str | None = None,
    *,
    kwarg: str = "pk",
    field: str = "pk",
    name: str | None = None,
    visible: str = "view",
    shape: Callable[[Any], Any] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Resolve ``kwarg`` from the URL into a checked object before the view runs.

    The object must be among the rows of the ``visible`` rule (default "view"), else 404: nobody
    learns that it exists. For another ``action`` (default: the ``visible`` rule itself) it must
    then be ``allowed``, else 403. ``shape``
    adds the select_related/prefetch the view needs. The view receives the object as keyword
    ``name`` (default: the model's name, e.g. ``gathering``).
    """
    target = name or model._meta.model_name or "obj"
    action = action or visible

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
            value = kwargs.pop(kwarg)
            if isinstance(value, int) and parse_id(value) is None:
                # <int:...> matches any run of digits; past the id range the database driver
                # would overflow (a foreign key's lookup is not range-checked by Django).
                raise Http404
            rows = model._default_manager.all()
            if not isinstance(rows, RestrictedQuerySet):
                raise ImproperlyConfigured(f"{model._meta.label} has no RestrictedQuerySet.")
            rows = rows.restrict(request.access, visible)
            if shape is not None:
                rows = shape(rows)
            try:
                obj = rows.get(**{field: value})
            except (ObjectDoesNotExist, ValueError, TypeError, OverflowError):
                raise Http404 from None
            if action != visible and not allowed(request.access, obj, action):
                raise PermissionDenied
            kwargs[target] = obj
            return view(request, *args, **kwargs)

        wrapper.checked = (model, action)  # type: ignore[attr-defined]
        return wrapper

    return decorate


def requires(test: Callable[[Access], bool]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """For a page with no object in its URL: 403 unless ``test(request.access)``."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
            if not test(request.access):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def require(actor: Access | Actor, obj: models.Model, action: str) -> None:
    """Raise ``PermissionDenied`` unless ``allowed``: for services re-checking before a write."""
    if not allowed(actor, obj, action):
        raise PermissionDenied


__all__ = [
    "RestrictedQuerySet",
    "allowed",
    "as_access",
    "checked",
    "object_rule",
    "registered_rules",
    "require",
    "requires",
    "rule",
    "rule_for",
]
