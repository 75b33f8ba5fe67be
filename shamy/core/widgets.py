"""Form widgets that render without a template per option.

Django's template-based ``Select`` renders one template include per ``<option>``; a filter bar
with nine selects and sixty options spent a third of the school list's time there. These
widgets build the same HTML in Python (every value escaped by ``format_html``).
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.forms.renderers import BaseRenderer
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


class FastSelect(forms.Select):
    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: BaseRenderer | None = None
    ) -> SafeString:
        selected = {str(item) for item in self.format_value(value)}
        final_attrs = {"name": name, **self.build_attrs(self.attrs, attrs)}
        # Django's rule for attributes: True renders the bare name, False and None leave it out.
        attributes = format_html_join(
            "",
            "{}",
            (
                (format_html(" {}", key) if val is True else format_html(' {}="{}"', key, val),)
                for key, val in final_attrs.items()
                if val is not None and val is not False
            ),
        )
        # Escaped as format_html escapes (conditional_escape), without its call per option.
        options = "".join(
            f'<option value="{conditional_escape(cast(str, option_value))}"'
            f"{' selected' if str(option_value) in selected else ''}>{conditional_escape(cast(str, label))}</option>"
            for option_value, label in self.choices
        )
        return format_html("<select{}>{}</select>", attributes, mark_safe(options))  # noqa: S308
