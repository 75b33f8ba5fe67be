"""What only a browser can measure: colour contrast of the text as rendered, and a visible focus.

The structure of every page (labels, captions, names, language) is checked without a browser in
shamy/core/tests/test_accessibility.py.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from e2e.world import DemoWorld, build_demo_world, sign_in

# For every visible element holding text of its own: its colour, the colour actually behind it
# (the first ancestor with an opaque enough background), its size and weight, and the contrast
# ratio between the two (WCAG 2.1, relative luminance).
CONTRAST_JS = """
() => {
  const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(',').map(s => parseFloat(s));
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const blend = (top, under) => ({r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a),
                                  b: top.b * top.a + under.b * (1 - top.a), a: 1});
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    let colour = {r: 255, g: 255, b: 255, a: 1};
    for (const layer of layers.reverse()) colour = blend(layer, colour);
    return colour;
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (style.visibility === 'hidden' || style.display === 'none' || box.width <= 1 || box.height <= 1) continue;
    if (el.closest('.visually-hidden, svg, [aria-hidden=true]')) continue;
    if (box.right < 0 || box.bottom < 0) continue;  // moved off screen until focused (the skip link)
    const fg = blend(parse(style.color), background(el));
    const bg = background(el);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    out.push({text: el.textContent.trim().slice(0, 40), tag: el.tagName, cls: el.className,
              ratio: (hi + 0.05) / (lo + 0.05), needed: large ? 3 : 4.5});
  }
  return out;
}
"""


@pytest.fixture
def world(transactional_db) -> DemoWorld:
    from shamy.analytics.testing import seed_indicators

    seed_indicators()  # data migrations' rows are flushed by earlier transactional tests
    return build_demo_world()


def _low_contrast(page: Page) -> list[str]:
    items = page.evaluate(CONTRAST_JS)
    assert len(items) >= 8, "the page showed almost no text: the check would prove nothing"
    return [
        f"{item['tag']}.{item['cls']} {item['text']!r}: {item['ratio']:.2f}:1 < {item['needed']}:1"
        for item in items
        if item["ratio"] < item["needed"]
    ]


def test_text_contrast_meets_wcag_aa_on_the_main_pages(page: Page, world: DemoWorld):
    page.goto("/accounts/login/")
    failures = {"/accounts/login/": _low_contrast(page)}
    sign_in(page, world.analyst.email, world.password)
    for path in (
        "/",
        "/registry/regions/",
        f"/registry/regions/{world.region.pk}/",
        "/registry/schools/?locality=rural&small_class=1",
        "/analytics/",
        "/accounts/profile/",
    ):
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
        failures[path] = _low_contrast(page)
    report = {path: items for path, items in failures.items() if items}
    assert not report, "\n".join(f"{path}:\n  " + "\n  ".join(items) for path, items in report.items())


def test_keyboard_focus_starts_at_the_skip_link_and_stays_visible(page: Page, world: DemoWorld):
    sign_in(page, world.analyst.email, world.password)
    page.goto("/registry/schools/")
    page.keyboard.press("Tab")
    first = page.evaluate(
        "() => { const e = document.activeElement; const s = getComputedStyle(e); const b = e.getBoundingClientRect();"
        " return {cls: e.className, href: e.getAttribute('href'), outline: s.outlineStyle, left: b.left}; }"
    )
    assert first["cls"] == "skip-link" and first["href"] == "#main"
    assert first["outline"] != "none" and first["left"] >= 0  # on screen once focused
    for _ in range(12):  # the menu, the language buttons, the filters: every stop shows where it is
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement; const s = getComputedStyle(e);"
            " return {tag: e.tagName, name: e.getAttribute('name') || e.textContent.trim().slice(0, 30),"
            " outline: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }"
        )
        assert focused["tag"] != "BODY", "focus fell off the page"
        assert focused["outline"] != "none" and focused["width"] >= 2, f"no visible focus on {focused}"


KAZAKH_LETTERS = re.compile("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")


def test_kazakh_letters_on_buttons_are_drawn_in_the_pages_font(phone_page: Page, transactional_db):
    """A browser gives controls its own font (Chromium on Linux: Liberation Sans, which has no ә ғ қ ң
    ө ұ ү һ і): the language buttons drew "Қазақ" in two fonts, the letters it lacks in a fallback.
    Chromium reports which installed fonts drew each element's text."""
    phone_page.goto("/accounts/password-reset/")  # a Kazakh browser: the page is in Kazakh
    assert phone_page.evaluate("document.documentElement.lang") == "kk"
    cdp = phone_page.context.new_cdp_session(phone_page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    drawn: dict[str, set[str]] = {}
    for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "h1, p, label, button"})["nodeIds"]:
        html = cdp.send("DOM.getOuterHTML", {"nodeId": node})["outerHTML"]
        if KAZAKH_LETTERS.search(re.sub(r"<[^>]*>", "", html)):
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
            drawn[html[:80]] = {font["familyName"] for font in fonts}
    assert sum(html.startswith("<button") for html in drawn) >= 2, drawn  # the language buttons and "send"
    assert len(set().union(*drawn.values())) == 1, drawn  # one font for the whole page
