"""The generic import engine: columns, importers and the check of a whole table.

An :class:`Importer` declares its columns (each with a canonical code, a translatable label
and a cell parser), which columns identify a record, how to look records up in bulk and how
to apply one checked row through the owning app's services. :func:`check_table` turns a
:class:`~shamy.imports.files.Table` into checked :class:`Row` objects without writing anything.

Errors are stored language-neutral (the English message id and its parameters) so that a
preview computed by a background task still reads in each viewer's own language.
"""

from __future__ import annotations

import abc
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shamy.access.context import Actor
from shamy.core.text import search_key
from shamy.imports.cells import CellError, Parser
from shamy.imports.files import Table

if TYPE_CHECKING:
    from shamy.accounts.models import User

CREATE = "create"
UPDATE = "update"
UNCHANGED = "unchanged"
ERROR = "error"


@dataclass(frozen=True)
class Problem:
    """One error: on a row (``line``) and column (``column`` code), or on the whole file."""

    message: str
    params: Mapping[str, Any] = field(default_factory=dict)
    line: int | None = None
    column: str | None = None

    @classmethod
    def of(cls, message: object, params: Mapping[str, Any] | None = None, **where: Any) -> Problem:
        # The English text is the message id: it is translated again when shown.
        with translation.override("en"):
            message_id = str(message)
        safe = {key: value if isinstance(value, int | float) else str(value) for key, value in (params or {}).items()}
        return cls(message=message_id, params=safe, **where)

    def as_json(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "message": self.message, "params": dict(self.params)}

    @staticmethod
    def text(data: Mapping[str, Any]) -> str:
        """The message of a stored problem in the active language."""
        message = gettext(data["message"])
        params = data.get("params") or {}
        try:
            return message % params if params else message
        except (KeyError, TypeError, ValueError):
            return message


def header_key(value: str) -> str:
    return re.sub(r"\s+", " ", search_key(value.replace("*", ""))).strip()


@dataclass(frozen=True)
class Column:
    code: str
    label: Any  # a lazy translatable text
    parse: Parser
    required: bool = False
    aliases: tuple[str, ...] = ()
    help_text: Any = ""

    @property
    def allowed(self) -> list[str]:
        """The values an enumerated column takes, in the active language ([] for free text)."""
        from shamy.imports.cells import allowed_values

        return allowed_values(self.parse)

    def header_names(self) -> set[str]:
        names = {header_key(self.code), *(header_key(alias) for alias in self.aliases)}
        for language in ("kk", "ru", "en"):
            with translation.override(language):
                names.add(header_key(str(self.label)))
        return names


@dataclass
class Row:
    line: int
    cells: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    action: str = ""
    target: Any = None
    changes: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def error(self, column: str | None, message: object, params: Mapping[str, Any] | None = None) -> None:
        self.errors.append(Problem.of(message, params, line=self.line, column=column))


class Importer(abc.ABC):
    """One kind of import. Subclass, fill the class attributes and register it (see kinds.py)."""

    kind: ClassVar[str]
    label: ClassVar[Any]
    # Shown on the start page: how rows are matched and what an import of this kind changes.
    description: ClassVar[Any] = ""
    columns: ClassVar[tuple[Column, ...]]
    # Columns whose values must be unique within one file (a record's identifiers).
    unique_columns: ClassVar[tuple[str, ...]] = ()

    def allowed(self, user: Actor) -> bool:
        """Whether ``user`` may run this import. Deny by default."""
        return False

    def column(self, code: str) -> Column:
        for column in self.columns:
            if column.code == code:
                return column
        raise KeyError(code)

    @abc.abstractmethod
    def resolve(self, rows: list[Row]) -> None:
        """Look up references and existing records for every row in a constant number of queries,
        then set each error-free row's ``action``, ``target`` and ``changes`` (or add errors)."""

    @abc.abstractmethod
    def apply(self, *, actor: User, row: Row) -> None:
        """Write one checked row through the owning app's services."""

    def apply_many(self, *, actor: User, rows: list[Row]) -> None:
        """Write a batch of checked rows. By default one at a time; an importer may write new
        records in bulk through services made for rows checked in the same transaction."""
        for row in rows:
            self.apply(actor=actor, row=row)

    def summary(self, row: Row) -> str:
        """A short name for the row's record, shown in the preview."""
        return ""


@dataclass
class Report:
    columns: list[str]
    rows: list[Row]
    file_problems: list[Problem]

    @property
    def problems(self) -> list[Problem]:
        return self.file_problems + [problem for row in self.rows for problem in row.errors]

    @property
    def ok(self) -> bool:
        return not self.file_problems and all(not row.errors for row in self.rows)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)


def map_header(importer: Importer, header: list[str]) -> tuple[dict[int, str], list[Problem]]:
    """Which file column holds which importer column (by code, or label in kk, ru or en)."""
    names = {name: column.code for column in importer.columns for name in column.header_names()}
    mapping: dict[int, str] = {}
    problems: list[Problem] = []
    for index, title in enumerate(header):
        if not title:
            continue
        code = names.get(header_key(title))
        if code is None:
            problems.append(
                Problem.of(_("The column «%(title)s» is not recognised for this import."), {"title": title[:80]})
            )
        elif code in mapping.values():
            problems.append(Problem.of(_("The column «%(title)s» appears twice."), {"title": title[:80]}))
        else:
            mapping[index] = code
    present = set(mapping.values())
    for column in importer.columns:
        if column.required and column.code not in present:
            problems.append(Problem.of(_("This required column is missing from the file."), column=column.code))
    return mapping, problems


def parse_cell(column: Column, raw: str, row: Row) -> None:
    if raw == "":
        if column.required:
            row.error(column.code, _("This value is required."))
        return
    try:
        row.values[column.code] = column.parse(raw)
    except CellError as error:
        row.error(column.code, error.message, error.params)


def check_table(
    importer: Importer, table: Table, *, progress: Callable[[int], None] | None = None, every: int = 200
) -> Report:
    """Check every row of ``table`` for ``importer``. Reads the database, never writes."""
    mapping, file_problems = map_header(importer, table.header)
    columns = [mapping[index] for index in sorted(mapping)]
    if file_problems:
        return Report(columns=columns, rows=[], file_problems=file_problems)
    if not table.rows:
        return Report(columns=columns, rows=[], file_problems=[Problem.of(_("The file has no rows to import."))])
    rows: list[Row] = []
    by_index = [(index, importer.column(code)) for index, code in mapping.items()]
    for number, (cells, line) in enumerate(zip(table.rows, table.lines, strict=True), start=1):
        row = Row(line=line)
        for index, column in by_index:
            raw = cells[index] if index < len(cells) else ""
            row.cells[column.code] = raw
            parse_cell(column, raw, row)
        rows.append(row)
        if progress is not None and number % every == 0:
            progress(number)
    _mark_duplicates(importer, rows)
    importer.resolve(rows)
    for row in rows:
        if row.errors:
            row.action = ERROR
    return Report(columns=columns, rows=rows, file_problems=[])


def _mark_duplicates(importer: Importer, rows: Iterable[Row]) -> None:
    for code in importer.unique_columns:
        first_line: dict[Any, int] = {}
        for row in rows:
            value = row.values.get(code)
            if value in (None, ""):
                continue
            if value in first_line:
                row.error(
                    code,
                    _("The same value is already in row %(line)s: each record may appear only once."),
                    {"line": first_line[value]},
                )
            else:
                first_line[value] = row.line
