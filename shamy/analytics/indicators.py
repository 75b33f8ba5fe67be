"""How each indicator's value is computed from aggregate buckets.

A *bucket* is a dictionary of sums for one place and one locality, produced by one aggregate
query per panel (see :mod:`shamy.analytics.selectors`). Every indicator is a numerator over an
optional denominator taken from a bucket, so regional and national values come from the same
sums and the national figure is weighted correctly (pooled sums, never a mean of ratios).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from shamy.analytics.parity import absolute_gap, adjusted_parity_index, ratio
from shamy.core.suppression import complete, grid_lines

Bucket = dict[str, float]
# A bucket holding this key (value 1) gives figures the source left blank and we inferred
# (a city's rural schools: 0 by definition). Never pooled.
INFERRED = "inferred"


@dataclass(frozen=True)
class Spec:
    numerator: str
    denominator: str | None = None
    scale: float = 1.0
    # The bucket key counting the people a value is computed from; below the threshold it is suppressed.
    people: str | None = None
    # Parity of two counts (e.g. urban vs rural schools) says nothing about equity.
    parity: bool = True


COMPUTED: dict[str, Spec] = {
    "schools": Spec("schools", parity=False),
    "pupils": Spec("pupils", people="pupils", parity=False),
    "teachers": Spec("teachers", people="teachers", parity=False),
    # Rural / (urban + rural): across the 2008/09 break the total also counts evening schools.
    "rural_share": Spec("rural", "located", 100, parity=False),
    "small_class_share": Spec("small", "schools", 100),
    "pupils_per_teacher": Spec("pupils", "teachers", 1, people="teachers"),
    "high_speed_internet_share": Spec("high_speed", "schools", 100),
    "modernised_share": Spec("modernised", "schools", 100),
    "future_schools_planned": Spec("future_planned", parity=False),
    "future_schools_built": Spec("future_built", parity=False),
    "teachers_expert_share": Spec("staff_expert", "staff", 100, people="staff"),
    "programme_schools": Spec("reached", parity=False),
    "programme_schools_share": Spec("reached", "schools", 100),
    "programme_pupils": Spec("reached_pupils", parity=False),
    "programme_teachers": Spec("participants", people="participants", parity=False),
    "participation_hours_per_teacher": Spec("attended_hours", "participants", 1, people="participants"),
    "programme_facilitators": Spec("facilitators", people="facilitators", parity=False),
    "programme_principals": Spec("principals", people="principals", parity=False),
}


def register_computed(code: str, spec: Spec) -> None:
    """An app above analytics adds a computed indicator (its sums come from its panel provider,
    ``selectors.register_panel_provider``; its ``Indicator`` row from the app's data migration)."""
    COMPUTED[code] = spec


def imported_spec(code: str) -> Spec:
    return Spec(f"imported:{code}:sum", f"imported:{code}:weight", 1, people=f"imported:{code}:people")


def spec_for(code: str, source_kind: str) -> Spec:
    if source_kind == "computed":
        return COMPUTED[code]
    return imported_spec(code)


@dataclass(frozen=True)
class Cell:
    """One figure on screen. ``value`` is ``None`` when undefined or suppressed."""

    value: float | None
    suppressed: bool = False
    people: float | None = None
    inferred: bool = False
    # No figure exists (the source has none for this place and year), as against "undefined":
    # a figure that exists but has no value (a share of 0 schools).
    no_data: bool = False

    @property
    def shown(self) -> bool:
        return self.value is not None and not self.suppressed


def merge(buckets: Iterable[Mapping[str, float]]) -> Bucket:
    total: Bucket = {}
    for bucket in buckets:
        for key, value in bucket.items():
            if key != INFERRED:
                total[key] = total.get(key, 0) + (value or 0)
    return total


def evaluate(spec: Spec, bucket: Mapping[str, float] | None, threshold: int) -> Cell:
    if not bucket or spec.numerator not in bucket:
        return Cell(None, no_data=True)
    if spec.denominator is not None and spec.denominator not in bucket:
        return Cell(None, no_data=True)
    people = bucket.get(spec.people) if spec.people else None
    # Zero people discloses nobody: a 0 is shown (and protected, where needed, by the secondary
    # suppression of the table it is published in).
    if spec.people and people is not None and 0 < people < threshold:
        return Cell(None, suppressed=True, people=people)
    numerator = bucket.get(spec.numerator)
    inferred = bool(bucket.get(INFERRED))
    if spec.denominator is None:
        return Cell(numerator, people=people, inferred=inferred)
    value = ratio(numerator, bucket.get(spec.denominator))
    return Cell(None if value is None else value * spec.scale, people=people, inferred=inferred)


@dataclass(frozen=True)
class Row:
    """Urban, rural and all-schools figures for one place, with the parity index and gap."""

    key: int | None
    urban: Cell
    rural: Cell
    total: Cell
    parity: float | None
    gap: float | None

    def measure(self, name: str) -> Cell:
        if name == "parity":
            return Cell(self.parity)
        if name == "gap":
            return Cell(self.gap)
        return {"urban": self.urban, "rural": self.rural}.get(name, self.total)


def row_for(
    key: int | None, parts: Mapping[str, Bucket], spec: Spec, threshold: int, overall: Bucket | None = None
) -> Row:
    """``parts`` maps "urban"/"rural" to buckets; ``overall`` (if given) overrides their merge,
    for imported values given only for all schools."""
    urban = evaluate(spec, parts.get("urban"), threshold)
    rural = evaluate(spec, parts.get("rural"), threshold)
    total = evaluate(spec, overall if overall is not None else merge(parts.values()), threshold)
    parity = gap = None
    if spec.parity and urban.shown and rural.shown:
        parity = adjusted_parity_index(rural.value, urban.value)
        gap = absolute_gap(rural.value, urban.value)
    return Row(key, urban, rural, total, parity, gap)


COLUMNS = ("urban", "rural", "total")
# A cell of a published table: (the place's key, or None for the table's total row; the column).
TableCell = tuple[int | None, str]


def protect(
    rows: Sequence[Row], national: Row, spec: Spec, *, forced: Iterable[TableCell] = ()
) -> tuple[list[Row], Row, set[TableCell]]:
    """Secondary suppression of one published table (places and their total row, urban, rural
    and all schools). Primary suppression (too few people) is already in the cells; ``forced``
    cells are hidden because a linked table hides them (the national pattern that a regional
    table or a region's district table repeats). Rates are hidden with their counts: the pattern
    is found on the people a value is computed from, and the value is hidden wherever its count is.
    A hidden urban or rural cell hides the row's parity index and gap.
    """
    if spec.people is None:
        return list(rows), national, set()
    every = [*rows, national]
    keys: list[int | None] = [row.key for row in rows] + [None]
    values: dict[TableCell, float | None] = {}
    hidden: set[TableCell] = set(forced)
    for key, row in zip(keys, every, strict=True):
        for column in COLUMNS:
            cell = getattr(row, column)
            values[(key, column)] = cell.people
            if cell.suppressed:
                hidden.add((key, column))
    totals = {(key, "total") for key in keys} | {(None, column) for column in COLUMNS}
    lines = grid_lines(keys, COLUMNS)
    hidden = complete(values, lines, hidden, totals=totals)  # type: ignore[arg-type]

    def rebuilt(key: int | None, row: Row) -> Row:
        cells = {}
        for column in COLUMNS:
            cell = getattr(row, column)
            cells[column] = Cell(None, suppressed=True, people=cell.people) if (key, column) in hidden else cell
        shown = cells["urban"].shown and cells["rural"].shown
        return Row(
            row.key,
            cells["urban"],
            cells["rural"],
            cells["total"],
            row.parity if shown else None,
            row.gap if shown else None,
        )

    return [rebuilt(key, row) for key, row in zip(keys, rows, strict=False)], rebuilt(None, national), hidden
