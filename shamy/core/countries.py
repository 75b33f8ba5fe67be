"""The countries one installation serves, and which of them is its home.

Kazakhstan's programmes are the platform's own; partners in Kyrgyzstan, Tajikistan and Uzbekistan
run theirs in the same installation, each with a country-level registry (issue 17). The codes are
ISO 3166-1 alpha-2. Defined here, below every app, because the access model (a country
administrator's scope) and the registry, programmes and commons (each row's country) all name them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Country(models.TextChoices):
    KAZAKHSTAN = "KZ", _("Kazakhstan")
    KYRGYZSTAN = "KG", _("Kyrgyzstan")
    TAJIKISTAN = "TJ", _("Tajikistan")
    UZBEKISTAN = "UZ", _("Uzbekistan")
    OTHER = "ZZ", _("Other country")


#: The installation's own country. Its ministry roles (ministry and regional analysts) read its
#: registry and programmes, and the equity analytics are its national statistics; another
#: country's rows are read only by that country's administrators and by system administrators.
HOME_COUNTRY: str = Country.KAZAKHSTAN.value

#: Countries whose partners may hold a registry and programmes of their own (not "other").
REGISTRY_COUNTRIES: tuple[str, ...] = (
    Country.KAZAKHSTAN.value,
    Country.KYRGYZSTAN.value,
    Country.TAJIKISTAN.value,
    Country.UZBEKISTAN.value,
)
