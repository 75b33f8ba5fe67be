from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shamy.core.widgets import FastSelect
from shamy.registry.models import FutureSchool, InstructionLanguage, Internet, Locality, Ownership

_ANY = [("", _("Any"))]


class SchoolFilterForm(forms.Form):
    """The school list's filters. Only for rendering: the selector parses the query itself."""

    q = forms.CharField(
        label=_("Search by name, BIN or KATO"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    locality = forms.ChoiceField(label=_("Locality"), required=False, choices=_ANY + Locality.choices)
    small_class = forms.ChoiceField(
        label=_("Small-class"),
        required=False,
        choices=[*_ANY, ("1", _("Small-class only")), ("0", _("Not small-class"))],
    )
    language = forms.ChoiceField(
        label=_("Language of instruction"), required=False, choices=_ANY + InstructionLanguage.choices
    )
    internet = forms.ChoiceField(label=_("Internet"), required=False, choices=_ANY + Internet.choices)
    ownership = forms.ChoiceField(label=_("Ownership"), required=False, choices=_ANY + Ownership.choices)
    future_school = forms.ChoiceField(label=_("Future School"), required=False, choices=_ANY + FutureSchool.choices)
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
    )

    def __init__(
        self, *args: Any, regions: list[tuple[str, str]], districts: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        """``regions`` and ``districts``: the choices as ``(id, name)`` (``selectors.region_choices``)."""
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                field.widget = FastSelect(attrs=field.widget.attrs)
                field.choices = field.choices  # the setter hands the choices to the new widget
        self.fields["region"].choices = _ANY + regions  # type: ignore[attr-defined]
        self.fields["district"].choices = _ANY + districts  # type: ignore[attr-defined]
        region = self.fields["region"]
        region.widget.attrs.update(
            {"hx-get": "", "hx-target": "#district-field", "hx-select": "#district-field", "hx-swap": "outerHTML"}
        )
