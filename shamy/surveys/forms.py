from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from shamy.programmes.models import Cohort, Programme
from shamy.registry.models import Region, School
from shamy.surveys.models import AUDIENCE_ROLES, Phase, Question, QuestionKind, Survey, SurveyStatus

LANGUAGE_LABELS = (("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English")))


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _translated_fields(
    form: forms.Form, name: str, label: Any, *, textarea: bool = False, required: bool = False
) -> None:
    for code, language in LANGUAGE_LABELS:
        widget = forms.Textarea(attrs={"rows": 2, "lang": code}) if textarea else forms.TextInput(attrs={"lang": code})
        form.fields[f"{name}_{code}"] = forms.CharField(
            label=_("%(field)s (%(language)s)") % {"field": label, "language": language},
            required=required and code == "kk",
            max_length=2000,
            widget=widget,
        )


def translated(data: dict[str, Any], name: str) -> dict[str, str]:
    return {code: (data.get(f"{name}_{code}") or "").strip() for code, _language in LANGUAGE_LABELS}


class SurveyForm(forms.Form):
    phase = forms.ChoiceField(
        label=_("Phase"), choices=[(Phase.SINGLE, Phase.SINGLE.label), (Phase.PRE, Phase.PRE.label)]
    )
    anonymous = forms.BooleanField(
        label=_("Anonymous"), required=False, help_text=Survey._meta.get_field("anonymous").help_text
    )
    audience_role = forms.ChoiceField(label=_("Sent to"), choices=AUDIENCE_ROLES)
    cohort = forms.ModelChoiceField(label=_("Only this cohort"), queryset=Cohort.objects.none(), required=False)
    school = forms.ModelChoiceField(label=_("Only this school"), queryset=School.objects.none(), required=False)
    public_link = forms.BooleanField(
        label=_("Also open to anyone with the link"),
        required=False,
        help_text=_("Answers through the public link are always anonymous."),
    )
    opens_at = forms.DateTimeField(label=_("Opens"), widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"])
    closes_at = forms.DateTimeField(label=_("Closes"), widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"])

    field_order = ["title_kk", "title_ru", "title_en", "intro_kk", "intro_ru", "intro_en"]

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _translated_fields(self, "title", _("Title"), required=True)
        _translated_fields(self, "intro", _("Introduction"), textarea=True)
        self.order_fields(self.field_order)
        self.fields["cohort"].queryset = Cohort.objects.filter(programme=programme)  # type: ignore[attr-defined]
        self.fields["school"].queryset = School.objects.filter(  # type: ignore[attr-defined]
            cohort_links__cohort__programme=programme
        ).distinct()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("A survey must close after it opens."))
        return data


DRAFT_ONLY_FIELDS = ("phase", "anonymous", "audience_role", "cohort", "school", "public_link", "opens_at")


def survey_initial(survey: Survey) -> dict[str, Any]:
    initial: dict[str, Any] = {
        f"{name}_{code}": getattr(survey, name).get(code, "")
        for name in ("title", "intro")
        for code, _l in LANGUAGE_LABELS
    }
    for name in ("phase", "anonymous", "audience_role", "public_link"):
        initial[name] = getattr(survey, name)
    initial |= {"cohort": survey.cohort_id, "school": survey.school_id}
    initial |= {"opens_at": timezone.localtime(survey.opens_at), "closes_at": timezone.localtime(survey.closes_at)}
    return initial


class SurveyEditForm(SurveyForm):
    """The creation form on an existing survey: once it has been opened only the texts and the
    closing date are editable (the other fields are shown disabled); a post survey's phase is fixed."""

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, programme=survey.programme, initial=survey_initial(survey), **kwargs)
        if survey.phase == Phase.POST or survey.pre_survey_id is not None:
            del self.fields["phase"]
        for name in DRAFT_ONLY_FIELDS:
            if name in self.fields and survey.status != SurveyStatus.DRAFT:
                self.fields[name].disabled = True

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        wanted = [name for name in (*DRAFT_ONLY_FIELDS, "closes_at") if name in self.fields]
        changes = {name: data[name] for name in wanted if not self.fields[name].disabled}
        return changes | {"title": translated(data, "title"), "intro": translated(data, "intro")}


class PostSurveyForm(forms.Form):
    opens_at = forms.DateTimeField(label=_("Opens"), widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"])
    closes_at = forms.DateTimeField(label=_("Closes"), widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("A survey must close after it opens."))
        return data


def parse_options(text: str) -> list[dict[str, Any]]:
    """Lines of ``kk | ru | en`` (ru and en optional) into ``[{"code", "label": {...}}]``."""
    options: list[dict[str, Any]] = []
    used: set[str] = set()
    for line in text.splitlines():
        parts = [part.strip() for part in line.split("|")]
        if not parts or not parts[0]:
            continue
        label = {
            code: parts[index]
            for index, (code, _l) in enumerate(LANGUAGE_LABELS)
            if index < len(parts) and parts[index]
        }
        base = slugify(label.get("en") or "", allow_unicode=False) or f"o{len(options) + 1}"
        code = re.sub(r"[^a-z0-9-]", "", base)[:30] or f"o{len(options) + 1}"
        while code in used:
            code = f"{code[:27]}-{len(options) + 1}"
        used.add(code)
        options.append({"code": code, "label": label})
    return options


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For choice questions: one per line, as “Kazakh | Russian | English”."),
    )
    rows = forms.CharField(
        label=_("Matrix rows"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For matrix questions: one row per line, as “Kazakh | Russian | English”."),
    )
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    show_if = forms.ModelChoiceField(
        label=_("Show only if the answer to"), queryset=Question.objects.none(), required=False
    )
    show_if_values = forms.CharField(
        label=_("is one of"),
        required=False,
        max_length=200,
        help_text=_("Choice codes or scale points, separated by commas."),
    )

    field_order = ["kind", "text_kk", "text_ru", "text_en"]

    def __init__(self, *args: Any, survey: Survey, before: Question | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _translated_fields(self, "text", _("Question"), textarea=True, required=True)
        self.order_fields(self.field_order)
        earlier = survey.questions.exclude(
            kind__in=[QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT, QuestionKind.MATRIX]
        )
        if before is not None:  # skip logic refers only to earlier questions
            earlier = earlier.filter(Q(position__lt=before.position) | Q(position=before.position, pk__lt=before.pk))
        self.fields["show_if"].queryset = earlier  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["choices_list"] = parse_options(data.get("choices") or "")
        data["rows_list"] = parse_options(data.get("rows") or "")
        data["show_if_list"] = [
            value.strip() for value in (data.get("show_if_values") or "").split(",") if value.strip()
        ]
        return data


def _option_lines(options: list[dict[str, Any]]) -> str:
    lines = []
    for item in options:
        label = item.get("label") or {}
        lines.append(" | ".join(label.get(code, "") for code, _l in LANGUAGE_LABELS).rstrip(" |"))
    return "\n".join(lines)


def question_initial(question: Question) -> dict[str, Any]:
    initial: dict[str, Any] = {f"text_{code}": question.text.get(code, "") for code, _l in LANGUAGE_LABELS}
    initial |= {"kind": question.kind, "required": question.required, "show_if": question.show_if_id}
    initial |= {"choices": _option_lines(question.choices), "rows": _option_lines(question.rows)}
    initial["show_if_values"] = ", ".join(str(value) for value in question.show_if_values)
    return initial


class ResultFilterForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), required=False)
    locality = forms.ChoiceField(
        label=_("Locality"), required=False, choices=[("", _("All")), ("urban", _("Urban")), ("rural", _("Rural"))]
    )
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All")), *AUDIENCE_ROLES])

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regions = Region.objects.filter(schools__cohort_links__cohort__programme_id=survey.programme_id)
        self.fields["region"].queryset = regions.distinct().order_by("kato")  # type: ignore[attr-defined]
