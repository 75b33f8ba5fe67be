"""Each foundation page renders in kk, ru and en, declares its language and shows no English msgid
in a Kazakh or Russian page; the language switch sticks; pages keep a structure screen readers and
phones can use. (The catalogues and formats themselves: test_i18n.py.)
"""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from shamy.accounts.models import User
from shamy.audit.services.entries import audit_record

SHAMY = Path(settings.BASE_DIR) / "shamy"
LANGUAGES = ("kk", "ru")
NBSP = "\xa0"

pytestmark = pytest.mark.usefixtures("compiled_catalogues")


def _catalogues() -> list[Path]:
    return sorted(SHAMY.glob("*/locale/*/LC_MESSAGES/django.po"))


# --- Pages in three languages ------------------------------------------------------------------


class _VisibleText(HTMLParser):
    """Collects text nodes and the accessible-name attributes a screen reader reads out.

    Text in ``<code>`` is left out: it shows identifiers (audit action names, field names); so
    is text marked as another language (``lang="en"``: each language's own name in the switcher).
    """

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.headings: list[str] = []
        self._skip = 0
        self._heading: list[str] | None = None
        self._foreign: list[str] = []
        self.html_lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.html_lang = values.get("lang") or ""
        if tag in {"script", "style", "code"}:
            self._skip += 1
        if tag != "html" and values.get("lang") and values.get("lang") != self.html_lang:
            self._foreign.append(tag)
            self._skip += 1
        if tag in {"h1", "h2"}:
            self._heading = []
        for name in ("aria-label", "placeholder", "alt"):
            if values.get(name) and not self._skip:
                self.texts.append(" ".join((values[name] or "").split()))

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "code"}:
            self._skip -= 1
        if self._foreign and self._foreign[-1] == tag:
            self._foreign.pop()
            self._skip -= 1
        if tag in {"h1", "h2"} and self._heading is not None:
            self.headings.append(" ".join("".join(self._heading).split()))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        text = " ".join(data.split())
        if text:
            self.texts.append(text)
        if self._heading is not None:
            self._heading.append(data)


def _parse(html: str) -> _VisibleText:
    parser = _VisibleText()
    parser.feed(html)
    return parser


def _english_msgids() -> set[str]:
    """Every msgid of our catalogues that Kazakh or Russian writes differently."""
    msgids = set()
    for path in _catalogues():
        for entry in polib.pofile(str(path)):
            if not entry.obsolete and entry.msgstr != entry.msgid and re.search("[A-Za-z]{2}", entry.msgid):
                msgids.add(entry.msgid)
    return msgids


# page: (url builder, needs a signed-in user, {language: a heading on the page})
PAGES = {
    "region-list": (
        lambda cast: reverse("registry:region-list"),
        True,
        {"kk": "Облыстар", "ru": "Области", "en": "Regions"},
    ),
    "region-detail": (
        lambda cast: reverse("registry:region-detail", args=[cast.region_a.pk]),
        True,
        {"kk": "Аудандар", "ru": "Районы", "en": "Districts"},
    ),
    "school-list": (
        lambda cast: reverse("registry:school-list"),
        True,
        {"kk": "Мектептер", "ru": "Школы", "en": "Schools"},
    ),
    "school-detail": (
        lambda cast: reverse("registry:school-detail", args=[cast.school_a1.pk]),
        True,
        {"kk": "Қызметкерлер", "ru": "Сотрудники", "en": "Staff"},
    ),
    "person-detail": (
        lambda cast: reverse("registry:person-detail", args=[cast.teacher_a1.pk]),
        True,
        {"kk": "Жұмыс орны", "ru": "Место работы", "en": "Employment"},
    ),
    "profile": (
        lambda cast: reverse("accounts:profile"),
        True,
        {"kk": "Сіздің тіркелгіңіз", "ru": "Ваша учётная запись", "en": "Your account"},
    ),
    "login": (
        lambda cast: reverse("accounts:login"),
        False,
        {"kk": "Кіру", "ru": "Войти", "en": "Sign in"},
    ),
    "audit-log": (
        lambda cast: reverse("audit:entry-list"),
        True,
        {"kk": "Аудит журналы", "ru": "Журнал аудита", "en": "Audit log"},
    ),
}

# English that must not show through on a kk or ru page (besides every msgid of our catalogues,
# checked as whole text nodes): sentences spread over several nodes, and Django's own strings.
KNOWN_ENGLISH = {
    "region-list": ["Schools, pupils and teachers by region", "Total", "Small-class"],
    "region-detail": ["All schools of the region", "Rural small-class schools", "KATO"],
    "school-list": ["Search by name", "Export CSV", "Language of instruction", "Sort by", "Any"],
    "school-detail": ["Name (Kazakh)", "Year last modernised", "Ownership", "People working"],
    "person-detail": ["Qualification category", "Position", "Where this person works"],
    "profile": ["API tokens", "Create token", "Token name", "For example"],
    "login": ["Password", "Forgot your password?", "E-mail"],
    "audit-log": ["Action starts with", "Audit entries", "Filter", "Changes"],
}
COMMON_ENGLISH = ["Skip to content", "Sign out", "Main menu", "one platform for the programmes"]


@pytest.fixture
def _audit_entry(cast):
    audit_record(
        actor=cast.aigerim,
        action="registry.school.updated",
        target=cast.school_a1,
        before={"pupils": 40, "internet": "none"},
        after={"pupils": 46, "internet": "basic"},
    )


def _get_page(client, cast, page: str, language: str):
    build, signed_in, _headings = PAGES[page]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if signed_in:
        User.objects.filter(pk=cast.aigerim.pk).update(language=language)
        client.force_login(User.objects.get(pk=cast.aigerim.pk))
    return client.get(build(cast))


@pytest.mark.django_db
@pytest.mark.usefixtures("_audit_entry")
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize("page", sorted(PAGES))
def test_foundation_page_renders_in_the_users_language(client, cast, page, language):
    response = _get_page(client, cast, page, language)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == language
    parsed = _parse(response.content.decode())
    assert parsed.html_lang == language
    assert PAGES[page][2][language] in parsed.headings
    if language == "en":
        return
    english = _english_msgids()
    leaked = sorted({text for text in parsed.texts if text in english})
    assert not leaked, f"English text on the {language} {page} page: {leaked}"
    visible = "\n".join(parsed.texts)
    for phrase in KNOWN_ENGLISH[page] + COMMON_ENGLISH:
        assert phrase not in visible, f"{phrase!r} is in English on the {language} {page} page"


@pytest.mark.django_db
def test_kazakh_is_the_default_for_a_visitor_without_a_choice(client):
    response = client.get(reverse("accounts:login"))
    parsed = _parse(response.content.decode())
    assert parsed.html_lang == "kk"
    assert "Кіру" in parsed.headings


@pytest.mark.django_db
def test_language_switch_is_one_click_and_sticks_to_the_account(client, cast):
    client.force_login(cast.aigerim)
    url = reverse("registry:school-list")
    assert "Мектептер" in _parse(client.get(url).content.decode()).headings
    response = client.post(reverse("accounts:language-set"), {"language": "ru", "next": url})
    assert response.status_code == 302
    assert response["Location"] == url
    parsed = _parse(client.get(url).content.decode())
    assert (parsed.html_lang, "Школы" in parsed.headings) == ("ru", True)
    cast.aigerim.refresh_from_db()
    assert cast.aigerim.language == "ru"
    client.post(reverse("accounts:language-set"), {"language": "kk", "next": url})
    assert _parse(client.get(url).content.decode()).html_lang == "kk"


@pytest.mark.django_db
def test_school_page_shows_kazakh_numbers_and_dates(client, cast):
    from shamy.registry.services.schools import school_update

    school_update(
        actor=cast.aigerim,
        school=cast.school_a2,
        changes={"pupils": 1250, "internet": "high_speed", "internet_connected_on": datetime.date(2024, 9, 2)},
    )
    client.force_login(cast.aigerim)
    url = reverse("registry:school-detail", args=[cast.school_a2.pk])
    html = client.get(url).content.decode()
    assert f"1{NBSP}250" in html
    assert "2 қыркүйек 2024 ж. бастап" in html
    User.objects.filter(pk=cast.aigerim.pk).update(language="ru")
    html = client.get(url).content.decode()
    assert f"1{NBSP}250" in html
    assert "с 2 сентября 2024 г." in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_main_menu_label_is_translated(rf, cast, language):
    """Menu entries come from every app's nav.py; none may stay in English on a kk or ru page."""
    from shamy.core.nav import nav_items

    request = rf.get("/")
    request.user = cast.aigerim
    with translation.override("en"):
        english = [str(item.label) for item in nav_items(request)]
    with translation.override(language):
        translated = [str(item.label) for item in nav_items(request)]
    assert len(english) >= 3
    untranslated = [label for label, other in zip(english, translated, strict=True) if label == other]
    assert not untranslated, f"Menu labels not translated into {language}: {untranslated}"


class _Structure(HTMLParser):
    """What a screen reader relies on: labels, table captions and header scopes, headings."""

    def __init__(self) -> None:
        super().__init__()
        self.label_for: set[str] = set()
        self.controls: list[dict[str, str | None]] = []
        self.tables = 0
        self.captions = 0
        self.th_without_scope = 0
        self.h1 = 0
        self.viewport = False
        self.skip_link = False
        self.main_id = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "label" and values.get("for"):
            self.label_for.add(values["for"] or "")
        elif tag in {"input", "select", "textarea"} and values.get("type") not in {"hidden", "submit", "button"}:
            self.controls.append(values)
        elif tag == "table":
            self.tables += 1
        elif tag == "caption":
            self.captions += 1
        elif tag == "th" and values.get("scope") not in {"col", "row", "colgroup", "rowgroup"}:
            self.th_without_scope += 1
        elif tag == "h1":
            self.h1 += 1
        elif tag == "meta" and values.get("name") == "viewport":
            self.viewport = "width=device-width" in (values.get("content") or "")
        elif tag == "a" and "skip-link" in (values.get("class") or "") and values.get("href") == "#main":
            self.skip_link = True
        elif tag == "main":
            self.main_id = values.get("id") or ""


@pytest.mark.django_db
@pytest.mark.usefixtures("_audit_entry")
@pytest.mark.parametrize("page", sorted(PAGES))
def test_foundation_page_structure_serves_screen_readers_and_phones(client, cast, page):
    html = _get_page(client, cast, page, "kk").content.decode()
    structure = _Structure()
    structure.feed(html)
    assert structure.viewport, "no responsive viewport meta"
    assert structure.skip_link and structure.main_id == "main", "no skip link to the main content"
    assert structure.h1 == 1
    assert structure.tables == structure.captions, "every table needs a caption"
    assert structure.th_without_scope == 0, "every table header needs a scope"
    unlabelled = [
        control.get("name")
        for control in structure.controls
        if not control.get("aria-label") and control.get("id") not in structure.label_for
    ]
    assert not unlabelled, f"form controls without a label: {unlabelled}"
