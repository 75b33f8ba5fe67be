from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FellowshipConfig(AppConfig):
    name = "shamy.fellowship"
    label = "fellowship"
    verbose_name = _("Fellowship")
