from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shamy.commons.models import Kind, Language, Licence
from shamy.portfolios.models import FocusTheme
from shamy.programmes.models import Programme
from shamy.registry.models import Country


@dataclass(frozen=True)
class FilterSelect:
    """One select of the commons search's filters: its options as (value, label) strings."""

    name: str
    label: str
    options: list[tuple[str, str]]
    value: str


def search_filter_selects(data: Mapping[str, Any]) -> list[FilterSelect]:
    """The search page's filters, written by ``commons/_search_fields.html`` as plain selects.

    Not a Django form: the view reads the query through ``SearchFilters.from_query``, and
    rendering a form's select widgets (an option object and a template per option, the themes
    through a server-side cursor) cost about a quarter of the page's own work on every search."""
    themes = [(str(theme.pk), theme.name) for theme in FocusTheme.objects.all()]
    selects: list[tuple[str, Any, list[tuple[Any, Any]]]] = [
        ("kind", _("Type"), [("", _("All types")), *Kind.choices]),
        ("language", _("Language"), [("", _("All languages")), *Language.choices]),
        ("country", _("Country"), [("", _("All countries")), *Country.choices]),
        ("theme", _("Theme"), [("", _("All themes")), *themes]),
    ]
    return [
        FilterSelect(
            name=name,
            label=str(label),
            options=[(str(value), str(text)) for value, text in options],
            value=str(data.get(name) or ""),
        )
        for name, label, options in selects
    ]


SUBMITTABLE = [(value, label) for value, label in Kind.choices if value != Kind.PROJECT]


class ResourceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=SUBMITTABLE)
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(label=_("Short description"), widget=forms.Textarea(attrs={"rows": 5}))
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    country = forms.ChoiceField(label=_("Country"), choices=Country.choices)
    theme = forms.ModelChoiceField(label=_("Theme"), required=False, queryset=FocusTheme.objects.filter(is_active=True))
    licence = forms.ChoiceField(
        label=_("Licence"),
        choices=Licence.choices,
        initial=Licence.CC_BY,
        help_text=_("Creative Commons Attribution by default: others may share and adapt it, naming you."),
    )
    author_name = forms.CharField(
        label=_("Author as credited"), max_length=300, required=False, help_text=_("Empty: your name.")
    )
    anonymous = forms.BooleanField(label=_("Credit anonymously"), required=False)
    programme = forms.ModelChoiceField(label=_("Programme"), required=False, queryset=Programme.objects.none())
    file = forms.FileField(label=_("File"), required=False)
    url = forms.URLField(label=_("Link (e.g. a recording)"), required=False, assume_scheme="https")

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]

    def resource_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "title": data["title"],
            "summary": data["summary"],
            "language": data["language"],
            "country": data["country"],
            "theme": data["theme"],
            "licence": data["licence"],
            "author_name": data["author_name"],
            "anonymous": data["anonymous"],
            "programme": data["programme"],
            "url": data["url"],
        }
