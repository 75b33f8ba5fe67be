# ruff: noqa: E501
"""Strings whose translations shamy.core's catalogue supplies, though no template names them.

``makemessages`` keeps only msgids it finds in an app's sources, so they are named here:

* The interface language names of ``settings.LANGUAGES`` (settings.py lies outside every app).
  Django's own Kazakh catalogue calls Russian "Орыс" (a people, not a language); ours says
  "Орыс тілі", the same words the registry uses for languages of instruction.
* Month names inside a date. Django's Kazakh catalogue capitalises them ("23 Қараша 2026"),
  but Kazakh writes months in lower case within a date: "23 қараша 2026 ж.". Kazakh has no
  genitive form here, so the "alt. month" names (Django's ``E`` format) are the lower-case
  nominative. shamy.core precedes Django in the catalogue order, so these translations win.
* Django's own messages that can reach our users (form and model validation errors, password
  rules, the time-since words) but that Django's Kazakh catalogues leave untranslated. Our
  catalogue fills them; an entry Django does translate is left to Django. (Catalogues of the
  django.contrib apps listed before shamy.core in INSTALLED_APPS take precedence over ours, so
  only their empty entries can be filled from here.)
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy, ngettext_lazy, npgettext_lazy, pgettext_lazy

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

DJANGO_MESSAGES = (
    gettext_lazy("Enter a valid integer."),
    gettext_lazy("Enter a valid email address."),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
    ),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit in total.",
        "Ensure that there are no more than %(max)s digits in total.",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s decimal place.",
        "Ensure that there are no more than %(max)s decimal places.",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit before the decimal point.",
        "Ensure that there are no more than %(max)s digits before the decimal point.",
    ),
    gettext_lazy("File extension “%(extension)s” is not allowed. Allowed extensions are: %(allowed_extensions)s."),
    gettext_lazy("Null characters are not allowed."),
    gettext_lazy("%(model_name)s with this %(field_labels)s already exists."),
    gettext_lazy("Value %(value)r is not a valid choice."),
    gettext_lazy("“%(value)s” value must be either True or False."),
    gettext_lazy("“%(value)s” value must be either True, False, or None."),
    gettext_lazy("“%(value)s” value has an invalid date format. It must be in YYYY-MM-DD format."),
    gettext_lazy("“%(value)s” value has the correct format (YYYY-MM-DD) but it is an invalid date."),
    gettext_lazy("“%(value)s” value has an invalid format. It must be in YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] format."),
    gettext_lazy(
        "“%(value)s” value has the correct format (YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ]) but it is an invalid date/time."
    ),
    gettext_lazy("“%(value)s” value must be a decimal number."),
    gettext_lazy("“%(value)s” value must be a float."),
    gettext_lazy("“%(value)s” value must be an integer."),
    gettext_lazy("“%(value)s” is not a valid UUID."),
    gettext_lazy("%(model)s instance with %(field)s %(value)r is not a valid choice."),
    ngettext_lazy(
        "Ensure this filename has at most %(max)d character (it has %(length)d).",
        "Ensure this filename has at most %(max)d characters (it has %(length)d).",
    ),
    gettext_lazy("Enter a complete value."),
    gettext_lazy("Enter a valid duration."),
    gettext_lazy("“%(pk)s” is not a valid value."),
    gettext_lazy(
        "%(datetime)s couldn’t be interpreted in time zone %(current_timezone)s; it may be ambiguous or it may not exist."
    ),
    ngettext_lazy("%(num)d year", "%(num)d years"),
    ngettext_lazy("%(num)d month", "%(num)d months"),
    ngettext_lazy("%(num)d week", "%(num)d weeks"),
    ngettext_lazy("%(num)d day", "%(num)d days"),
    ngettext_lazy("%(num)d hour", "%(num)d hours"),
    ngettext_lazy("%(num)d minute", "%(num)d minutes"),
    gettext_lazy("Forbidden"),
    gettext_lazy("CSRF verification failed. Request aborted."),
    gettext_lazy("That page number is not an integer"),
    gettext_lazy("That page number is less than 1"),
    gettext_lazy("That page contains no results"),
    gettext_lazy("Enter the same password as before, for verification."),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
    ),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
    ),
    gettext_lazy("The password is too similar to the %(verbose_name)s."),
    gettext_lazy("Your password can’t be too similar to your other personal information."),
    gettext_lazy("This password is too common."),
    gettext_lazy("Your password can’t be a commonly used password."),
    gettext_lazy("This password is entirely numeric."),
    gettext_lazy("Your password can’t be entirely numeric."),
    gettext_lazy("%(delta)s ago"),
    ngettext_lazy("an hour ago", "%(count)s hours ago"),
    ngettext_lazy("a minute ago", "%(count)s minutes ago"),
    ngettext_lazy("a second ago", "%(count)s seconds ago"),
    ngettext_lazy("a second from now", "%(count)s seconds from now"),
    ngettext_lazy("a minute from now", "%(count)s minutes from now"),
    ngettext_lazy("an hour from now", "%(count)s hours from now"),
    gettext_lazy("%(delta)s from now"),
    npgettext_lazy("naturaltime-past", "%(num)d year", "%(num)d years"),
    npgettext_lazy("naturaltime-future", "%(num)d year", "%(num)d years"),
    npgettext_lazy("naturaltime-past", "%(num)d month", "%(num)d months"),
    npgettext_lazy("naturaltime-future", "%(num)d month", "%(num)d months"),
    npgettext_lazy("naturaltime-past", "%(num)d week", "%(num)d weeks"),
    npgettext_lazy("naturaltime-future", "%(num)d week", "%(num)d weeks"),
    npgettext_lazy("naturaltime-past", "%(num)d day", "%(num)d days"),
    npgettext_lazy("naturaltime-future", "%(num)d day", "%(num)d days"),
    npgettext_lazy("naturaltime-past", "%(num)d hour", "%(num)d hours"),
    npgettext_lazy("naturaltime-future", "%(num)d hour", "%(num)d hours"),
    npgettext_lazy("naturaltime-past", "%(num)d minute", "%(num)d minutes"),
    npgettext_lazy("naturaltime-future", "%(num)d minute", "%(num)d minutes"),
)
