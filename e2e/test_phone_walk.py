"""Phone first (issue 11, point 3): every menu page of every demo persona, at 390 x 844.

Each persona signs in on a phone-sized screen, opens the menu (the header folds its links behind a
"Menu" button), and visits the home page and every page the menu links to. On each page neither the
page itself nor any box inside it may need sideways scrolling: the document is no wider than the
screen, and no element with ``overflow-x: auto | scroll`` holds content more than 1.5 times its own
width. All failures of all personas are reported together.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from e2e.conftest import DESKTOP
from shamy.fellowship.demo import FELLOWSHIP_DEMO_LOGINS
from shamy.operators.demo import OPERATOR_DEMO_LOGINS
from shamy.programmes.demo import PROGRAMME_DEMO_LOGINS
from shamy.registry.demo.loader import DEMO_LOGINS, DEMO_PASSWORD

# The programme demo needs four rural schools with 14+ teachers in each pilot region (0.1 is enough);
# the fellowship demo takes the largest rural schools there are at any scale.
PHONE_SCALE = 0.1

# Boxes allowed to pan sideways on purpose, as CSS selectors. None today: the analytics map is an
# SVG scaled to the screen's width, so it does not pan.
PANNING_EXEMPT: tuple[str, ...] = ()

# Pages one step below the menu that the issue found too wide (the project board's stages, the
# programme overview, the session list, the hours table): from any menu page, the first link
# matching each selector is followed once per persona.
DEEPER = (
    "main a[href*='/portfolios/cohorts/'][href*='/board/']",
    "main a[href*='/portfolios/programmes/'][href$='/overview/']",
    "main a[href*='/portfolios/programmes/'][href$='/support/']",
    "main a[href^='/programmes/'][href$='/']:not([href='/programmes/'])",
    "main a[href*='/attendance/programmes/'][href$='/report/']",
    "main a[href^='/attendance/gatherings/']",
    "main tr:last-child a[href^='/fellowship/cohorts/']",  # the cohort recruiting now: it has applications
    "main a[href^='/fellowship/cohorts/'][href$='/applications/']",
    "main a[href^='/fellowship/cohorts/'][href$='/placement/']",
    "main a[href^='/fellowship/placements/']",
    "main a[href^='/fellowship/applications/']",
)

SIDEWAYS_JS = """
(exempt) => {
  // Not window.innerWidth: on a mobile viewport the browser widens the layout viewport to fit
  // content wider than the screen, so innerWidth grew with the overflow and hid it (a 900 px box
  // gave innerWidth 912). The document element's clientWidth stays the screen's width.
  const page = {scrollWidth: document.documentElement.scrollWidth, innerWidth: document.documentElement.clientWidth};
  const boxes = [];
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (!['auto', 'scroll'].includes(style.overflowX) || el.clientWidth === 0) continue;
    if (exempt.some((selector) => el.closest(selector))) continue;
    if (el.scrollWidth > 1.5 * el.clientWidth) {
      const name = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`;
      boxes.push(`${name} ${el.scrollWidth}px in ${el.clientWidth}px`);
    }
  }
  return {page, boxes};
}
"""


def _personas() -> list[str]:
    emails = [login.email for login in DEMO_LOGINS]
    emails += [login.email for login in PROGRAMME_DEMO_LOGINS]
    emails += [login.email for login in OPERATOR_DEMO_LOGINS]
    emails += [login.email for login in FELLOWSHIP_DEMO_LOGINS]
    return list(dict.fromkeys(emails))


@pytest.fixture
def demo(transactional_db) -> list[str]:
    from shamy.analytics.testing import seed_indicators

    seed_indicators()  # data migrations' rows are flushed by earlier transactional tests
    call_command("seed_demo", scale=PHONE_SCALE, verbosity=0)
    for command in (
        "seed_demo_programmes",
        "seed_demo_portfolios",
        "seed_demo_assessment",
        "seed_demo_operators",
        "seed_demo_surveys",
        "seed_demo_results",
        "seed_demo_commons",
        "seed_demo_fellowship",
    ):
        call_command(command, verbosity=0)
    return _personas()


def _sign_in(page: Page, email: str) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".nav-user")).to_be_visible()


def _sideways(page: Page) -> list[str]:
    found = page.evaluate(SIDEWAYS_JS, list(PANNING_EXEMPT))
    problems = list(found["boxes"])
    width, screen = found["page"]["scrollWidth"], found["page"]["innerWidth"]
    if width > screen:
        problems.insert(0, f"the page is {width}px wide on a {screen}px screen")
    return problems


def test_no_menu_page_of_any_persona_scrolls_sideways_on_a_phone(phone_page: Page, demo: list[str]):
    """One test, so the demo loads once: the walk, then the menu button by keyboard, then a desktop."""
    page = phone_page
    failures: dict[str, list[str]] = {}
    visited = 0
    reached: set[str] = set()
    for email in demo:
        _sign_in(page, email)
        toggle = page.locator(".nav-toggle")
        menu = page.locator("#site-menu")
        if not menu.count():  # a persona without menu entries still has a home page
            paths = ["/"]
        else:
            # The links are folded away until the button opens them.
            expect(toggle).to_be_visible()
            expect(toggle).to_have_attribute("aria-expanded", "false")
            expect(menu).to_be_hidden()
            toggle.click()
            expect(toggle).to_have_attribute("aria-expanded", "true")
            expect(menu).to_be_visible()
            paths = ["/", *menu.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")]
        followed: set[str] = set()
        queue = list(dict.fromkeys(paths))
        seen: set[str] = set()
        while queue:
            path = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            response = page.goto(path)
            assert response is not None and response.status == 200, f"{email} {path}: {response and response.status}"
            visited += 1
            problems = _sideways(page)
            if problems:
                failures[f"{email} {path}"] = problems
            for selector in DEEPER:
                link = page.locator(selector).first
                if selector not in followed and link.count():
                    followed.add(selector)
                    queue.append(link.get_attribute("href") or "/")
        reached |= followed
    assert visited >= len(demo) * 2, f"only {visited} pages visited: the walk proves little"
    assert reached == set(DEEPER), f"never reached: {set(DEEPER) - reached}"
    assert not failures, f"{len(failures)} of {visited} pages scroll sideways:\n" + "\n".join(
        f"{where}:\n  " + "\n  ".join(problems) for where, problems in failures.items()
    )

    # The menu button works by keyboard: Enter opens it, Tab reaches the links, Escape closes it
    # and gives the focus back to the button.
    _sign_in(page, "coordinator@demo.shamy.kz")
    toggle = page.locator(".nav-toggle")
    menu = page.locator("#site-menu")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu).to_be_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('#site-menu') !== null")
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()
    assert page.evaluate("() => document.activeElement.classList.contains('nav-toggle')")

    # On a desktop the menu is a row of links and the button is gone.
    page.set_viewport_size(DESKTOP)
    expect(toggle).to_be_hidden()
    expect(menu).to_be_visible()
