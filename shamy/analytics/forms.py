from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shamy.analytics.dashboard import MEASURES, Filters, year_choices
from shamy.analytics.models import AnalyticsSettings, Direction, Indicator, Unit
from shamy.analytics.selectors import registry_year
from shamy.analytics.trends import region_names, series_label
from shamy.core import inputs
from shamy.core.widgets import FastSelect


class DashboardFilterForm(forms.Form):
    """The dashboard's filters, shown with the values already parsed into :class:`Filters`."""

    # FastSelect: the same <select> built in Python, not one template per option (a third of a
    # cold dashboard's template time went to these options).
    indicator = forms.ChoiceField(label=_("Indicator"), widget=FastSelect)
    measure = forms.ChoiceField(label=_("Show"), choices=list(MEASURES.items()), widget=FastSelect)
    year = forms.TypedChoiceField(label=_("School year"), coerce=int, widget=FastSelect)
    programme = forms.ChoiceField(label=_("Programme"), required=False, widget=FastSelect)

    def __init__(
        self,
        *args: Any,
        indicators: list[Indicator],
        programmes: list[Any],
        filters: Filters,
        programme_required: bool = False,
        **kwargs: Any,
    ):
        kwargs["initial"] = {
            "indicator": filters.indicator,
            "measure": filters.measure,
            "year": filters.year,
            "programme": filters.programme or "",
        }
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [(indicator.code, indicator.label) for indicator in indicators]  # type: ignore[attr-defined]
        self.fields["year"].choices = [  # type: ignore[attr-defined]
            (year, f"{year}/{(year + 1) % 100:02d}") for year in year_choices(registry_year())
        ]
        options = [(programme.pk, programme.name) for programme in programmes]
        self.fields["programme"].choices = options if programme_required else [("", _("All programmes")), *options]  # type: ignore[attr-defined]


class TrendRegionForm(forms.Form):
    trend_region = forms.ChoiceField(label=_("Series"), required=False, widget=FastSelect)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["trend_region"].choices = [  # type: ignore[attr-defined]
            ("", _("Kazakhstan")),
            *[(name, series_label(name)) for name, _ru, _kato in region_names()],
        ]


class AnalyticsSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = AnalyticsSettings
        fields = ["public_enabled", "suppression_threshold", "registry_year"]
        formfield_callback = inputs.bounded_formfield


class ImportedIndicatorForm(forms.Form):
    """Define an imported outcome indicator once: its values then come from files."""

    code = forms.SlugField(label=_("Code"), max_length=60)
    name_kk = forms.CharField(label=_("Name (Kazakh)"), max_length=200)
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    definition_kk = forms.CharField(label=_("Definition (Kazakh)"), widget=forms.Textarea(attrs={"rows": 2}))
    definition_ru = forms.CharField(label=_("Definition (Russian)"), widget=forms.Textarea(attrs={"rows": 2}))
    definition_en = forms.CharField(
        label=_("Definition (English)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    source = forms.CharField(label=_("Source"), max_length=300)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if Indicator.objects.filter(code=code).exists():
            raise forms.ValidationError(_("An indicator with this code already exists."))
        return str(code)

    def indicator_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "code": data["code"],
            "name": {language: data[f"name_{language}"] for language in ("kk", "ru", "en")},
            "definition": {language: data[f"definition_{language}"] for language in ("kk", "ru", "en")},
            "unit": data["unit"],
            "direction": data["direction"],
            "source": data["source"],
        }


class GapsFilterForm(forms.Form):
    """The filters of the "largest gaps" view."""

    year = forms.TypedChoiceField(label=_("School year"), coerce=int)
    programme = forms.ChoiceField(label=_("Programme"), required=False)
    indicator = forms.ChoiceField(label=_("Indicator"), required=False)
    sort = forms.ChoiceField(
        label=_("Rank by"),
        choices=[("parity", _("distance from parity")), ("gap", _("absolute gap, within each indicator"))],
    )

    def __init__(
        self,
        *args: Any,
        indicators: list[Indicator],
        programmes: list[Any],
        filters: Filters,
        indicator: str,
        sort: str,
        programme_required: bool = False,
        **kwargs: Any,
    ):
        kwargs["initial"] = {
            "year": filters.year,
            "programme": filters.programme or "",
            "indicator": indicator,
            "sort": sort,
        }
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [  # type: ignore[attr-defined]
            ("", _("All indicators")),
            *[(item.code, item.label) for item in indicators],
        ]
        self.fields["year"].choices = [  # type: ignore[attr-defined]
            (year, f"{year}/{(year + 1) % 100:02d}") for year in year_choices(registry_year())
        ]
        options = [(programme.pk, programme.name) for programme in programmes]
        self.fields["programme"].choices = options if programme_required else [("", _("All programmes")), *options]  # type: ignore[attr-defined]
