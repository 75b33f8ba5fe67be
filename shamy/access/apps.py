from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "shamy.access"
    label = "access"
    verbose_name = _("Access")

    def ready(self) -> None:
        # Every app's permissions.py registers its named rules (shamy.access.rules.rule) when it is
        # imported; importing them all here means a rule exists before the first query asks for it.
        autodiscover_modules("permissions")
