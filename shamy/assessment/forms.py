from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shamy.assessment.models import Criterion, Decision, Recommendation
from shamy.core import inputs


class AssessForm(forms.Form):
    """A level and a comment per criterion, the recommendation and its reasons."""

    recommendation = forms.ChoiceField(
        label=_("Recommendation"),
        choices=[("", "—"), *Recommendation.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label=_("Reasons and advice to the teacher"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
    )
    version = inputs.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=inputs.MAX_SMALL_INTEGER)

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"level_{criterion.code}"] = forms.TypedChoiceField(
                label=criterion.label,
                choices=[("", "—"), *[(n, f"{n}. {text}") for n, text in criterion.level_choices()]],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"comment_{criterion.code}"] = forms.CharField(
                label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5_000
            )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"criterion": c, "level": self[f"level_{c.code}"], "comment": self[f"comment_{c.code}"]}
            for c in self.criteria
        ]


class DecisionForm(forms.Form):
    submissions: inputs.ModelMultipleChoiceField = inputs.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label=_("Portfolios")
    )  # type: ignore[arg-type]
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason (needed to reject)"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5_000
    )

    def __init__(self, *args: Any, queryset: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["submissions"].queryset = queryset  # type: ignore[attr-defined]


class DrawForm(forms.Form):
    share = inputs.IntegerField(
        label=_("Share to draw from each assessor, per cent"), min_value=1, max_value=100, initial=20
    )


class SecondMarkForm(forms.Form):
    """Levels only, blind to the first assessor's."""

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"level_{criterion.code}"] = forms.TypedChoiceField(
                label=criterion.label,
                choices=[(n, f"{n}. {text}") for n, text in criterion.level_choices()],
                coerce=int,
                widget=forms.RadioSelect,
            )

    def levels(self) -> dict[str, int]:
        return {c.code: self.cleaned_data[f"level_{c.code}"] for c in self.criteria}


class ModeratorForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=Recommendation.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note (needed to ask for a revision)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
