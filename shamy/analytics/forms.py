from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shamy.analytics.dashboard import MEASURES, Filters, year_choices
from shamy.analytics.models import AnalyticsSettings, Indicator
from shamy.analytics.trends import region_names, series_label


class DashboardFilterForm(forms.Form):
    """The dashboard's filters, shown with the values already parsed into :class:`Filters`."""

    indicator = forms.ChoiceField(label=_("Indicator"))
    measure = forms.ChoiceField(label=_("Show"), choices=list(MEASURES.items()))
    year = forms.TypedChoiceField(label=_("School year"), coerce=int)
    programme = forms.ChoiceField(label=_("Programme"), required=False)

    def __init__(self, *args: Any, indicators: list[Indicator], programmes: list[Any], filters: Filters, **kwargs: Any):
        kwargs["initial"] = {
            "indicator": filters.indicator,
            "measure": filters.measure,
            "year": filters.year,
            "programme": filters.programme or "",
        }
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [(indicator.code, indicator.label) for indicator in indicators]  # type: ignore[attr-defined]
        self.fields["year"].choices = [  # type: ignore[attr-defined]
            (year, f"{year}/{(year + 1) % 100:02d}") for year in year_choices()
        ]
        self.fields["programme"].choices = [("", _("All programmes")), *[(p.pk, p.name) for p in programmes]]  # type: ignore[attr-defined]


class TrendRegionForm(forms.Form):
    trend_region = forms.ChoiceField(label=_("Series"), required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["trend_region"].choices = [  # type: ignore[attr-defined]
            ("", _("Kazakhstan")),
            *[(name, series_label(name)) for name, _ru, _kato in region_names()],
        ]


class AnalyticsSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = AnalyticsSettings
        fields = ["public_enabled", "suppression_threshold"]
