from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from shamy.attendance.models import Gathering, GatheringKind
from shamy.core import inputs
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

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned fields as ``gathering_create`` takes them."""
        data = self.cleaned_data
        optional = ("cohort", "school", "region")
        texts = ("place", "online_url", "recording_url", "agenda")
        return {
            "kind": data["kind"],
            "title": data["title"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            **{name: data.get(name) for name in optional},
            **{name: data.get(name, "") for name in texts},
        }


class GatheringEditForm(forms.Form):
    """Change or reschedule a gathering: the creation form's fields without the kind, the
    cohort and the recording link. Only an in-school session shows its school, only a network
    event its region. Once attendance is marked the times are shown but cannot change."""

    title = forms.CharField(label=_("Title"), max_length=200)
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none())
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none())
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"])
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"])
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 5}), required=False)

    def __init__(
        self, *args: Any, gathering: Gathering, schools: Any, times_fixed: bool = False, **kwargs: Any
    ) -> None:
        kwargs.setdefault(
            "initial",
            {
                "title": gathering.title,
                "school": gathering.school_id,
                "region": gathering.region_id,
                "starts_at": gathering.starts_at,
                "ends_at": gathering.ends_at,
                "place": gathering.place,
                "online_url": gathering.online_url,
                "agenda": gathering.agenda,
            },
        )
        super().__init__(*args, **kwargs)
        if gathering.kind == GatheringKind.IN_SCHOOL:
            self.fields["school"].queryset = schools  # type: ignore[attr-defined]
        else:
            del self.fields["school"]
        if gathering.kind == GatheringKind.NETWORK:
            self.fields["region"].queryset = Region.objects.filter(  # type: ignore[attr-defined]
                models.Q(schools__cohort_links__cohort__programme_id=gathering.programme_id)
                | models.Q(pk=gathering.region_id)
            ).distinct()
        else:
            del self.fields["region"]
        if gathering.kind == GatheringKind.WEBINAR:
            self.fields["online_url"].required = True
        if times_fixed:
            for name in ("starts_at", "ends_at"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "Attendance has already been marked, so the times of this gathering can no longer change."
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("A gathering must end after it starts."))
        return data

    def changes(self) -> dict[str, Any]:
        """The fields the user changed, cleaned, by model field name, for ``gathering_update``.

        Only changed fields: an untouched time shown to the minute must not "move" a gathering
        stored with seconds, and disabled times are never a change."""
        return {name: self.cleaned_data[name] for name in self.changed_data if name in self.cleaned_data}


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it cancelled?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Everyone who sees the gathering reads this, for example: closed roads after the snowstorm."),
    )


class SeriesForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, initial=_("In-school session"))
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none())
    first_on = forms.DateField(label=_("First session"), widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    interval_weeks = inputs.IntegerField(label=_("Every how many weeks"), min_value=1, max_value=8, initial=2)
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
            self.add_error("end_time", _("Each session must end after it starts."))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned fields as ``series_create`` takes them (the cohort comes from the school)."""
        data = self.cleaned_data
        names = ("school", "title", "first_on", "until", "interval_weeks", "start_time", "end_time")
        return {
            **{name: data[name] for name in names},
            "place": data.get("place", ""),
            "agenda": data.get("agenda", ""),
        }


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
