from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    error_messages = {
        "invalid_login": _("Wrong e-mail or password. Both are case-sensitive for the password only."),
        "inactive": _("This account is switched off. Ask your administrator."),
    }

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100, help_text=_("For example: regional dashboard script"))
