"""The repeated markup of the analytics panels, written in Python (issue 18, cold paths).

The dashboard's map (20 region paths with their links, titles and details), its bars, its legend
and its region table, and the region page's district circles, bars, legend and district table, were
about half of a cache-off request in the template engine: thousands of nodes and variable lookups
and one ``reverse()`` per link. These functions write the same bytes as the template loops they
replace (the templates keep the frames around them), as the registry's rows are written
(:mod:`shamy.registry.tables`):

- every value goes through :func:`django.utils.html.conditional_escape`, as ``{{ value }}`` does
  with autoescaping on; only escaped text or the safe output of :func:`figure` is marked safe;
- numbers through the same filters (:func:`plain`, :func:`figure`, :func:`reading`) and the same
  ``%``-formats as the templates' ``stringformat``; ``add`` truncates floats to whole numbers first,
  as Django's ``add`` filter does (``int(value) + int(arg)``), so that is kept;
- links reverse their pattern once per call, under the active language's URL prefix, and write
  each place's id into it.

Nothing here is cached: each call writes the markup of the figures it is given.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from shamy.analytics import charts
from shamy.analytics.templatetags.analytics_tags import figure, plain, reading

# An id no place has, reversed once and replaced by each place's id.
_SENTINEL = 2147483646


def _esc(value: Any) -> str:
    """``{{ value }}`` with autoescaping: the text, HTML-escaped unless already safe."""
    return str(conditional_escape(value))


def _f1(value: float) -> str:
    """``value|stringformat:'.1f'``."""
    return f"{value:.1f}"  # as "%.1f" % value


def _add(value: float, number: int) -> int:
    """``value|add:number`` for numbers: Django's ``add`` filter adds whole numbers first."""
    return int(value) + number


def _link_pattern(name: str, **kwargs: Any) -> tuple[str, str]:
    """The escaped parts of a link before and after the place's id, from one ``reverse()``."""
    url = _esc(reverse(name, args=[_SENTINEL], **kwargs))
    before, _sep, after = url.rpartition(str(_SENTINEL))
    return before, after


def map_regions(board: Any, query: str, public: bool, standalone: bool) -> SafeString:
    """The map's region paths: a link to the region page around each linked region (not on the
    public dashboard nor in a standalone file), a ``<title>`` and the figures in data attributes."""
    before, after = _link_pattern("analytics:region-detail")
    suffix = after + "?" + _esc(query)
    parts = []
    for item in board.regions:
        shape = item.shape
        title = _esc(item.title)
        linked = item.linked and not public and not standalone
        focus = "" if linked else ' tabindex="0"'
        head = f'<a href="{before}{item.region.pk}{suffix}" aria-label="{title}">' if linked else ""
        path = (
            f'<path class="region" d="{_esc(shape.path)}" fill="{_esc(item.colour)}" stroke="#ffffff"'
            f' stroke-width="0.8" fill-rule="evenodd"{focus}'
            f' data-name="{_esc(item.name)}" data-details="{_esc(item.details)}"'
            f' data-value="{_esc(item.value_text)}" data-kato="{_esc(shape.kato)}"><title>{title}</title></path>'
        )
        parts.append(f"{head}{path}{'</a>' if linked else ''}\n")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def _labels(points: Any) -> SafeString:
    """A ``<text>`` for each ``(x, y, label)`` with a label: the figures written on a map."""
    return mark_safe(  # noqa: S308 - escaped
        "".join(f'<text x="{_f1(x)}" y="{_f1(y)}" dy="4">{_esc(label)}</text>' for x, y, label in points if label)
    )


def map_labels(board: Any) -> SafeString:
    """The figures written on the map, at each region's label point."""
    return _labels((item.shape.label_x, item.shape.label_y, item.label) for item in board.regions)


def bar_rows(chart: charts.BarChart, unit: str) -> SafeString:
    """A bar chart's bars: each a group with its title, label, bar and figure ("no data" without)."""
    label_x = str(_add(chart.label_width, -6))
    no_data_x = _f1(_add(chart.origin, 4))
    no_data = _esc(_("no data"))
    parts = []
    for bar in chart.bars:
        text = _esc(plain(bar.value, unit))
        y = _f1(_add(bar.y, 13))
        label = _esc(Truncator(bar.label).chars(32))
        parts.append(
            f"<g><title>{_esc(bar.label)}: {text}</title>\n"
            f'<text x="{label_x}" y="{y}" text-anchor="end">{label}</text>\n'
        )
        if bar.value is not None:
            parts.append(
                f'<rect x="{_f1(bar.x)}" y="{_f1(bar.y)}" width="{_f1(bar.width)}" height="16"'
                f' fill="{_esc(bar.colour)}"/>\n<text x="{_f1(bar.value_x)}" y="{y}">{text}</text>'
            )
        else:
            parts.append(f'<text x="{no_data_x}" y="{y}" fill="#555">{no_data}</text>')
        parts.append("</g>\n")
    return mark_safe("".join(parts))  # noqa: S308 - escaped


def legend_items(scale: charts.Scale, unit: str) -> SafeString:
    """The legend's colour steps, each a swatch and its range of figures."""
    parts = []
    for step in scale.steps:
        if step.low is None and step.high is None:
            text = _esc(_("all values"))
        elif step.low == step.high:
            text = _esc(plain(step.low, unit))
        else:
            text = f"{_esc(plain(step.low, unit))} – {_esc(plain(step.high, unit))}"
        parts.append(
            '<li><svg class="swatch" aria-hidden="true" focusable="false" viewBox="0 0 16 12"'
            f' preserveAspectRatio="none"><rect width="16" height="12" fill="{_esc(step.colour)}"/></svg>'
            f"{text}</li>"
        )
    return mark_safe("".join(parts))  # noqa: S308 - escaped


def _figures(row: Any, unit: str) -> Iterable[str]:
    for name in ("urban", "rural", "total", "gap"):
        yield f'      <td class="number">{_esc(figure(getattr(row, name), unit))}</td>\n'


def region_rows(table: Any, indicator: Any, query: str, public: bool) -> SafeString:
    """The dashboard's region table body: each region linked to its page (not on the public
    dashboard), its urban, rural, all-schools, gap and parity figures, the parity's reading."""
    before, after = _link_pattern("analytics:region-detail")
    suffix = after + "?" + _esc(query)
    unit = indicator.unit
    direction = indicator.direction
    parts = []
    for region, row in table.rows:
        name = _esc(region.name)
        place = name if public else f'<a href="{before}{region.pk}{suffix}">{name}</a>'
        title = "" if row.parity is None else f' title="{_esc(reading(row.parity, direction))}"'
        parts.append(f'\n    <tr>\n      <th scope="row">{place}</th>\n')
        parts.extend(_figures(row, unit))
        parts.append(f'      <td class="number"{title}>{_esc(figure(row.parity, "parity"))}</td>\n    </tr>\n  ')
    return mark_safe("".join(parts))  # noqa: S308 - escaped


def district_marks(district_map: Any) -> SafeString:
    """The region map's district circles, each with its figure as title and details."""
    parts = []
    for mark in district_map.marks:
        title = _esc(mark.title)
        parts.append(
            f'<circle class="district" cx="{_f1(mark.x)}" cy="{_f1(mark.y)}" r="{_f1(mark.radius)}"'
            f' fill="{_esc(mark.colour)}" stroke="#333" stroke-width="0.8" fill-opacity="0.9" tabindex="0"'
            f' data-details="{title}"><title>{title}</title></circle>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - escaped


def district_labels(district_map: Any) -> SafeString:
    """The figures written on the region map, on each district's circle."""
    return _labels((mark.x, mark.y, mark.label) for mark in district_map.marks)


def district_rows(table: Any, indicator: Any, region: Any, schools_link: bool) -> SafeString:
    """The region page's district table body: rank, the district (linked to its schools for those
    who may browse the registry), its figures; a single row saying so when there is none."""
    if not table.rows:
        nothing = _esc(_("No districts with schools."))
        return mark_safe(f'<tr><td colspan="7">{nothing}</td></tr>\n  ')  # noqa: S308 - escaped
    unit = indicator.unit
    if schools_link:
        link = _esc(reverse("registry:school-list")) + f"?region={_esc(region.pk)}&amp;district="
        link_title = _esc(_("Schools of the district"))
    parts = []
    for rank, (district, row) in enumerate(table.rows, start=1):
        name = _esc(district.name)
        place = f'<a href="{link}{_esc(district.pk)}" title="{link_title}">{name}</a>' if schools_link else name
        parts.append(f'\n    <tr>\n      <td>{rank}</td>\n      <th scope="row">{place}</th>\n')
        parts.extend(_figures(row, unit))
        parts.append(f'      <td class="number">{_esc(figure(row.parity, "parity"))}</td>\n    </tr>\n  ')
    return mark_safe("".join(parts))  # noqa: S308 - escaped
