"""Template tags writing the analytics panels' repeated markup (map, bars, legends, tables) in
Python: see :mod:`shamy.analytics.markup`. Apart from ``analytics_tags`` because markup.py uses its
filters."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from shamy.analytics import markup

register = template.Library()


@register.simple_tag
def map_regions(board: Any, query: str, public: bool, standalone: bool) -> SafeString:
    return markup.map_regions(board, query, bool(public), bool(standalone))


@register.simple_tag
def map_labels(board: Any) -> SafeString:
    return markup.map_labels(board)


@register.simple_tag
def bar_rows(chart: Any, unit: str) -> SafeString:
    return markup.bar_rows(chart, unit)


@register.simple_tag
def legend_items(scale: Any, unit: str) -> SafeString:
    return markup.legend_items(scale, unit)


@register.simple_tag
def region_rows(table: Any, indicator: Any, query: str, public: bool) -> SafeString:
    return markup.region_rows(table, indicator, query, bool(public))


@register.simple_tag
def district_marks(district_map: Any) -> SafeString:
    return markup.district_marks(district_map)


@register.simple_tag
def district_labels(district_map: Any) -> SafeString:
    return markup.district_labels(district_map)


@register.simple_tag
def district_rows(table: Any, indicator: Any, region: Any, schools_link: bool) -> SafeString:
    return markup.district_rows(table, indicator, region, bool(schools_link))
