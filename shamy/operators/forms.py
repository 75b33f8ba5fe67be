from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shamy.core import inputs
from shamy.core.db import kazakh_order
from shamy.operators.models import ClosurePolicy, SessionKind, Topic, Trainer, validate_rule
from shamy.operators.recurrence import EVERY_SECOND_SATURDAY
from shamy.programmes.models import Programme
from shamy.registry.models import Organisation, OrganisationKind, Person, Region, School

DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"})
LANGUAGES = ("kk", "ru", "en")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def texts(data: dict[str, Any], prefix: str) -> dict[str, str]:
    """``{"kk": …, "ru": …, "en": …}`` from the form's ``<prefix>_kk`` … fields (removed from ``data``)."""
    return {language: data.pop(f"{prefix}_{language}", "") or "" for language in LANGUAGES}


class AgreementForm(forms.Form):
    school = forms.ModelChoiceField(queryset=School.objects.none(), label=_("School"))
    operator = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(kind=OrganisationKind.SCHOOL_OPERATOR), label=_("Operator")
    )
    programme = forms.ModelChoiceField(queryset=Programme.objects.none(), label=_("Operator's programme"))
    starts_on = forms.DateField(label=_("Agreement starts on"), widget=DATE)
    term_years = inputs.IntegerField(label=_("Term in years"), min_value=1, max_value=25, initial=5)

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]
        self.fields["school"].queryset = School.objects.filter(operator_agreement__isnull=True).order_by(  # type: ignore[attr-defined]
            kazakh_order("name_kk"), "id"
        )


class HandoverCheckForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DATE, initial=datetime.date.today)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class HandoverForm(forms.Form):
    handed_over_on = forms.DateField(label=_("Handed over on"), widget=DATE)
    received_by = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(
            kind__in=[OrganisationKind.MINISTRY, OrganisationKind.REGIONAL_DEPARTMENT]
        ).order_by("name_ru"),
        label=_("Received by"),
    )
    note = forms.CharField(
        label=_("State after the handover"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ScheduleForm(forms.Form):
    schools = inputs.ModelMultipleChoiceField(queryset=School.objects.none(), label=_("Schools"))
    title = forms.CharField(label=_("Title"), max_length=200)
    rule = forms.CharField(
        label=_("Recurrence rule (RRULE)"),
        initial=EVERY_SECOND_SATURDAY,
        max_length=300,
        validators=[validate_rule],
        help_text=_("RFC 5545, e.g. FREQ=WEEKLY;INTERVAL=2;BYDAY=SA for every second Saturday."),
    )
    first_on = forms.DateField(label=_("First day"), widget=DATE)
    until = forms.DateField(label=_("Until"), widget=DATE)
    starts_at = forms.TimeField(label=_("Starts at"), widget=TIME, initial=datetime.time(9, 0))
    ends_at = forms.TimeField(label=_("Ends at"), widget=TIME, initial=datetime.time(13, 0))
    on_closure = forms.ChoiceField(
        label=_("On a holiday or in a break"), choices=ClosurePolicy.choices, initial=ClosurePolicy.MOVE
    )

    def __init__(self, *args: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["schools"].queryset = schools  # type: ignore[attr-defined]


class DayMoveForm(forms.Form):
    on = forms.DateField(label=_("New date"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class TrainerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return _("%(name)s (generation %(generation)s)") % {"name": obj.person, "generation": obj.generation}


class SessionForm(forms.Form):
    topic = forms.ModelChoiceField(queryset=Topic.objects.none(), label=_("Topic"))
    trainer = TrainerChoiceField(queryset=Trainer.objects.none(), label=_("Trainer"))
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    room = forms.CharField(label=_("Room"), max_length=60, required=False)
    capacity = inputs.IntegerField(label=_("Capacity"), min_value=1, max_value=1000, initial=25)
    starts_at = forms.TimeField(label=_("Starts at"), widget=TIME)
    ends_at = forms.TimeField(label=_("Ends at"), widget=TIME)

    def __init__(self, *args: Any, topics: Any, trainers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics  # type: ignore[attr-defined]
        self.fields["trainer"].queryset = trainers  # type: ignore[attr-defined]


class BreakForm(forms.Form):
    school_year = inputs.IntegerField(label=_("School year (first calendar year)"), min_value=2000, max_value=2100)
    name_kk = forms.CharField(label=_("Name (Kazakh)"), max_length=100)
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=100)
    name_en = forms.CharField(label=_("Name (English)"), max_length=100, required=False)
    starts_on = forms.DateField(label=_("First day"), widget=DATE)
    ends_on = forms.DateField(label=_("Last day"), widget=DATE)


class TrainerForm(forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("Participant who completed the course"))
    certified_on = forms.DateField(label=_("Certified on"), widget=DATE, initial=datetime.date.today)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Score"), coerce=int, choices=[(n, str(n)) for n in range(5, 0, -1)], widget=forms.RadioSelect
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)


class RegistrationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"))
    school = forms.ModelChoiceField(
        queryset=School.objects.none(),
        label=_("School"),
        required=False,
        empty_label=_("Another school, or none"),
    )

    def __init__(self, *args: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Ticket code"), max_length=64)
    door = forms.CharField(label=_("Door"), max_length=40, required=False)


class TopicForm(forms.Form):
    """A training topic, named in each language (shown in the reader's language)."""

    code = forms.SlugField(label=_("Code"), max_length=40, help_text=_("Latin letters, digits and hyphens."))
    name_kk = forms.CharField(label=_("Name (Kazakh)"), max_length=200)
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)


class SessionEditForm(forms.Form):
    topic = forms.ModelChoiceField(queryset=Topic.objects.none(), label=_("Topic"))
    room = forms.CharField(label=_("Room"), max_length=60, required=False)
    capacity = inputs.IntegerField(label=_("Capacity"), min_value=1, max_value=1000)
    starts_at = forms.TimeField(label=_("Starts at"), widget=TIME)
    ends_at = forms.TimeField(label=_("Ends at"), widget=TIME)

    def __init__(self, *args: Any, topics: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics  # type: ignore[attr-defined]


class EventForm(forms.Form):
    title_kk = forms.CharField(label=_("Title (Kazakh)"), max_length=200)
    title_ru = forms.CharField(label=_("Title (Russian)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    slug = forms.SlugField(
        label=_("Address of the public page"),
        max_length=60,
        help_text=_("Latin letters, digits and hyphens, e.g. summit-2026."),
    )
    description_kk = forms.CharField(
        label=_("Description (Kazakh)"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    description_ru = forms.CharField(
        label=_("Description (Russian)"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    region = forms.ModelChoiceField(queryset=Region.objects.none(), label=_("Region"))
    place = forms.CharField(label=_("Place"), max_length=300)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DateTimeInput())
    capacity = inputs.IntegerField(label=_("Capacity"), min_value=1, max_value=100_000, initial=600)
    state_quota = inputs.IntegerField(
        label=_("Places kept for state-school teachers"), min_value=0, max_value=100_000, initial=0
    )
    registration_open = forms.BooleanField(label=_("Registration open"), required=False, initial=True)

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["title"] = texts(data, "title")
        data["description"] = texts(data, "description")
        return data

    @classmethod
    def initial_for(cls, event: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(event, name)
            for name in ("slug", "region", "place", "capacity", "state_quota", "registration_open")
        }
        for language in LANGUAGES:
            initial[f"title_{language}"] = event.title.get(language, "")
            initial[f"description_{language}"] = (event.description or {}).get(language, "")
        initial["starts_at"] = timezone.localtime(event.starts_at)
        initial["ends_at"] = timezone.localtime(event.ends_at)
        return initial


class EventSessionForm(forms.Form):
    title_kk = forms.CharField(label=_("Title (Kazakh)"), max_length=200)
    title_ru = forms.CharField(label=_("Title (Russian)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    track = forms.CharField(label=_("Track"), max_length=100, required=False)
    speakers = forms.CharField(label=_("Speakers"), max_length=300, required=False)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DateTimeInput())

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["title"] = texts(data, "title")
        return data


class VolunteerForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of the volunteer's account"))
