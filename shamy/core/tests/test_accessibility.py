"""Accessibility of every page a signed-in user can reach: a crawler over the rendered HTML.

Signed in as each persona of the test cast (the programme personas included), it follows every
same-site link from the home page (GET only: every write in Shamy is a POST) and checks each HTML
page for what a screen reader and a keyboard need:

* ``<html lang>`` is the interface language, and there is one ``<h1>``;
* every form control has a label (``<label for>``, a wrapping ``<label>``, ``aria-label`` or
  ``aria-labelledby`` pointing at an element that exists);
* every table has a caption (or an ``aria-label``) and header cells;
* every image has an ``alt``; every link and button has a name;
* no positive ``tabindex`` (it breaks the natural focus order) and no duplicate ``id``;
* no link leads to a refusal: every page link *and* every download it offers (calendars, exports,
  PDFs, files) answers the persona who was shown it, never 403 or 404.

Colour contrast and the visible focus ring are measured in a real browser (e2e/test_accessibility.py).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest

from shamy.core.testing.cast import Cast

pytestmark = pytest.mark.django_db

FORM_CONTROLS = {"input", "select", "textarea"}
UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button", "reset", "image"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Links that are downloads, not pages: not parsed, but each one is fetched once to check that the
# persona who was shown it may open it.
NOT_PAGES = ("export=", ".ics", ".csv", ".xlsx", ".pdf", ".png", ".svg", "/files/", "/download", "/media/", "/static/")
NOT_CHECKED = ("/static/",)  # WhiteNoise's files: public, and not the app's to refuse
MAX_PAGES_PER_PERSONA = 60
MAX_DOWNLOADS_PER_PERSONA = 80


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: list[str] = field(default_factory=list)
    children_with_names: bool = False  # an <img alt> or a named element inside (for links and buttons)
    ancestors: tuple[str, ...] = ()


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[Element] = []
        self.elements: list[Element] = []
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.html_lang = ""
        self.h1 = 0
        self.tables: list[dict[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        element = Element(tag, values, ancestors=tuple(e.tag for e in self.stack))
        self.elements.append(element)
        if "id" in values:
            self.ids.append(values["id"])
        if tag == "html":
            self.html_lang = values.get("lang", "")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "label" and values.get("for"):
            self.label_for.add(values["for"])
        elif tag == "table":
            self.tables.append(
                {"caption": bool(values.get("aria-label") or values.get("aria-labelledby")), "th": False}
            )
        elif tag == "caption" and self.tables:
            self.tables[-1]["caption"] = True
        elif tag == "th" and self.tables:
            self.tables[-1]["th"] = True
        if tag == "img" and values.get("alt", "").strip():
            for open_element in self.stack:
                open_element.children_with_names = True
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if data.strip():
            for element in self.stack:
                element.text.append(data.strip())


def _parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    return parser


def _problems(parser: PageParser, language: str) -> list[str]:
    problems = []
    if parser.html_lang != language:
        problems.append(f'<html lang="{parser.html_lang}">, expected "{language}"')
    if parser.h1 != 1:
        problems.append(f"{parser.h1} <h1> elements, expected one")
    ids = set(parser.ids)
    duplicates = sorted({i for i in parser.ids if parser.ids.count(i) > 1})
    if duplicates:
        problems.append(f"duplicate ids: {duplicates}")
    for element in parser.elements:
        attrs = element.attrs
        described = f"<{element.tag} {' '.join(f'{k}={v!r}' for k, v in attrs.items())}>"[:160]
        if element.tag in FORM_CONTROLS and attrs.get("type", "text") not in UNLABELLED_INPUT_TYPES:
            labelled_by = attrs.get("aria-labelledby", "").split()
            labelled = (
                attrs.get("id", "") in parser.label_for
                or "label" in element.ancestors
                or attrs.get("aria-label", "").strip()
                or (labelled_by and all(i in ids for i in labelled_by))
            )
            if not labelled:
                problems.append(f"form control without a label: {described}")
        if element.tag == "img" and "alt" not in attrs:
            problems.append(f"image without alt: {described}")
        if element.tag in {"a", "button"} and (element.tag == "button" or "href" in attrs):
            named = element.text or element.children_with_names or attrs.get("aria-label", "").strip()
            if not named and not attrs.get("title", "").strip():
                problems.append(f"{element.tag} without a name: {described}")
        tabindex = attrs.get("tabindex", "")
        if tabindex.lstrip("-").isdigit() and int(tabindex) > 0:
            problems.append(f"positive tabindex breaks the focus order: {described}")
    for number, table in enumerate(parser.tables, start=1):
        if not table["caption"]:
            problems.append(f"table {number} has no caption or aria-label")
        if not table["th"]:
            problems.append(f"table {number} has no header cells")
    return problems


def _crawl(client, language: str = "kk") -> dict[str, list[str]]:
    """Every page reachable from the home page by GET links: {path: problems}."""
    found: dict[str, list[str]] = {}
    queue = deque(["/"])
    seen = {"/"}
    downloads: dict[str, str] = {}  # download link -> the page that offered it
    while queue and len(found) < MAX_PAGES_PER_PERSONA:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code not in (200, 301, 302):
            # A link the user was shown must lead somewhere they may go.
            found[path] = [f"linked, but answers {response.status_code}"]
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        parser = _parse(html)
        found[path] = _problems(parser, language)
        for element in parser.elements:
            href = element.attrs.get("href", "") if element.tag == "a" else ""
            target, _ = urldefrag(href)
            if not target.startswith("/") or target.startswith("//"):
                continue
            if any(part in target for part in NOT_PAGES):
                if not any(part in target for part in NOT_CHECKED):
                    downloads.setdefault(target.replace("&amp;", "&"), path)
                continue
            if element.attrs.get("download") is not None or element.attrs.get("target") == "_blank":
                continue
            target = urlsplit(target).path + (f"?{urlsplit(target).query}" if urlsplit(target).query else "")
            if target not in seen:
                seen.add(target)
                queue.append(target)
    for target, offered_on in sorted(downloads.items())[:MAX_DOWNLOADS_PER_PERSONA]:
        status = client.get(target).status_code
        if status not in (200, 301, 302):
            found.setdefault(offered_on, []).append(f"offers {target}, which answers {status}")
    return found


def _assert_accessible(pages: dict[str, list[str]], minimum: int) -> None:
    assert len(pages) >= minimum, f"the crawl reached only {len(pages)} pages: {sorted(pages)}"
    report = {path: problems for path, problems in pages.items() if problems}
    assert not report, "\n".join(f"{path}:\n  " + "\n  ".join(problems) for path, problems in report.items())


@pytest.mark.parametrize(("persona", "minimum"), [("aigerim", 35), ("dana", 25), ("kairat", 15), ("bolat", 8)])
def test_foundation_pages_are_accessible(client, cast: Cast, persona, minimum):
    client.force_login(getattr(cast, persona))
    _assert_accessible(_crawl(client), minimum)


@pytest.mark.parametrize(("persona", "minimum"), [("aliya", 35), ("timur", 10), ("talgat", 8), ("nurlan", 15)])
def test_programme_pages_are_accessible(client, programme_cast, persona, minimum):
    client.force_login(getattr(programme_cast, persona))
    _assert_accessible(_crawl(client), minimum)


def test_pages_in_russian_say_so(client, cast: Cast):
    cast.dana.language = "ru"
    cast.dana.save(update_fields=["language"])
    client.force_login(cast.dana)
    _assert_accessible(_crawl(client, language="ru"), 25)


def test_the_checker_finds_what_it_should():
    """The rules themselves: a page with every fault, and the same page without them."""
    bad = """<!doctype html><html><body><h1>A</h1><h1>B</h1>
      <input name="q"><select name="s"></select><img src="x.png"><a href="/x"></a><button></button>
      <span id="d"></span><span id="d"></span><div tabindex="2">x</div><table><tr><td>1</td></tr></table>
      </body></html>"""
    problems = "\n".join(_problems(_parse(bad), "kk"))
    for expected in (
        '<html lang="">',
        "2 <h1>",
        "duplicate ids: ['d']",
        "form control without a label: <input",
        "form control without a label: <select",
        "image without alt",
        "a without a name",
        "button without a name",
        "positive tabindex",
        "no caption",
        "no header cells",
    ):
        assert expected in problems
    good = """<!doctype html><html lang="kk"><body><h1>A</h1>
      <label for="q">Search</label><input id="q" name="q"><label>Kind <select name="s"></select></label>
      <span id="n">Name</span><input aria-labelledby="n"><img src="x.png" alt="">
      <a href="/x"><img src="y.png" alt="Home"></a><button aria-label="Close"></button>
      <table><caption>Schools</caption><tr><th scope="col">Name</th></tr></table></body></html>"""
    assert _problems(_parse(good), "kk") == []


@pytest.mark.parametrize("persona", ["saule", "olzhas", "madina", "serik", "tomiris", "erbol"])
def test_no_persona_is_shown_a_link_it_may_not_follow(client, programme_cast, persona):
    # The personas above cover the page checks; every other persona is still shown only links,
    # downloads included, that it may open (issue 12: calendars answered 404 for six roles).
    client.force_login(getattr(programme_cast, persona))
    pages = _crawl(client)
    refused = {path: [p for p in problems if "answers" in p] for path, problems in pages.items()}
    assert not {path: problems for path, problems in refused.items() if problems}
