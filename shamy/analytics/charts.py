"""Chart layout for server-rendered SVG: colour scales, bars and lines. No database; labels go through
the one number format (:mod:`shamy.core.numbers`).

Colours: a 5-step cividis scale for values (colour-blind safe, readable in grey), a 7-step
purple–orange diverging scale centred on parity (1.0), Okabe–Ito blue and orange for urban and
rural series. "No data" is a light grey with a pattern so it never reads as a low value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from shamy.core.numbers import format_decimal

CIVIDIS = ("#00224e", "#35456c", "#666970", "#948e77", "#c8b866", "#fee838")
SEQUENTIAL = ("#fee838", "#c8b866", "#948e77", "#575d6d", "#00224e")  # light → dark = low → high
DIVERGING = ("#b35806", "#f1a340", "#fee0b6", "#f7f7f7", "#d8daeb", "#998ec3", "#542788")
PARITY_EDGES = (0.8, 0.9, 0.97, 1.03, 1.1, 1.2)
NO_DATA = "#e5e5e5"
URBAN = "#0072b2"  # Okabe–Ito blue
RURAL = "#e69f00"  # Okabe–Ito orange
TOTAL = "#000000"


@dataclass(frozen=True)
class LegendStep:
    colour: str
    low: float | None
    high: float | None


@dataclass(frozen=True)
class Scale:
    steps: tuple[LegendStep, ...]
    diverging: bool
    # How the classes were drawn: "quantiles", "natural_breaks", "single" (one value) or "parity_bands".
    method: str = "parity_bands"
    # Goodness of variance fit of the classes (1 = the classes explain all the variation).
    fit: float | None = None

    def colour(self, value: float | None) -> str:
        if value is None:
            return NO_DATA
        if self.method in ("quantiles", "natural_breaks", "single"):
            # Data classes hold their upper bound (the largest value of the class).
            for step in self.steps:
                if step.high is None or value <= step.high:
                    return step.colour
            return self.steps[-1].colour
        for step in self.steps:
            if step.high is None or value < step.high:
                return step.colour
        return self.steps[-1].colour


def parity_scale() -> Scale:
    """The UNESCO reading bands around parity (kept for the legend note)."""
    edges: list[float | None] = [None, *PARITY_EDGES, None]
    return Scale(
        tuple(LegendStep(colour, edges[index], edges[index + 1]) for index, colour in enumerate(DIVERGING)),
        diverging=True,
    )


def _sum_of_squares(values: Sequence[float]) -> float:
    mean = sum(values) / len(values)
    return sum((value - mean) ** 2 for value in values)


def goodness_of_fit(values: Sequence[float], classes: Sequence[Sequence[float]]) -> float:
    """Jenks' goodness of variance fit: 1 − (within-class squared deviations / total)."""
    total = _sum_of_squares(values)
    if total == 0:
        return 1.0
    return 1 - sum(_sum_of_squares(group) for group in classes if group) / total


def natural_breaks(values: Sequence[float], count: int) -> list[list[float]]:
    """Fisher's exact optimal partition of sorted values into ``count`` contiguous classes with the
    least within-class squared deviation (Jenks natural breaks), by dynamic programming: O(k·n²),
    nothing for 20 regions or 200 districts."""
    ordered = sorted(values)
    n = len(ordered)
    count = max(1, min(count, n))
    prefix = [0.0]
    prefix_sq = [0.0]
    for value in ordered:
        prefix.append(prefix[-1] + value)
        prefix_sq.append(prefix_sq[-1] + value * value)

    def cost(i: int, j: int) -> float:  # values[i:j]
        width = j - i
        total = prefix[j] - prefix[i]
        return (prefix_sq[j] - prefix_sq[i]) - total * total / width

    infinity = float("inf")
    best = [[infinity] * (n + 1) for _ in range(count + 1)]
    cut = [[0] * (n + 1) for _ in range(count + 1)]
    best[0][0] = 0.0
    for k in range(1, count + 1):
        for j in range(k, n + 1):
            for i in range(k - 1, j):
                candidate = best[k - 1][i] + cost(i, j)
                if candidate < best[k][j] - 1e-12:
                    best[k][j], cut[k][j] = candidate, i
    groups: list[list[float]] = []
    j = n
    for k in range(count, 0, -1):
        i = cut[k][j]
        groups.append(ordered[i:j])
        j = i
    return list(reversed(groups))


def quantile_classes(values: Sequence[float], count: int) -> list[list[float]]:
    """Classes of (nearly) equal counts; equal values never straddle two classes."""
    ordered = sorted(values)
    n = len(ordered)
    count = max(1, min(count, n))
    groups: list[list[float]] = []
    start = 0
    for index in range(1, count + 1):
        end = round(index * n / count)
        while 0 < end < n and ordered[end] == ordered[end - 1]:
            end += 1
        if end > start:
            groups.append(ordered[start:end])
            start = end
    return groups


def value_scale(values: Sequence[float | None], classes: int = 5) -> Scale:
    """Classes drawn from the data so the map separates the places shown.

    Both quantiles and natural breaks (Jenks) are computed; natural breaks are used when they fit
    clearly better (goodness of variance fit higher by more than 0.05: the values form clusters
    that equal counts would cut through), quantiles otherwise (they fill every colour). The rule
    used is shown beside the legend. Fewer distinct values than classes give one class each."""
    shown = [value for value in values if value is not None]
    if not shown:
        return Scale((LegendStep(SEQUENTIAL[0], None, None),), diverging=False, method="single")
    distinct = sorted(set(shown))
    if len(distinct) == 1:
        return Scale((LegendStep(SEQUENTIAL[2], distinct[0], distinct[0]),), diverging=False, method="single")
    count = min(classes, len(distinct))
    by_quantile = quantile_classes(shown, count)
    by_breaks = natural_breaks(shown, count)
    fit_quantile = goodness_of_fit(shown, by_quantile)
    fit_breaks = goodness_of_fit(shown, by_breaks)
    if fit_breaks > fit_quantile + 0.05:
        groups, method, fit = by_breaks, "natural_breaks", fit_breaks
    else:
        groups, method, fit = by_quantile, "quantiles", fit_quantile
    palette = _palette(len(groups))
    steps = tuple(LegendStep(colour, group[0], group[-1]) for colour, group in zip(palette, groups, strict=True))
    return Scale(steps, diverging=False, method=method, fit=fit)


def _palette(count: int) -> tuple[str, ...]:
    """``count`` colours of the sequential scale, spread from light to dark."""
    if count >= len(SEQUENTIAL):
        return SEQUENTIAL
    if count == 1:
        return (SEQUENTIAL[2],)
    last = len(SEQUENTIAL) - 1
    return tuple(SEQUENTIAL[round(index * last / (count - 1))] for index in range(count))


def worst_first(measure: str, direction: str) -> bool:
    """True when the worst place (for rural schools) has the smallest value of ``measure``.

    Where more is better, a low value, a low parity index and a large gap (urban − rural) are
    worst; where more is worse (pupils per teacher), the opposite."""
    higher_better = direction != "higher_worse"
    if measure == "gap":
        return not higher_better
    return higher_better


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    width: float
    y: float
    colour: str
    key: object = None
    x: float = 0.0

    @property
    def value_x(self) -> float:
        return self.x + self.width + 4


@dataclass(frozen=True)
class BarChart:
    bars: tuple[Bar, ...]
    height: float
    width: float
    label_width: float
    plot_width: float
    origin: float  # x of the zero line, for gaps that may be negative


def bar_chart(
    items: Sequence[tuple[str, float | None, object]],
    *,
    colour: str = URBAN,
    row_height: float = 22,
    width: float = 640,
    label_width: float = 220,
    ascending: bool = False,
) -> BarChart:
    """Horizontal bars, largest first (smallest first with ``ascending``: pass
    :func:`worst_first` so the worst place leads), undefined values last (shown as "no data")."""
    sign = 1 if ascending else -1
    ordered = sorted(items, key=lambda item: (item[1] is None, sign * (item[1] or 0)))
    values = [value for _, value, _ in ordered if value is not None]
    plot_width = width - label_width - 70
    low = min([0.0, *values])
    high = max([0.0, *values])
    span = (high - low) or 1.0
    origin = label_width + (0 - low) / span * plot_width
    bars = []
    for index, (label, value, key) in enumerate(ordered):
        length = 0.0 if value is None else abs(value) / span * plot_width
        x = origin - length if value is not None and value < 0 else origin
        bars.append(Bar(label, value, length, index * row_height + 4, colour, key, x))
    return BarChart(tuple(bars), len(bars) * row_height + 8, width, label_width, plot_width, origin)


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    dash: str
    paths: tuple[str, ...]  # one path per run of defined values: gaps stay gaps
    points: tuple[tuple[float, float, int, float], ...]  # x, y, year, value


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Marker:
    """A dashed vertical line before a year where the series breaks, labelled with the numbers of
    the notes that explain it."""

    x: float
    label: str


@dataclass(frozen=True)
class LineChart:
    width: float
    height: float
    left: float
    top: float
    plot_width: float
    plot_height: float
    series: tuple[Series, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    markers: tuple[Marker, ...]
    decimals: int = 0  # places shown for the series' values


def line_chart(
    years: Sequence[int],
    series: Sequence[tuple[str, str, str, Sequence[float | None]]],
    *,
    width: float = 640,
    height: float = 300,
    breaks: Sequence[int] = (),
    y_floor: float | None = 0,
    decimals: int = 0,
) -> LineChart:
    left, top, right, bottom = 56.0, 12.0, 16.0, 32.0
    plot_width, plot_height = width - left - right, height - top - bottom
    values = [value for _, _, _, data in series for value in data if value is not None]
    high = max(values) if values else 1.0
    low = min(values) if values else 0.0
    if y_floor is not None:
        low = min(low, y_floor)
    high = high + (high - low) * 0.05 or 1.0
    span = (high - low) or 1.0
    first, last = (years[0], years[-1]) if years else (0, 1)
    year_span = (last - first) or 1

    def x_of(year: float) -> float:
        return left + (year - first) / year_span * plot_width

    def y_of(value: float) -> float:
        return top + (high - value) / span * plot_height

    built = []
    for name, colour, dash, data in series:
        runs: list[list[str]] = []
        current: list[str] = []
        points = []
        for year, value in zip(years, data, strict=True):
            if value is None:
                if current:
                    runs.append(current)
                current = []
                continue
            x, y = x_of(year), y_of(value)
            current.append(f"{x:.1f} {y:.1f}")
            points.append((round(x, 1), round(y, 1), year, value))
        if current:
            runs.append(current)
        built.append(Series(name, colour, dash, tuple("M" + "L".join(run) for run in runs), tuple(points)))
    step = 2 if len(years) > 12 else 1
    x_ticks = tuple(Tick(x_of(year), str(year)) for year in years[::step])
    y_ticks = tuple(Tick(y_of(low + span * index / 4), _short(low + span * index / 4)) for index in range(5))
    numbers: dict[int, list[int]] = {}
    for number, year in enumerate(breaks, start=1):
        if years and first <= year <= last:
            numbers.setdefault(year, []).append(number)
    markers = tuple(
        Marker(x_of(year - 0.5) if year > first else x_of(year), ",".join(str(number) for number in listed))
        for year, listed in sorted(numbers.items())
    )
    return LineChart(
        width, height, left, top, plot_width, plot_height, tuple(built), x_ticks, y_ticks, markers, decimals
    )


def _short(value: float) -> str:
    """An axis label: whole numbers from 10 up, two places below (rounded, in the language's format)."""
    return format_decimal(value, 0 if abs(value) >= 10 else 2)
