from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shamy.core import inputs
from shamy.core.db import kazakh_order
from shamy.fellowship.models import (
    RUBRIC,
    RUBRIC_MAX,
    RUBRIC_MIN,
    AgreementStatus,
    Application,
    CheckInKind,
    LeavingReason,
    Pathway,
    PlacementRule,
    Stage,
    Subject,
    TeachingLanguage,
)
from shamy.fellowship.services.support import TRAINING_KINDS
from shamy.registry.models import Region


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"


class ApplicationStartForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail"), help_text=_("We send the link to your application here."))
    # A field people never see (hidden by CSS and from screen readers): bots fill it in.
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("This form could not be sent."))
        return ""


class ApplicationForm(forms.ModelForm):
    subjects = forms.MultipleChoiceField(
        label=_("Subjects you can teach"), choices=Subject.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you can teach in"),
        choices=TeachingLanguage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    accepted_regions = inputs.ModelMultipleChoiceField(
        label=_("Regions you would work in"),
        queryset=Region.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    first_region = forms.ModelChoiceField(
        label=_("Your first choice of region"), queryset=Region.objects.none(), required=False
    )
    second_region = forms.ModelChoiceField(
        label=_("Your second choice"), queryset=Region.objects.none(), required=False
    )
    third_region = forms.ModelChoiceField(label=_("Your third choice"), queryset=Region.objects.none(), required=False)
    cv = forms.FileField(label=_("CV (PDF or Word)"), required=False)
    diploma = forms.FileField(label=_("Diploma (PDF or Word)"), required=False)
    website = forms.CharField(required=False, label=_("Leave this empty"))

    class Meta:
        model = Application
        fields = ["full_name", "phone", "university", "graduated_year", "needs_housing", "motivation"]
        formfield_callback = inputs.bounded_formfield
        widgets = {"motivation": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("accepted_regions", "first_region", "second_region", "third_region"):
            self.fields[name].queryset = regions  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["subjects"].initial = self.instance.subjects
            self.fields["languages"].initial = self.instance.languages
            self.fields["accepted_regions"].initial = list(self.instance.accepted_regions.values_list("pk", flat=True))
            ranked = list(self.instance.ranked_regions) + [None, None, None]
            for name, value in zip(("first_region", "second_region", "third_region"), ranked, strict=False):
                self.fields[name].initial = value

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("This form could not be sent."))
        return ""

    def clean_graduated_year(self) -> int | None:
        year = self.cleaned_data.get("graduated_year")
        if year is not None and not 1960 <= year <= datetime.date.today().year + 1:
            raise forms.ValidationError(_("Give a year between 1960 and next year."))
        return year

    def applicant_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["subjects"] = list(self.cleaned_data["subjects"])
        data["languages"] = list(self.cleaned_data["languages"])
        ranked = []
        for name in ("first_region", "second_region", "third_region"):
            region = self.cleaned_data.get(name)
            if region is not None and region.pk not in ranked:
                ranked.append(region.pk)
        data["ranked_regions"] = ranked
        return data


class ApplicationCorrectionForm(ApplicationForm):
    """The coordinator's correction of a submitted application: the answers, not the files."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("cv", "diploma", "website"):
            del self.fields[name]


class MoveForm(forms.Form):
    to_stage = forms.ChoiceField(
        label=_("Move the selected applications to"),
        choices=[(s.value, s.label) for s in Stage if s != Stage.DRAFT],
    )
    applications = inputs.ModelMultipleChoiceField(
        queryset=Application.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, queryset: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = queryset  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(n, str(n)) for n in range(RUBRIC_MIN, RUBRIC_MAX + 1)]
        for key, label in RUBRIC.items():
            self.fields[f"score_{key}"] = forms.TypedChoiceField(label=label, choices=choices, coerce=int)

    def scores(self) -> dict[str, int]:
        return {key: self.cleaned_data[f"score_{key}"] for key in RUBRIC}


class RuleForm(forms.Form):
    fellow = inputs.IdField()
    vacancy = inputs.IdField()
    kind = forms.ChoiceField(choices=PlacementRule.Kind.choices)


class ApplyForm(forms.Form):
    starts_on = forms.DateField(label=_("Placements start on"), widget=forms.DateInput(attrs={"type": "date"}))


class CheckInForm(forms.Form):
    year = forms.TypedChoiceField(
        label=_("Year of the placement"), choices=[(1, _("First year")), (2, _("Second year"))], coerce=int
    )
    kind = forms.ChoiceField(label=pgettext_lazy("fellow review meeting", "Check-in"), choices=CheckInKind.choices)
    progress = forms.TypedChoiceField(
        label=_("Progress, 1 to 5"), choices=[(n, str(n)) for n in range(1, 6)], coerce=int
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class TaughtClassForm(forms.Form):
    school_year = inputs.IntegerField(label=_("School year (first calendar year)"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Class"), max_length=20, help_text=_("For example 7 Ә."))
    subject = forms.ChoiceField(label=_("Subject"), choices=Subject.choices)
    pupils = forms.CharField(
        label=_("Pupil numbers"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The school's own numbers of the pupils in the class, separated by spaces or commas. No names."),
    )

    def pupil_codes(self) -> list[str]:
        return [code for code in re.split(r"[\s,;]+", self.cleaned_data["pupils"]) if code]


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.ChoiceField(label=_("Reason for leaving"), choices=LeavingReason.choices)
    note = forms.CharField(label=_("Note"), required=False)


class PathwayForm(forms.Form):
    pathway = forms.ChoiceField(label=_("Pathway"), choices=Pathway.choices, widget=forms.RadioSelect)
    organisation = forms.CharField(label=_("Organisation"), required=False, max_length=300)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.order_by(kazakh_order("name_kk"), "id"), required=False
    )
    in_rural_school = forms.BooleanField(label=_("I work in a rural school"), required=False)


class AssignReviewerForm(forms.Form):
    email = forms.EmailField(label=_("Reviewer's e-mail"), help_text=_("The reviewer needs an account on Shamy."))


class VacancyForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Region.objects.none())
    school = forms.ModelChoiceField(label=_("School"), queryset=Region.objects.none())
    subject = forms.ChoiceField(label=_("Subject"), choices=Subject.choices)
    grades = forms.CharField(label=_("Grades"), max_length=20, help_text=_("For example 5–9."))
    language = forms.ChoiceField(label=_("Language of instruction"), choices=TeachingLanguage.choices)
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    housing = forms.BooleanField(label=_("Housing offered"), required=False)

    def __init__(self, *args: Any, schools: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]


class AgreementForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.order_by(kazakh_order("name_kk"), "id"))
    status = forms.ChoiceField(label=_("Status"), choices=AgreementStatus.choices)
    signed_on = forms.DateField(label=_("Signed on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    target_fellows = inputs.IntegerField(
        label=_("Target number of fellows"), min_value=0, max_value=inputs.MAX_INTEGER, initial=0
    )
    target_schools = inputs.IntegerField(
        label=_("Target number of schools"), min_value=0, max_value=inputs.MAX_INTEGER, initial=0
    )


class PlacementPeopleForm(forms.Form):
    fellow_email = forms.EmailField(
        label=_("The fellow's account (e-mail)"),
        required=False,
        help_text=_("They sign in with it to write check-ins."),
    )
    mentor_email = forms.EmailField(label=_("Mentor's e-mail"), required=False)


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Date of the visit"), widget=forms.DateInput(attrs={"type": "date"}))
    starts_at = forms.TimeField(
        label=_("Started at"), initial=datetime.time(10, 0), widget=forms.TimeInput(attrs={"type": "time"})
    )
    hours = forms.DecimalField(
        label=_("Length in hours"), min_value=Decimal("0.25"), max_value=Decimal(8), decimal_places=2, initial=2
    )
    notes = forms.CharField(
        label=_("Notes of the visit"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you observed, what you agreed with the fellow, what to follow up."),
    )


class TrainingForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of training"),
        choices=[(kind.value, kind.label) for kind in TRAINING_KINDS],
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeLocalInput(), input_formats=["%Y-%m-%dT%H:%M"])
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DateTimeLocalInput(), input_formats=["%Y-%m-%dT%H:%M"])
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    online_url = forms.URLField(
        label=_("Online link"), required=False, assume_scheme="https", help_text=_("Needed for a webinar.")
    )


class FellowshipCohortForm(forms.Form):
    """A fellowship cohort, new or edited (``programmes`` only when new)."""

    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Region.objects.none())
    name_kk = forms.CharField(label=_("Name in Kazakh"), max_length=200)
    name_ru = forms.CharField(label=_("Name in Russian"), max_length=200)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))
    target_fellows = inputs.IntegerField(
        label=_("Target number of fellows"), min_value=0, max_value=inputs.MAX_INTEGER, initial=0
    )
    applications_open = forms.BooleanField(label=_("Applications open"), required=False)
    applications_close_on = forms.DateField(
        label=_("Applications close on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, programmes: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if programmes is None:
            del self.fields["programme"]
        else:
            self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] <= data["starts_on"]:
            self.add_error("ends_on", _("The cohort ends after it starts."))
        return data


class VacancyEditForm(forms.Form):
    subject = forms.ChoiceField(label=_("Subject"), choices=Subject.choices)
    grades = forms.CharField(label=_("Grades"), max_length=20, help_text=_("For example 5–9."))
    language = forms.ChoiceField(label=_("Language of instruction"), choices=TeachingLanguage.choices)
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    housing = forms.BooleanField(label=_("Housing offered"), required=False)
    is_open = forms.BooleanField(label=_("Open to fellows"), required=False)
