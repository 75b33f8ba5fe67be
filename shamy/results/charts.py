"""A horizontal bar chart as inline SVG (no JavaScript, prints in WeasyPrint)."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


def bar_chart(bars: list[tuple[str, float | None]], *, width: int = 480, bar_height: int = 22) -> SafeString:
    shown = [(label, value) for label, value in bars if value is not None]
    top = max((value for _label, value in shown), default=0) or 1
    height = bar_height * max(len(bars), 1) + 8
    rows = []
    for index, (label, value) in enumerate(bars):
        y = 4 + index * bar_height
        length = 0 if value is None else round((width - 200) * value / top)
        text = "—" if value is None else number_format(round(value, 1), 1, force_grouping=True)
        rows.append((y + 15, label, 160, y + 3, length, bar_height - 6, 166 + length, y + 15, text))
    body = format_html_join(
        "",
        '<text x="0" y="{}" font-size="11">{}</text><rect x="{}" y="{}" width="{}" height="{}" fill="#1d5fa8"/>'
        '<text x="{}" y="{}" font-size="11">{}</text>',
        rows,
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" class="bar-chart">{}</svg>',
        width,
        height,
        body,
    )
