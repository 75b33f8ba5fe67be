"""The interface is complete in Kazakh (default), Russian and English.

* Every kk and ru catalogue under shamy/ is fully translated, with no fuzzy entry, and with the
  plural forms of its language (Kazakh 2, Russian 3).
* Every app with templates or gettext calls has kk and ru catalogues.
* The catalogues are up to date with the sources. The check runs Django's own ``makemessages``
  (GNU xgettext, the same extraction a developer runs) on a copy of each app in a temporary
  directory and compares the msgids it finds with the committed ones, so a string added to a
  template or a module without re-running makemessages, or one left over after its source went,
  fails here. It needs GNU gettext, like makemessages itself.
* Kazakh dates and numbers (Django ships no Kazakh formats: see shamy/formats/kk) and Russian ones.

The pages in the three languages are tested in test_i18n_pages.py.
"""

from __future__ import annotations

import datetime
import re
import shutil
from decimal import Decimal
from pathlib import Path

import polib
import pytest
from django import forms
from django.conf import settings
from django.core.management import call_command
from django.template import Context, Template
from django.test import override_settings
from django.utils import dates, translation
from django.utils.translation import pgettext

from shamy.core.i18n_names import LANGUAGE_NAMES, MONTHS_ALT, MONTHS_AP

SHAMY = Path(settings.BASE_DIR) / "shamy"
LANGUAGES = ("kk", "ru")
PLURAL_FORMS = {"kk": 2, "ru": 3}
KAZAKH_MONTHS = [
    "қаңтар",
    "ақпан",
    "наурыз",
    "сәуір",
    "мамыр",
    "маусым",
    "шілде",
    "тамыз",
    "қыркүйек",
    "қазан",
    "қараша",
    "желтоқсан",
]
RUSSIAN_MONTHS_GENITIVE = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]
NBSP = "\xa0"

pytestmark = pytest.mark.usefixtures("compiled_catalogues")


def _app_dirs() -> list[Path]:
    return sorted(path.parent for path in SHAMY.glob("*/apps.py"))


def _catalogues() -> list[Path]:
    return sorted(SHAMY.glob("*/locale/*/LC_MESSAGES/django.po"))


def _key(entry: polib.POEntry) -> tuple[str | None, str, str]:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural or "")


# --- Catalogues ---------------------------------------------------------------------------------


def test_there_are_kazakh_and_russian_catalogues():
    found = {(path.parents[3].name, path.parents[1].name) for path in _catalogues()}
    for app in ("core", "accounts", "audit", "registry"):
        assert {(app, "kk"), (app, "ru")} <= found


def test_every_kk_and_ru_entry_is_translated_and_not_fuzzy():
    problems = []
    for path in _catalogues():
        language = path.parents[1].name
        if language not in LANGUAGES:
            continue
        catalogue = polib.pofile(str(path))
        where = path.relative_to(settings.BASE_DIR)
        if catalogue.metadata_is_fuzzy:
            problems.append(f"{where}: the header is marked fuzzy")
        for entry in catalogue:
            if entry.obsolete:
                continue
            label = f"{where}: {entry.msgid!r}" + (f" (context {entry.msgctxt!r})" if entry.msgctxt else "")
            if "fuzzy" in entry.flags:
                problems.append(f"{label} is fuzzy")
            if entry.msgid_plural:
                forms_given = [entry.msgstr_plural.get(index, "") for index in range(PLURAL_FORMS[language])]
                if not all(forms_given):
                    problems.append(f"{label} has an empty plural form")
            elif not entry.msgstr:
                problems.append(f"{label} is not translated")
    assert not problems, "Untranslated or fuzzy entries:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_headers_declare_language_and_plural_forms(language):
    expected = {
        "kk": "nplurals=2; plural=(n!=1);",
        "ru": (
            "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
        ),
    }[language]
    for path in _catalogues():
        if path.parents[1].name != language:
            continue
        catalogue = polib.pofile(str(path))
        assert catalogue.metadata.get("Language") == language, path
        assert catalogue.metadata.get("Plural-Forms", "").replace(" ", "") == expected.replace(" ", ""), path
        for entry in catalogue:
            if entry.msgid_plural and not entry.obsolete:
                assert len(entry.msgstr_plural) == PLURAL_FORMS[language], (path, entry.msgid)


_GETTEXT_CALL = re.compile(r"\b(?:_|gettext(?:_lazy)?|ngettext(?:_lazy)?|pgettext(?:_lazy)?|npgettext(?:_lazy)?)\(")
_TEMPLATE_TAG = re.compile(r"{%\s*(?:translate|trans|blocktranslate|blocktrans)\b")


def _has_translatable_strings(app: Path) -> bool:
    for path in app.rglob("*"):
        parts = set(path.relative_to(app).parts)
        if parts & {"tests", "migrations", "locale", "static", "__pycache__"} or not path.is_file():
            continue
        if path.suffix == ".py":
            text = path.read_text(encoding="utf-8")
            if "django.utils.translation" in text and _GETTEXT_CALL.search(text):
                return True
        elif path.suffix in {".html", ".txt"} and "templates" in parts:
            if _TEMPLATE_TAG.search(path.read_text(encoding="utf-8")):
                return True
    return False


def test_every_app_with_strings_has_kk_and_ru_catalogues():
    missing = [
        f"shamy/{app.name}/locale/{language}/LC_MESSAGES/django.po"
        for app in _app_dirs()
        if _has_translatable_strings(app)
        for language in LANGUAGES
        if not (app / "locale" / language / "LC_MESSAGES" / "django.po").exists()
    ]
    assert not missing, "Run makemessages -l kk -l ru in these apps and translate:\n" + "\n".join(missing)


def _apps_with_catalogues() -> list[str]:
    return sorted({path.parents[3].name for path in _catalogues()})


@pytest.mark.parametrize("app", _apps_with_catalogues())
def test_catalogues_are_up_to_date_with_the_sources(app, tmp_path, monkeypatch):
    assert shutil.which("xgettext"), "GNU gettext (xgettext) is needed to check the catalogues, as for makemessages"
    source = SHAMY / app
    copy = tmp_path / app
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "*.pyc"))
    (copy / "locale").mkdir()
    monkeypatch.chdir(copy)
    # Run inside the app, makemessages writes to the app's own locale/ (here the copy's), as a
    # developer runs it; LOCALE_PATHS emptied so it does not also create the project's locale/.
    with override_settings(LOCALE_PATHS=[]):
        call_command("makemessages", locale=["kk"], ignore_patterns=["tests/*"], verbosity=0)
    extracted = {_key(entry) for entry in polib.pofile(str(copy / "locale/kk/LC_MESSAGES/django.po"))}
    for language in LANGUAGES:
        path = source / "locale" / language / "LC_MESSAGES" / "django.po"
        committed = {_key(entry) for entry in polib.pofile(str(path)) if not entry.obsolete}
        new = sorted(extracted - committed, key=str)
        gone = sorted(committed - extracted, key=str)
        assert not new, f"shamy/{app} ({language}): strings missing from the catalogue, run makemessages: {new}"
        assert not gone, f"shamy/{app} ({language}): entries whose source is gone, run makemessages: {gone}"


@pytest.mark.parametrize("app", _apps_with_catalogues())
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_translation_is_the_one_shown(app, language):
    """Django merges every catalogue into one per language, so a msgid means one thing everywhere.

    A catalogue listed earlier (a django.contrib app, then the apps in INSTALLED_APPS order) wins
    for a msgid several define: "Filter" in the admin's catalogue, "now" in humanize's. An entry
    shown differently from what its catalogue says must use a context (pgettext) or agree.
    """
    from django.utils.translation import gettext, ngettext, npgettext

    path = SHAMY / app / "locale" / language / "LC_MESSAGES" / "django.po"
    overridden = []
    with translation.override(language):
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            if entry.msgid_plural:
                shown = (
                    npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 5)
                    if entry.msgctxt
                    else ngettext(entry.msgid, entry.msgid_plural, 5)
                )
                expected = entry.msgstr_plural[1 if language == "kk" else 2]
            else:
                shown = pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else gettext(entry.msgid)
                expected = entry.msgstr
            if shown != expected:
                overridden.append(f"{entry.msgid!r}: catalogue says {expected!r}, Django shows {shown!r}")
    assert not overridden, f"shamy/{app} ({language}) translations overridden elsewhere:\n" + "\n".join(overridden)


@pytest.mark.parametrize(
    ("language", "counts"),
    [
        ("kk", {1: "1 мектеп", 3: "3 мектеп", 5: "5 мектеп", 21: "21 мектеп"}),
        (
            "ru",
            {1: "1 школа", 3: "3 школы", 5: "5 школ", 11: "11 школ", 21: "21 школа", 22: "22 школы", 112: "112 школ"},
        ),
        ("en", {1: "1 school", 3: "3 schools"}),
    ],
)
def test_plural_forms_follow_the_language(language, counts):
    template = Template(
        "{% load i18n %}{% blocktranslate count counter=n %}{{ counter }} school{% plural %}"
        "{{ counter }} schools{% endblocktranslate %}"
    )
    with translation.override(language):
        assert {n: template.render(Context({"n": n})) for n in counts} == counts


# --- Language names and month names -------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "names"),
    [("kk", ["Қазақ тілі", "Орыс тілі", "Ағылшын тілі"]), ("ru", ["Казахский", "Русский", "Английский"])],
)
def test_interface_language_names_are_translated(language, names):
    with translation.override(language):
        assert [str(name) for name in LANGUAGE_NAMES] == names
        assert [str(name) for _code, name in settings.LANGUAGES] == names


def test_django_kazakh_month_names_are_the_kazakh_months():
    with translation.override("kk"):
        assert [str(dates.MONTHS[month]).lower() for month in range(1, 13)] == KAZAKH_MONTHS
        assert [str(name) for name in MONTHS_ALT] == KAZAKH_MONTHS
        assert [str(dates.MONTHS_ALT[month]) for month in range(1, 13)] == KAZAKH_MONTHS
        assert str(dates.MONTHS_AP[11]) == "қар."
        assert all(str(name) == str(name).lower() for name in MONTHS_AP)
        assert pgettext("alt. month", "November") == "қараша"


def test_django_russian_month_names_are_in_the_genitive():
    with translation.override("ru"):
        assert [str(dates.MONTHS_ALT[month]) for month in range(1, 13)] == RUSSIAN_MONTHS_GENITIVE
        assert str(dates.MONTHS[11]) == "Ноябрь"


@pytest.mark.django_db
def test_django_own_messages_reach_kazakh_users_in_kazakh():
    """Messages from Django whose Kazakh catalogue is empty come from shamy.core's."""
    from django.contrib.auth.password_validation import validate_password
    from django.contrib.humanize.templatetags.humanize import naturaltime
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    with translation.override("kk"):
        with pytest.raises(ValidationError) as error:
            forms.EmailField().clean("not-an-address")
        assert error.value.messages == ["Дұрыс электрондық пошта мекенжайын енгізіңіз."]
        with pytest.raises(ValidationError) as error:
            forms.CharField(max_length=3).clean("Ақтөбе")
        assert error.value.messages == ["Бұл мән 3 таңбадан аспауы керек (қазір 6)."]
        with pytest.raises(ValidationError) as error:
            validate_password("12345678")
        assert "Бұл құпия сөз тек цифрлардан тұрады." in error.value.messages
        assert "Бұл құпия сөз тым жиі қолданылады." in error.value.messages
        assert naturaltime(timezone.now() - datetime.timedelta(days=3)) == f"3{NBSP}күн бұрын"
        assert naturaltime(timezone.now() - datetime.timedelta(minutes=5)) == f"5{NBSP}минут бұрын"


# --- Date and number formats -------------------------------------------------------------------


def _render(source: str, language: str, **context: object) -> str:
    with translation.override(language):
        return Template("{% load humanize %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "expected"),
    [("kk", "23 қараша 2026 ж."), ("ru", "23 ноября 2026 г."), ("en", "23 November 2026")],
)
def test_long_date_format(language, expected):
    assert _render('{{ day|date:"DATE_FORMAT" }}', language, day=datetime.date(2026, 11, 23)) == expected


@pytest.mark.parametrize("month", range(1, 13))
def test_kazakh_long_date_has_the_lower_case_month_for_every_month(month):
    rendered = _render('{{ day|date:"DATE_FORMAT" }}', "kk", day=datetime.date(2026, month, 5))
    assert rendered == f"5 {KAZAKH_MONTHS[month - 1]} 2026 ж."


@pytest.mark.parametrize(
    ("language", "expected"),
    [("kk", "23.11.2026"), ("ru", "23.11.2026"), ("en", "23.11.2026")],
)
def test_short_date_format(language, expected):
    assert _render('{{ day|date:"SHORT_DATE_FORMAT" }}', language, day=datetime.date(2026, 11, 23)) == expected


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_date_time_and_month_formats(language):
    moment = datetime.datetime(2026, 3, 5, 9, 7)
    rendered = _render(
        '{{ m|date:"SHORT_DATETIME_FORMAT" }}|{{ m|date:"YEAR_MONTH_FORMAT" }}|{{ m|date:"MONTH_DAY_FORMAT" }}',
        language,
        m=moment,
    )
    expected = {
        "kk": "05.03.2026 09:07|Наурыз 2026 ж.|5 наурыз",
        "ru": "05.03.2026 09:07|Март 2026 г.|5 марта",
        "en": "05.03.2026 09:07|March 2026|5 March",
    }[language]
    assert rendered == expected


def test_english_dates_are_day_month_year_with_a_24_hour_clock():
    """Issue 11: English pages wrote US dates ("Dec. 16, 2026, 3 p.m.") and "p.m.." before a full stop."""
    moment = datetime.datetime(2026, 12, 16, 15, 30)
    rendered = _render(
        '{{ m|date:"DATETIME_FORMAT" }}|{{ m|time:"TIME_FORMAT" }}|{{ m|date:"DATE_FORMAT" }}.', "en", m=moment
    )
    assert rendered == "16 December 2026, 15:30|15:30|16 December 2026."
    assert "p.m." not in rendered and "a.m." not in rendered


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("kk", f"1{NBSP}234{NBSP}567|1234,57|1{NBSP}234,57|0,5"),
        ("ru", f"1{NBSP}234{NBSP}567|1234,57|1{NBSP}234,57|0,5"),
        ("en", "1,234,567|1234.57|1,234.57|0.5"),
    ],
)
def test_number_formats(language, expected):
    rendered = _render(
        '{{ n|intcomma }}|{{ x|floatformat:2 }}|{{ x|floatformat:"2g" }}|{{ half|floatformat }}',
        language,
        n=1234567,
        x=Decimal("1234.567"),
        half=0.5,
    )
    assert rendered == expected


def test_date_input_accepts_the_short_date_format_and_iso_dates():
    with translation.override("kk"):
        assert forms.DateField().clean("23.11.2026") == datetime.date(2026, 11, 23)
        assert forms.DecimalField(localize=True).clean("1234,5") == Decimal("1234.5")
    # Date pickers (<input type="date">) send ISO dates whatever the interface language.
    for language in ("kk", "ru", "en"):
        with translation.override(language):
            assert forms.DateField().clean("2026-11-23") == datetime.date(2026, 11, 23)
