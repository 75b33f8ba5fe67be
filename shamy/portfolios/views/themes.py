"""The focus-theme taxonomy shared by every programme (system administrators and coordinators)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shamy.access.http import AuthedHttpRequest
from shamy.core.rules import checked, requires
from shamy.portfolios import permissions, selectors
from shamy.portfolios.forms import ThemeForm
from shamy.portfolios.models import FocusTheme
from shamy.portfolios.services import themes as theme_services
from shamy.portfolios.views.common import apply_errors

THEME_FIELDS = ("code", "name_kk", "name_ru", "name_en", "order", "is_active")


@requires(permissions.may_edit_themes)
def theme_list(request: AuthedHttpRequest) -> HttpResponse:
    form = ThemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            theme_services.theme_save(actor=request.user, theme=None, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The theme has been added."))
            return redirect("portfolios:theme-list")
    themes = selectors.theme_list(access=request.access)
    return render(request, "portfolios/theme_list.html", {"themes": themes, "form": form})


# Non-editors get 403 whether or not the theme exists, as the list does.
@requires(permissions.may_edit_themes)
@checked(FocusTheme, "edit", kwarg="theme_id", name="theme")
def theme_edit(request: AuthedHttpRequest, theme: FocusTheme) -> HttpResponse:
    form = ThemeForm(request.POST or None, initial={name: getattr(theme, name) for name in THEME_FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            theme_services.theme_save(actor=request.user, theme=theme, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The theme has been saved."))
            return redirect("portfolios:theme-list")
    return render(request, "portfolios/theme_form.html", {"form": form, "theme": theme})
