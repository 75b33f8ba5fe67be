"""How each indicator's value is computed from aggregate buckets.

A *bucket* is a dictionary of sums for one place and one locality, produced by one aggregate
query per panel (see :mod:`shamy.analytics.selectors`). Every indicator is a numerator over an
optional denominator taken from a bucket, so regional and national values come from the same
sums and the national figure is weighted correctly (pooled sums, never a mean of ratios).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from shamy.analytics.parity import absolute_gap, adjusted_parity_index, ratio

Bucket = dict[str, float]


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
    "rural_share": Spec("rural", "schools", 100, parity=False),
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

    @property
    def shown(self) -> bool:
        return self.value is not None and not self.suppressed


def merge(buckets: Iterable[Mapping[str, float]]) -> Bucket:
    total: Bucket = {}
    for bucket in buckets:
        for key, value in bucket.items():
            total[key] = total.get(key, 0) + (value or 0)
    return total


def evaluate(spec: Spec, bucket: Mapping[str, float] | None, threshold: int) -> Cell:
    if not bucket or spec.numerator not in bucket:
        return Cell(None)
    people = bucket.get(spec.people) if spec.people else None
    if spec.people and people is not None and people < threshold:
        return Cell(None, suppressed=True, people=people)
    numerator = bucket.get(spec.numerator)
    if spec.denominator is None:
        return Cell(numerator, people=people)
    value = ratio(numerator, bucket.get(spec.denominator))
    return Cell(None if value is None else value * spec.scale, people=people)


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
