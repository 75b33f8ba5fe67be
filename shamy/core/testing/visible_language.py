"""Finding English a reader should not see: the leak finder of the visible-language tests.

Shared by the browser walk (``e2e/test_visible_language.py``: every demo persona's pages in kk and
ru) and the Kyrgyz commons pages' test (``shamy/commons/tests/test_kyrgyz.py``). A word in Latin
letters that is not a code (all capitals: PDF, KATO, PISA), a number, an address or a name on the
allow-list below is a leak.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Proper names and product names written in Latin letters in every language, and the language
# codes (kk, ru, en) where a code is what is meant.
ALLOWED = {
    "English",  # the language switcher names each language in itself (its endonym)
    "kk",
    "ru",
    "en",
    "Atom",  # the feed format
    "Windows",  # "Windows-1251", an encoding's name
    "Shamy",
    "HertsCam",
    "Moodle",
    "Mahara",
    "DHIS2",
    "Open",
    "Badges",  # "Open Badges", the standard's name
    "Excel",
    "CSV",
    "XLSX",
    "geokz",
    "Alexander",
    "Rodionov",
    "OCHA",
    "HDX",
    "COD-AB",
    "CC",
    "BY",
    "iCalendar",
    "Google",
    "Outlook",
    "Swagger",
    "Bearer",
    "JSON",
    "OpenAPI",
    "GeoJSON",
    "QR",
    "eddsa-rdfc-2022",
    "Ed25519",
}

# Whole names whose words are not English prose: a licence's title, a term glossed in brackets.
ALLOWED_PHRASES = (
    "Open Data Commons Public Domain Dedication and License",
    "(soft skills)",
)

WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
SKIP_TOKEN = re.compile(r"\S*(@|://|www\.|\.kz|\.org|\.com|/)\S*|\.[a-z]+\b")  # e-mails, addresses, paths, .ics


def english_words(text: str) -> list[str]:
    """Lines holding Latin-letter words that are neither codes nor allowed names."""
    found = []
    for line in text.splitlines():
        cleaned = line
        for phrase in ALLOWED_PHRASES:
            cleaned = cleaned.replace(phrase, " ")
        cleaned = SKIP_TOKEN.sub(" ", cleaned)
        words = [word for word in WORD.findall(cleaned) if word not in ALLOWED and not word.isupper() and len(word) > 1]
        if words:
            found.append(f"{', '.join(words)}  ← {line.strip()[:120]!r}")
    return found


class _VisibleText(HTMLParser):
    """The text a reader sees, without what a page marks as another language or as code (as the
    browser walk of ``e2e/test_visible_language.py`` reads it), and the page's own ``lang``."""

    SKIPPED = {"script", "style", "code", "kbd", "samp", "title"}
    VOID = {"meta", "link", "input", "br", "img", "hr"}

    def __init__(self) -> None:
        super().__init__()
        self.language = ""
        self.stack: list[bool] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.language = values.get("lang") or ""
            return
        if tag in self.VOID:
            if tag == "input" and values.get("placeholder"):
                self.parts.append(values["placeholder"] or "")
            return
        marked = tag in self.SKIPPED or ("lang" in values and values["lang"] != self.language)
        marked = marked or values.get("translate") == "no"
        self.stack.append(marked or (bool(self.stack) and self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and tag != "html" and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]) and data.strip():
            self.parts.append(data.strip())


def read_visible_text(html: str) -> tuple[str, str]:
    """A page's ``lang`` and the text it shows in that language, one piece a line."""
    parser = _VisibleText()
    parser.feed(html)
    return parser.language, "\n".join(parser.parts)
