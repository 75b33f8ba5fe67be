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

    def colour(self, value: float | None) -> str:
        if value is None:
            return NO_DATA
        for step in self.steps:
            if step.high is None or value < step.high:
                return step.colour
        return self.steps[-1].colour


def parity_scale() -> Scale:
    edges: list[float | None] = [None, *PARITY_EDGES, None]
    return Scale(
        tuple(LegendStep(colour, edges[index], edges[index + 1]) for index, colour in enumerate(DIVERGING)),
        diverging=True,
    )


def value_scale(values: Sequence[float | None]) -> Scale:
    """Equal intervals between the smallest and largest shown value."""
    shown = [value for value in values if value is not None]
    if not shown:
        return Scale((LegendStep(SEQUENTIAL[0], None, None),), diverging=False)
    low, high = min(shown), max(shown)
    if high == low:
        return Scale((LegendStep(SEQUENTIAL[2], low, None),), diverging=False)
    width = (high - low) / len(SEQUENTIAL)
    steps = []
    for index, colour in enumerate(SEQUENTIAL):
        start = low + width * index
        end = None if index == len(SEQUENTIAL) - 1 else low + width * (index + 1)
        steps.append(LegendStep(colour, start, end))
    return Scale(tuple(steps), diverging=False)


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
) -> BarChart:
    """Horizontal bars, largest first, undefined values last (shown as "no data")."""
    ordered = sorted(items, key=lambda item: (item[1] is None, -(item[1] or 0)))
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
