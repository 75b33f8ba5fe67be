from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils import translation
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


class LocalisedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but each e-mail is written in its recipient's language.

    The page may be shown in another language (a shared computer, a browser set to Russian),
    so the account's stored language decides, not the request's.
    """

    # Django's field is labelled "Email", which its Kazakh catalogue leaves in English; the label
    # the sign-in form uses is translated.
    email = forms.EmailField(
        label=_("E-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        language = getattr(context.get("user"), "language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
            super().send_mail(
                subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name
            )
