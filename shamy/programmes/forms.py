from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from shamy.access.models import Membership
from shamy.access.roles import Role
from shamy.core import inputs
from shamy.programmes.models import DEFAULT_MARKING_OPENS_MINUTES, Cohort, CohortSchool, MethodologyStage, Programme

# The order roles are offered in when inviting.
ROLE_CHOICES = [
    (role.value, role.label)
    for role in (
        Role.TEACHER,
        Role.SCHOOL_FACILITATOR,
        Role.SCHOOL_PRINCIPAL,
        Role.LINK_FACILITATOR,
        Role.COORDINATOR,
        Role.CERTIFIER,
        Role.OBSERVER,
    )
]


class StageForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = MethodologyStage
        fields = ["title_kk", "title_ru", "title_en", "guidance_kk", "guidance_ru", "guidance_en"]
        widgets = {
            "guidance_kk": forms.Textarea(attrs={"rows": 5, "lang": "kk"}),
            "guidance_ru": forms.Textarea(attrs={"rows": 5, "lang": "ru"}),
            "guidance_en": forms.Textarea(attrs={"rows": 5, "lang": "en"}),
        }


class StageCreateForm(StageForm):
    code = forms.SlugField(label=_("Code"), max_length=40, help_text=_('Short Latin identifier, e.g. "evidence".'))

    class Meta(StageForm.Meta):
        fields = ["code", *StageForm.Meta.fields]


class SchoolSearchForm(forms.Form):
    q = forms.CharField(label=_("School name, BIN or KATO code"), max_length=100, required=False)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)
    cohort = forms.ModelChoiceField(label=_("Cohort"), queryset=Cohort.objects.none(), required=False)
    school = forms.ModelChoiceField(label=_("School"), queryset=CohortSchool.objects.none(), required=False)
    language = forms.ChoiceField(
        label=_("Language of the e-mail"), choices=[("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = Cohort.objects.filter(programme=programme)  # type: ignore[attr-defined]
        self.fields["school"].queryset = CohortSchool.objects.filter(  # type: ignore[attr-defined]
            cohort__programme=programme
        ).select_related("school", "cohort")
        self.fields["school"].help_text = _("For principals, school facilitators and teachers.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        cohort_school = data.get("school")
        if cohort_school is not None:
            data["cohort"] = cohort_school.cohort
            data["school_object"] = cohort_school.school
        else:
            data["school_object"] = None
        return data


class LinkAssignForm(forms.Form):
    membership = forms.ModelChoiceField(label=_("Link facilitator"), queryset=Membership.objects.none())
    cohort_school = forms.ModelChoiceField(label=_("School"), queryset=CohortSchool.objects.none())

    def __init__(self, *args: Any, cohort: Cohort, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = (  # type: ignore[attr-defined]
            Membership.objects.active()
            .filter(programme_id=cohort.programme_id, role=Role.LINK_FACILITATOR)
            .select_related("user")
        )
        self.fields["membership"].label_from_instance = lambda m: m.user.get_full_name()  # type: ignore[attr-defined]
        self.fields["cohort_school"].queryset = CohortSchool.objects.filter(  # type: ignore[attr-defined]
            cohort=cohort
        ).select_related("school")
        self.fields["cohort_school"].label_from_instance = lambda row: row.school.name  # type: ignore[attr-defined]


class InvitationAcceptForm(forms.Form):
    surname = forms.CharField(label=_("Surname"), max_length=100, required=False)
    given_name = forms.CharField(label=_("Given name"), max_length=100, required=False)
    password1 = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
        strip=False,
    )
    password2 = forms.CharField(
        label=_("Repeat the password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), strip=False
    )

    def __init__(self, *args: Any, needs_name: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.needs_name = needs_name
        if not needs_name:
            del self.fields["surname"]
            del self.fields["given_name"]
        else:
            self.fields["surname"].required = True
            self.fields["given_name"].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class ProgrammeForm(forms.ModelForm):  # type: ignore[type-arg]
    coordinator_email = forms.EmailField(
        label=_("First coordinator's e-mail"), help_text=_("They receive an invitation to set a password.")
    )

    class Meta:
        model = Programme
        fields = ["name_kk", "name_ru", "name_en", "country", "starts_on", "ends_on", "marking_opens_minutes"]
        formfield_callback = inputs.bounded_formfield
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Left empty, the model's default applies (one hour before the start).
        self.fields["marking_opens_minutes"].required = False

    def clean_marking_opens_minutes(self) -> int:
        value = self.cleaned_data.get("marking_opens_minutes")
        return DEFAULT_MARKING_OPENS_MINUTES if value is None else int(value)


class MarkingWindowForm(forms.Form):
    """When a programme's attendance marking opens (the model field's label, range and help)."""

    marking_opens_minutes = inputs.IntegerField(
        label=_("Attendance marking opens (minutes before the start)"),
        min_value=0,
        max_value=24 * 60,
        help_text=_("Marks before that time are refused. At most 1440 minutes (one day)."),
    )


class CohortForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Cohort
        fields = ["name_kk", "name_ru", "name_en", "starts_on", "ends_on", "facilitators_per_school"]
        formfield_callback = inputs.bounded_formfield
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }
