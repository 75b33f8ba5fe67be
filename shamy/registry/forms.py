from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shamy.core.widgets import FastSelect
from shamy.registry.models import FutureSchool, InstructionLanguage, Internet, Locality, Ownership

_ANY = [("", _("Any"))]


class SchoolFilterForm(forms.Form):
    """The school list's filters. Only for rendering: the selector parses the query itself.

    Every select is a ``FastSelect`` from the start (no widget swapped and no choices normalised
    again per request); only the regions and districts the reader may see are set per form."""

    q = forms.CharField(
        label=_("Search by name, BIN or KATO"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    region = forms.ChoiceField(
        label=_("Region"),
        required=False,
        widget=FastSelect(
            attrs={"hx-get": "", "hx-target": "#district-field", "hx-select": "#district-field", "hx-swap": "outerHTML"}
        ),
    )
    district = forms.ChoiceField(label=_("District"), required=False, widget=FastSelect)
    locality = forms.ChoiceField(
        label=_("Locality"), required=False, choices=_ANY + Locality.choices, widget=FastSelect
    )
    small_class = forms.ChoiceField(
        label=_("Small-class"),
        required=False,
        choices=[*_ANY, ("1", _("Small-class only")), ("0", _("Not small-class"))],
        widget=FastSelect,
    )
    language = forms.ChoiceField(
        label=_("Language of instruction"),
        required=False,
        choices=_ANY + InstructionLanguage.choices,
        widget=FastSelect,
    )
    internet = forms.ChoiceField(
        label=_("Internet"), required=False, choices=_ANY + Internet.choices, widget=FastSelect
    )
    ownership = forms.ChoiceField(
        label=_("Ownership"), required=False, choices=_ANY + Ownership.choices, widget=FastSelect
    )
    future_school = forms.ChoiceField(
        label=_("Future School"), required=False, choices=_ANY + FutureSchool.choices, widget=FastSelect
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("name", _("Name, А–Я")),
            ("-name", _("Name, Я–А")),
            ("-pupils", _("Most pupils")),
            ("pupils", _("Fewest pupils")),
            ("-teachers", _("Most teachers")),
            ("teachers", _("Fewest teachers")),
            ("region", _("Region")),
        ],
        widget=FastSelect,
    )

    def __init__(
        self, *args: Any, regions: list[tuple[str, str]], districts: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        """``regions`` and ``districts``: the choices as ``(id, name)`` (``selectors.visible_regions``)."""
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _ANY + regions  # type: ignore[attr-defined]
        self.fields["district"].choices = _ANY + districts  # type: ignore[attr-defined]
