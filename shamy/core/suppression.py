"""Secondary (complementary) cell suppression. Pure code, no Django.

Statistical offices protect a published table in two steps (the rule tau-ARGUS implements):
*primary* suppression hides each cell computed from too few people; *secondary* suppression then
hides further cells so that no hidden cell can be worked out by subtraction. A table is a set of
*lines*: each row (urban + rural = all schools) and each column (the places add up to the total)
is one additive relation. A line holding exactly one hidden cell gives that cell away (the total
minus the published others), so every line that holds a hidden cell must hold at least two.

:func:`complete` adds hidden cells until that holds. It picks, in a line with one hidden cell, the
published cell that costs least: an inner cell before a total (totals are repeated on other
pages), a positive count before a zero (a zero may be publicly known, so it protects little), and
the smallest count first. A cell whose value is ``None`` is known to the reader by other means (a
place with no such schools: a structural zero) and can neither be hidden nor protect.

It only adds: cells already hidden (primary, or forced by a linked table such as the national
pattern a regional table repeats) stay hidden.

The smallest group shown is one setting for the whole platform, kept by the equity analytics
(``AnalyticsSettings.suppression_threshold``, changed by a system administrator). Apps beside or
below it read it through :func:`threshold`; the analytics app registers its reader at start-up
(:func:`register_threshold`), so no app imports another for it.

Zero counts are not primary-suppressed: a zero says that nobody in the group did something, which
identifies no one, and statistical offices publish them (tau-ARGUS treats zero cells as safe
unless told otherwise). They still protect other cells when nothing else can.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

CellId = TypeVar("CellId", bound=Hashable)

#: The smallest number of people a published figure may come from, until the analytics app
#: registers its administrator-controlled setting.
DEFAULT_THRESHOLD = 10
_threshold_source: list[Callable[[], int]] = []


def register_threshold(source: Callable[[], int]) -> None:
    """Called once by the app that keeps the setting (``AnalyticsConfig.ready``)."""
    _threshold_source[:] = [source]


def threshold() -> int:
    """The smallest group shown to those who see only aggregates (fewer people: suppressed)."""
    return _threshold_source[0]() if _threshold_source else DEFAULT_THRESHOLD


def complete(
    values: Mapping[CellId, float | None],
    lines: Sequence[Sequence[CellId]],
    hidden: Iterable[CellId],
    *,
    totals: Iterable[CellId] = (),
) -> set[CellId]:
    """The hidden cells after secondary suppression: ``hidden`` plus what protects them.

    ``values`` gives each cell's count (``None``: known by other means, never hidden); ``lines``
    lists the additive relations (each a sequence of cells, the total among them); ``totals`` are
    the cells hidden only when no inner cell of the line can be.
    """
    result = {cell for cell in hidden}
    total_cells = set(totals)
    changed = True
    while changed:
        changed = False
        for line in lines:
            inside = [cell for cell in line if cell in result]
            if len(inside) != 1:
                continue
            candidates = [cell for cell in line if cell not in result and values.get(cell) is not None]
            if not candidates:
                continue  # every other cell is known: nothing can protect it (see protects())
            best = min(
                candidates,
                key=lambda cell: (cell in total_cells, (values[cell] or 0) <= 0, values[cell] or 0),
            )
            result.add(best)
            changed = True
    return result


def exposed(lines: Sequence[Sequence[CellId]], hidden: set[CellId]) -> list[CellId]:
    """Hidden cells that one line gives away (the only hidden cell of a line): none after
    :func:`complete` unless a line had nothing else that could be hidden."""
    found = []
    for line in lines:
        inside = [cell for cell in line if cell in hidden]
        if len(inside) == 1:
            found.append(inside[0])
    return found


def grid_lines(rows: Sequence[Hashable], columns: Sequence[Hashable]) -> list[list[tuple[Hashable, Hashable]]]:
    """The lines of a two-way table with margins: each row (its parts and its total column) and
    each column (every row's cell and the total row's). ``rows`` and ``columns`` include the totals."""
    lines: list[list[tuple[Hashable, Hashable]]] = [[(row, column) for column in columns] for row in rows]
    lines += [[(row, column) for row in rows] for column in columns]
    return lines


def primary(values: Mapping[CellId, float | None], minimum: int) -> set[CellId]:
    """Cells computed from fewer than ``minimum`` people, but not none (see the module's note)."""
    return {cell for cell, value in values.items() if value is not None and 0 < value < minimum}
