"""Forms bind and validate input; every write goes through a service."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shamy.core import inputs
from shamy.portfolios.models import Evidence, FocusTheme, SummaryLanguage, Thread
from shamy.portfolios.poster import POSTER_SIZES
from shamy.portfolios.templatetags.portfolios_tags import autosave_status_id
from shamy.registry.models import Person

_ANY = [("", _("Any"))]
AUTOSAVE_DELAY = "keyup changed delay:1s"


def _autosave_attrs(key: str) -> dict[str, str]:
    """htmx attributes that post the field to the autosave endpoint a second after typing."""
    from django.urls import reverse

    return {
        "hx-post": reverse("portfolios:autosave"),
        "hx-trigger": AUTOSAVE_DELAY,
        "hx-vals": json.dumps({"key": key}),
        "hx-target": "#" + autosave_status_id(key),
        "hx-swap": "innerHTML",
        "hx-include": "this",
    }


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    theme = forms.ModelChoiceField(label=_("Focus theme"), queryset=FocusTheme.objects.none())
    concern = forms.CharField(
        label=_("The concern"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What in your practice or your school do you want to change, and why?"),
    )
    collaborators = inputs.ModelMultipleChoiceField(
        label=_("Colleagues working with you"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, colleagues: Any = None, current_theme: FocusTheme | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        themes = FocusTheme.objects.filter(is_active=True)
        if current_theme is not None:
            themes = FocusTheme.objects.filter(pk=current_theme.pk) | themes
        self.fields["theme"].queryset = themes.order_by("order", "code")  # type: ignore[attr-defined]
        if colleagues is None:
            del self.fields["collaborators"]
        else:
            self.fields["collaborators"].queryset = colleagues  # type: ignore[attr-defined]


class StageForm(forms.Form):
    stage = inputs.IdField(widget=forms.HiddenInput)


class StepForm(forms.Form):
    title = forms.CharField(label=_("Step"), max_length=300)
    due_on = forms.DateField(label=_("By"), widget=forms.DateInput(attrs={"type": "date"}))


class JournalForm(forms.Form):
    written_on = forms.DateField(
        label=_("Date"),
        # ISO, as a date input takes it: a localised date left the required field empty in the browser.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    text = forms.CharField(label=_("Reflection"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, draft_key: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if draft_key:
            self.fields["text"].widget.attrs.update(_autosave_attrs(draft_key))


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("A photo, a PDF, an office document or an audio recording."),
    )
    video_url = forms.URLField(
        label=_("Or a link to a video"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    shows_pupils = forms.BooleanField(label=_("This image shows pupils"), required=False)
    parental_consent = forms.BooleanField(label=_("Consent from parents is on file"), required=False)
    publication_consent = forms.BooleanField(
        label=_("May be published on the project's public page and poster"),
        required=False,
        initial=False,
        help_text=_(
            "Leave unticked to keep it inside the portfolio. A photo showing pupils is published only "
            "if their parents agreed to publication."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("shows_pupils") and not data.get("parental_consent"):
            self.add_error(
                "parental_consent", _("This item shows pupils: confirm that consent from parents is on file.")
            )
        if not data.get("file") and not data.get("video_url") and not self.has_error("video_url"):
            self.add_error("file", _("Choose a file, or give a link to a video."))
        if data.get("file") and data.get("video_url"):
            self.add_error("video_url", _("Give either a file or a video link, not both."))
        return data


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, draft_key: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if draft_key:
            self.fields["text"].widget.attrs.update(_autosave_attrs(draft_key))


class EndorseForm(forms.Form):
    note = forms.CharField(label=_("Note to the teacher"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SectionForm(forms.Form):
    body = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 12}))
    version = inputs.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=inputs.MAX_INTEGER)
    evidence = inputs.ModelMultipleChoiceField(
        label=_("Evidence in this section"),
        queryset=Evidence.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, section_key: str, evidence: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs.update(_autosave_attrs(section_key))
        self.fields["evidence"].queryset = evidence  # type: ignore[attr-defined]


class ShareForm(forms.Form):
    summary = forms.CharField(label=_("What the project was about"), widget=forms.Textarea(attrs={"rows": 4}))
    actions = forms.CharField(label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    impact = forms.CharField(
        label=_("The impact on pupils, colleagues and the school"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    language = forms.ChoiceField(label=_("Language of the summary"), choices=SummaryLanguage.choices)
    show_name = forms.BooleanField(label=_("Show my name"), required=False, initial=True)
    show_school = forms.BooleanField(label=_("Show my school and region"), required=False, initial=True)
    consent = forms.BooleanField(
        label=_("I agree that this summary and a poster of it are published on the open web"),
        required=True,
    )


class PosterForm(forms.Form):
    size = forms.ChoiceField(choices=[(size, size) for size in POSTER_SIZES], required=False)


class ThemeForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name_kk = forms.CharField(label=_("Name (Kazakh)"), max_length=200)
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    order = inputs.IntegerField(label=_("Order"), min_value=0, max_value=inputs.MAX_SMALL_INTEGER, initial=100)
    is_active = forms.BooleanField(label=_("Offered for new projects"), required=False, initial=True)


class PublicFilterForm(forms.Form):
    """Filters of the public list. Only for rendering: the selector parses the query itself."""

    q = forms.CharField(
        label=_("Search"), required=False, widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"})
    )
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False, choices=_ANY + SummaryLanguage.choices)

    def __init__(self, *args: Any, themes: list[FocusTheme], regions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = _ANY + [(theme.code, theme.name) for theme in themes]  # type: ignore[attr-defined]
        self.fields["region"].choices = _ANY + [(str(r.pk), r.name) for r in regions]  # type: ignore[attr-defined]


THREAD_CHOICES = Thread.values
