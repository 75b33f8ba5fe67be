"""Parsing one cell of text into a value, or a translatable error.

Every parser takes the stripped cell text (never empty: empty cells are handled by the
caller) and returns a Python value or raises :class:`CellError`.
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from shamy.core.text import search_key

Parser = Callable[[str], Any]


class CellError(Exception):
    """A cell's value is wrong. ``message`` is a lazy translatable text with ``%(name)s`` params."""

    def __init__(self, message: object, params: Mapping[str, object] | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.params = dict(params or {})

    @classmethod
    def from_validation_error(cls, error: ValidationError) -> CellError:
        first = error.error_list[0]
        return cls(first.message, first.params or {})


def text(max_length: int) -> Parser:
    def parse(value: str) -> str:
        if len(value) > max_length:
            raise CellError(
                _("This text is too long: at most %(limit)s characters, it has %(count)s."),
                {"limit": max_length, "count": len(value)},
            )
        return value

    return parse


def integer(minimum: int | None = None, maximum: int | None = None) -> Parser:
    def parse(value: str) -> int:
        cleaned = value.replace(" ", "").replace("\u202f", "")
        if cleaned.endswith(".0"):
            cleaned = cleaned[:-2]
        if not re.fullmatch(r"[+-]?\d{1,12}", cleaned):
            raise CellError(_("Give a whole number."))
        number = int(cleaned)
        if minimum is not None and number < minimum:
            raise CellError(_("The number must be at least %(minimum)s."), {"minimum": minimum})
        if maximum is not None and number > maximum:
            raise CellError(_("The number must be at most %(maximum)s."), {"maximum": maximum})
        return number

    return parse


def decimal_number(places: int, minimum: float, maximum: float) -> Parser:
    quantum = decimal.Decimal(1).scaleb(-places)

    def parse(value: str) -> decimal.Decimal:
        cleaned = value.replace(" ", "").replace(",", ".")
        if not re.fullmatch(r"[+-]?\d{1,6}(\.\d+)?", cleaned):
            raise CellError(_("Give a number, such as 43.25."))
        number = decimal.Decimal(cleaned).quantize(quantum, rounding=decimal.ROUND_HALF_UP)
        if not minimum <= number <= maximum:
            raise CellError(
                _("The number must lie between %(minimum)s and %(maximum)s."), {"minimum": minimum, "maximum": maximum}
            )
        return number

    return parse


_DATE_PATTERNS = (
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"), ("year", "month", "day")),
    (re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})"), ("day", "month", "year")),
    (re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})"), ("day", "month", "year")),
)


def date(value: str) -> datetime.date:
    candidate = value.split("T")[0].split(" ")[0]
    for pattern, order in _DATE_PATTERNS:
        match = pattern.fullmatch(candidate)
        if match:
            parts = dict(zip(order, (int(group) for group in match.groups()), strict=True))
            try:
                return datetime.date(parts["year"], parts["month"], parts["day"])
            except ValueError:
                break
    raise CellError(_("Give a date as DD.MM.YYYY or YYYY-MM-DD."))


_TRUE = {"1", "yes", "true", "y", "иә", "ия", "да", "+"}
_FALSE = {"0", "no", "false", "n", "жоқ", "нет", "-"}


def boolean(value: str) -> bool:
    folded = search_key(value)
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise CellError(_("Write yes or no (1 or 0)."))


def _labels_in_every_language(label: object) -> set[str]:
    names = set()
    for language in ("kk", "ru", "en"):
        with translation.override(language):
            names.add(search_key(str(label)))
    return names


# The word "none" for an enumeration's ``none`` code, as people write it in each language.
NONE_WORDS = ("жоқ", "нет", "no", "none", "жок")


class ChoiceParser:
    """A value from ``choices``: its code, its label in Kazakh, Russian or English, a short form
    from ``aliases`` (such as "қазақ" for Kazakh), or a word for "none" where the choices have a
    ``none`` code. :meth:`labels` gives the allowed values in the active language (templates,
    drop-downs and the import page); an error lists them in all three languages, because a stored
    problem is shown later in whatever language its reader uses."""

    def __init__(self, choices: Iterable[tuple[str, object]], aliases: Mapping[str, str] | None = None) -> None:
        self.choices = list(choices)
        self.aliases = dict(aliases or {})
        self._lookup: dict[str, str] = {}

    def lookup(self) -> dict[str, str]:
        if not self._lookup:
            table: dict[str, str] = {}
            codes = {code for code, _label in self.choices}
            if "none" in codes:
                for word in NONE_WORDS:
                    table[search_key(word)] = "none"
            for alias, code in self.aliases.items():
                table[search_key(alias)] = code
            for code, label in self.choices:
                for name in _labels_in_every_language(label):
                    table[name] = code
                table[search_key(code)] = code
            self._lookup = table
        return self._lookup

    def labels(self) -> list[str]:
        return [str(label) for _code, label in self.choices]

    def labels_in_every_language(self) -> str:
        names = []
        for _code, label in self.choices:
            seen: list[str] = []
            for language in ("kk", "ru", "en"):
                with translation.override(language):
                    name = str(label)
                if name not in seen:
                    seen.append(name)
            names.append(" / ".join(seen))
        return "; ".join(names)

    def __call__(self, value: str) -> str:
        code = self.lookup().get(search_key(value))
        if code is None:
            raise CellError(
                _("“%(value)s” is not one of the allowed values: %(allowed)s."),
                {"value": value[:50], "allowed": self.labels_in_every_language()},
            )
        return code


def choice(choices: Iterable[tuple[str, object]], aliases: Mapping[str, str] | None = None) -> ChoiceParser:
    """A value from ``choices`` (see :class:`ChoiceParser`)."""
    return ChoiceParser(choices, aliases)


class ChoiceListParser(ChoiceParser):
    """Several values from ``choices`` separated by commas or semicolons; kept in the file's order."""

    def __call__(self, value: str) -> list[str]:  # type: ignore[override]
        result: list[str] = []
        for part in re.split(r"[,;|]", value):
            if part.strip():
                code = super().__call__(part.strip())
                if code not in result:
                    result.append(code)
        return result


def choice_list(choices: Iterable[tuple[str, object]], aliases: Mapping[str, str] | None = None) -> ChoiceListParser:
    return ChoiceListParser(choices, aliases)


def allowed_values(parser: object) -> list[str]:
    """The allowed values of a column's parser in the active language, or [] for free values."""
    if isinstance(parser, ChoiceParser):
        return parser.labels()
    if parser is boolean:
        return [str(_("yes")), str(_("no"))]
    return []


def identifier(validator: Callable[[str], None]) -> Parser:
    """A 12-digit IIN or BIN. Spreadsheets drop a leading zero from numbers, so 11 digits get it back."""

    def parse(value: str) -> str:
        cleaned = re.sub(r"[\s\-]", "", value)
        if cleaned.endswith(".0"):
            cleaned = cleaned[:-2]
        if len(cleaned) == 11 and cleaned.isascii() and cleaned.isdigit():
            cleaned = "0" + cleaned
        try:
            validator(cleaned)
        except ValidationError as error:
            raise CellError.from_validation_error(error) from error
        return cleaned

    return parse


def email(value: str) -> str:
    try:
        validate_email(value)
    except ValidationError as error:
        raise CellError(_("Give a valid e-mail address.")) from error
    if len(value) > 254:
        raise CellError(_("Give a valid e-mail address."))
    return value.lower()


def phone(value: str) -> str:
    if not re.fullmatch(r"\+?[\d\s()\-]{5,20}", value):
        raise CellError(_("Give a phone number of digits, such as +7 701 123 45 67."))
    return value


def code(max_length: int) -> Parser:
    """An identifier from another system: letters, digits and - _ . / only."""

    def parse(value: str) -> str:
        if len(value) > max_length or not re.fullmatch(r"[\w\-./]+", value):
            raise CellError(
                _("An external ID has at most %(limit)s letters, digits and - _ . / characters."),
                {"limit": max_length},
            )
        return value

    return parse
