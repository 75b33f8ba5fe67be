from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "shamy.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from shamy.registry import cache, school_counts

        cache.connect()
        school_counts.connect()
