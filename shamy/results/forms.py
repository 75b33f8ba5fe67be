from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from shamy.analytics.models import Indicator
from shamy.programmes.models import Programme
from shamy.results.figures import Period
from shamy.results.models import Level, Source
from shamy.surveys.models import NUMERIC_KINDS, Question


class PeriodForm(forms.Form):
    starts_on = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), required=False
    )
    ends_on = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), required=False
    )

    def period(self, programme: Programme) -> Period:
        default = Period.of_programme(programme)
        if not self.is_valid():
            return default
        start = self.cleaned_data.get("starts_on") or default.starts_on
        end = self.cleaned_data.get("ends_on") or default.ends_on
        if end < start:
            return default
        return Period(start, end)


class ReportRequestForm(PeriodForm):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("starts_on") or not data.get("ends_on"):
            raise forms.ValidationError(_("Give the period."))
        if data["ends_on"] < data["starts_on"]:
            raise forms.ValidationError(_("A period cannot end before it starts."))
        return data


def default_period_initial(programme: Programme) -> dict[str, datetime.date]:
    period = Period.of_programme(programme)
    return {"starts_on": period.starts_on, "ends_on": period.ends_on}


class IndicatorForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    name_kk = forms.CharField(label=_("Name (Kazakh)"), max_length=300)
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=300, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=300, required=False)
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    question = forms.ModelChoiceField(label=_("Survey question"), queryset=Question.objects.none(), required=False)
    imported_indicator = forms.ModelChoiceField(
        label=_("Imported indicator"), queryset=Indicator.objects.none(), required=False
    )
    baseline = forms.FloatField(label=_("Baseline"), required=False)
    target = forms.FloatField(label=_("Target"))

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["question"].queryset = (  # type: ignore[attr-defined]
            Question.objects.filter(survey__programme=programme, kind__in=sorted(NUMERIC_KINDS))
            .select_related("survey")
            .order_by("survey_id", "position")
        )
        self.fields["question"].label_from_instance = lambda q: f"{q.survey.label} · {q.label}"  # type: ignore[attr-defined]
        self.fields["imported_indicator"].queryset = Indicator.objects.filter(source_kind="imported")  # type: ignore[attr-defined]
