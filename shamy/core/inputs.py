"""The one parser for numbers that come from outside: query strings, posted fields, API parameters.

Why not ``int(raw) if raw.isdigit()``: ``str.isdigit()`` is true for "²" and "٣", on which ``int()``
raises or silently reads another script's digits, and an unbounded number (``2**70``) overflows the
database driver. Both became server errors. Every view and form that reads an id, a page, a year or
any other integer from a request goes through these functions instead:

* only ASCII digits (and a leading minus sign where negatives are allowed), after trimming spaces;
* bounded: a value outside ``[minimum, maximum]`` is treated as absent, like a malformed one;
* never raising: the caller decides whether "absent" means a default, no filter, or a 400.

``MAX_ID`` is the largest id accepted anywhere: primary keys are 64-bit (``BigAutoField``), and
``2**53 - 1`` keeps every accepted id exact in JavaScript and far inside PostgreSQL's ``bigint``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.translation import gettext_lazy as _
from pydantic import Field

MAX_ID = 2**53 - 1
# Column ranges on PostgreSQL (SQLite takes 64 bits everywhere, so only PostgreSQL would refuse).
MAX_SMALL_INTEGER = 2**15 - 1
MAX_INTEGER = 2**31 - 1
MAX_PAGE = 1_000_000  # no list comes near; a larger page number shows the last page
MIN_YEAR, MAX_YEAR = 1900, 2200
MAX_OFFSET = MAX_INTEGER  # the largest offset an API list accepts
# Enough for any 64-bit value with its sign; a longer string is refused before int() reads it.
_MAX_LENGTH = 20


def ascii_integer(raw: Any) -> int | None:
    """``raw`` as an integer if it is one written in ASCII digits (optionally signed), else None.

    Accepts an ``int`` as is (not a ``bool``). Strings are trimmed; "+", "²", "٣", "1.0", "1e3",
    "" and anything longer than 20 characters are None.
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if not text or len(text) > _MAX_LENGTH:
        return None
    digits = text[1:] if text[0] == "-" else text
    if not digits or not digits.isascii() or not digits.isdigit():
        return None
    return int(text)


def parse_int(raw: Any, *, minimum: int, maximum: int, default: int | None = None) -> int | None:
    """An integer within ``[minimum, maximum]`` read from ``raw``, else ``default``."""
    value = ascii_integer(raw)
    if value is None or not minimum <= value <= maximum:
        return default
    return value


def parse_id(raw: Any) -> int | None:
    """A database id (1 to ``MAX_ID``) read from ``raw``, else None."""
    return parse_int(raw, minimum=1, maximum=MAX_ID)


def parse_ids(values: Iterable[Any]) -> list[int]:
    """The valid ids among ``values`` (as from ``QueryDict.getlist``), in order, without repeats."""
    seen: dict[int, None] = {}
    for raw in values:
        value = parse_id(raw)
        if value is not None:
            seen.setdefault(value, None)
    return list(seen)


def parse_page(raw: Any) -> int:
    """A page number: 1 when missing or malformed, at most ``MAX_PAGE`` (paginators show the last page)."""
    value = ascii_integer(raw)
    if value is None or value < 1:
        return 1
    return min(value, MAX_PAGE)


def parse_year(raw: Any, *, minimum: int = MIN_YEAR, maximum: int = MAX_YEAR, default: int | None = None) -> int | None:
    """A calendar year within ``[minimum, maximum]``, else ``default``."""
    return parse_int(raw, minimum=minimum, maximum=maximum, default=default)


def query_id(query: Mapping[str, Any], key: str) -> int | None:
    """``parse_id(query[key])``; a missing key is None. Works on ``request.GET`` and plain dicts."""
    return parse_id(query.get(key))


class IntegerField(forms.IntegerField):
    """A form integer field that must be bounded and written in ASCII digits.

    Django's ``forms.IntegerField`` reads "٣" as 3 and has no upper bound unless told, so a posted
    ``2**70`` reached the database. Both bounds are required here.
    """

    default_error_messages = {"invalid": _("Enter a whole number.")}

    def __init__(self, *, min_value: int, max_value: int, **kwargs: Any) -> None:
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, str) and ascii_integer(value) is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


def bounded_formfield(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """``Meta.formfield_callback`` of model forms: integer columns get the bounds of PostgreSQL's
    column type (SQLite would store anything up to 64 bits) and read only ASCII digits; many-to-many
    choices check their ids (``ModelMultipleChoiceField``)."""
    if isinstance(db_field, models.IntegerField) and not isinstance(db_field, models.AutoField):
        low, high = BaseDatabaseOperations.integer_field_ranges[db_field.get_internal_type()]
        kwargs = {"form_class": IntegerField, "min_value": low, "max_value": high, **kwargs}
    elif isinstance(db_field, models.ManyToManyField):
        kwargs = {"form_class": ModelMultipleChoiceField, **kwargs}
    return db_field.formfield(**kwargs)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Django's, but ids that are not ASCII digits within 1..``MAX_ID`` are refused before the
    database sees them: Django looks the chosen ids up with ``pk__in``, which is not range-checked,
    and ``2**70`` overflowed the driver."""

    def _check_values(self, value: Any) -> Any:
        key = self.to_field_name or "pk"
        model = self.queryset.model  # type: ignore[union-attr]
        field = model._meta.pk if key == "pk" else model._meta.get_field(key)
        if isinstance(field, models.IntegerField) and isinstance(value, list | tuple | set | frozenset):
            for item in value:
                if parse_id(item) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                    )
        return super()._check_values(value)  # type: ignore[misc]  # not in django-stubs


class IdField(IntegerField):
    """A posted database id: 1 to ``MAX_ID``, ASCII digits."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


# --- The JSON API's parameters (django-ninja reads pydantic's constraints and documents them) ----

ApiId = Annotated[int, Field(ge=1, le=MAX_ID)]
"""An id in a path or query string: out of range is a 422 with the error shape, never a 500."""

ApiOffset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]

ApiCode = Annotated[str, Field(max_length=64)]
"""A code in a path or query string (KATO code, indicator code, public id, a choice's value)."""

ApiSearch = Annotated[str, Field(max_length=200)]
"""Words to search for."""
