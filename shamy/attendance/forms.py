from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shamy.attendance.models import GatheringKind
from shamy.programmes.models import Cohort, Programme
from shamy.registry.models import Region, School


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class GatheringForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=GatheringKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    cohort = forms.ModelChoiceField(label=_("Cohort"), queryset=Cohort.objects.none(), required=False)
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none(), required=False, help_text=_("For in-school sessions.")
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False, help_text=_("For network events.")
    )
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"])
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"])
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    recording_url = forms.URLField(label=_("Recording link"), required=False, assume_scheme="https")
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 5}), required=False)

    def __init__(self, *args: Any, programme: Programme, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = Cohort.objects.filter(programme=programme)  # type: ignore[attr-defined]
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]
        self.fields["region"].queryset = Region.objects.filter(  # type: ignore[attr-defined]
            schools__cohort_links__cohort__programme=programme
        ).distinct()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("A gathering must end after it starts."))
        return data


class SeriesForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, initial=_("In-school session"))
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none())
    first_on = forms.DateField(label=_("First session"), widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    interval_weeks = forms.IntegerField(label=_("Every how many weeks"), min_value=1, max_value=8, initial=2)
    start_time = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first: datetime.date | None = data.get("first_on")
        until: datetime.date | None = data.get("until")
        if first and until and until < first:
            self.add_error("until", _("The series cannot end before its first session."))
        if data.get("start_time") and data.get("end_time") and data["end_time"] <= data["start_time"]:
            self.add_error("end_time", _("The session must end after it starts."))
        return data


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File"), help_text=_("PDF, image or office document, up to 20 MB."))


class PresentationForm(forms.Form):
    title = forms.CharField(label=_("Title of your presentation"), max_length=300)
    summary = forms.CharField(label=_("What you will show"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class FeedbackForm(forms.Form):
    text = forms.CharField(label=_("Your feedback"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class RecordingForm(forms.Form):
    recording_url = forms.URLField(label=_("Recording link"), assume_scheme="https")
