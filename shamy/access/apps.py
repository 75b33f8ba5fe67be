from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "shamy.access"
    label = "access"
    verbose_name = _("Access")

    def ready(self) -> None:
        from shamy.access.context import Access, access_for
        from shamy.core.rules import install_resolver

        # core.rules turns a user into their Access with this (core imports no domain app).
        install_resolver(access_for, Access)
        # Every app's permissions.py registers its named rules (shamy.core.rules.rule) when it is
        # imported; importing them all here means a rule exists before the first query asks for it.
        autodiscover_modules("permissions")
