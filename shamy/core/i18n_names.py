"""Strings whose translations shamy.core's catalogue supplies, though no template names them.

``makemessages`` keeps only msgids it finds in an app's sources, so they are named here:

* The interface language names of ``settings.LANGUAGES`` (settings.py lies outside every app).
  Django's own Kazakh catalogue calls Russian "Орыс" (a people, not a language); ours says
  "Орыс тілі", the same words the registry uses for languages of instruction.
* Month names inside a date. Django's Kazakh catalogue capitalises them ("23 Қараша 2026"),
  but Kazakh writes months in lower case within a date: "23 қараша 2026 ж.". Kazakh has no
  genitive form here, so the "alt. month" names (Django's ``E`` format) are the lower-case
  nominative. shamy.core precedes Django in the catalogue order, so these translations win.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy, pgettext_lazy

LANGUAGE_NAMES = (gettext_lazy("Kazakh"), gettext_lazy("Russian"), gettext_lazy("English"))

# Django's ``E`` date format (DATE_FORMAT "j E Y ж."): the month as it stands after a day number.
MONTHS_ALT = (
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
)

# Django's ``N`` date format: the abbreviated month, also written in lower case in Kazakh.
MONTHS_AP = (
    pgettext_lazy("abbrev. month", "Jan."),
    pgettext_lazy("abbrev. month", "Feb."),
    pgettext_lazy("abbrev. month", "March"),
    pgettext_lazy("abbrev. month", "April"),
    pgettext_lazy("abbrev. month", "May"),
    pgettext_lazy("abbrev. month", "June"),
    pgettext_lazy("abbrev. month", "July"),
    pgettext_lazy("abbrev. month", "Aug."),
    pgettext_lazy("abbrev. month", "Sept."),
    pgettext_lazy("abbrev. month", "Oct."),
    pgettext_lazy("abbrev. month", "Nov."),
    pgettext_lazy("abbrev. month", "Dec."),
)
