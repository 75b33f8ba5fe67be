"""No English on a Kazakh or Russian page (issue 11, point 6).

Every demo persona signs in, switches to Kazakh and then Russian, and walks every page of its menu
(and its start and profile pages). On each, the text a reader sees (``innerText`` of the page,
plus placeholders) is split into words; a word in Latin letters that is not a code (all capitals:
PDF, KATO, PISA), a number, an address or a name on the allow-list below is a leak, reported
with the page, the language and the sentence around it.

Text a page marks as not in its language is not counted, because it is marked: codes
(``<code>``, ``<kbd>``, ``<samp>``), ``translate="no"``, and elements whose ``lang`` differs from
the page's (a commons item written in English, the English column of a three-language table).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from e2e.world import sign_in
from shamy.accounts.models import User
from shamy.core.testing.visible_language import english_words
from shamy.fellowship.demo import FELLOWSHIP_DEMO_LOGINS
from shamy.operators.demo import OPERATOR_DEMO_LOGINS
from shamy.programmes.demo import PROGRAMME_DEMO_LOGINS
from shamy.registry.demo.loader import DEMO_LOGINS, DEMO_PASSWORD

TEXT_JS = """
() => {
  const lang = document.documentElement.lang;
  for (const el of document.querySelectorAll('code, kbd, samp, [translate=no], body [lang]')) {
    if (el.matches('[lang]') && el.getAttribute('lang') === lang) continue;
    el.textContent = ' ';  // the page is left right after: blanking what is marked is harmless
  }
  const texts = [document.body.innerText];
  for (const el of document.querySelectorAll('[placeholder]')) texts.push(el.getAttribute('placeholder'));
  return texts.join('\\n');
}
"""


def test_the_leak_finder_finds_english_and_passes_names_and_codes():
    assert english_words("Мектептер тізімі · KATO 191010 · PDF · analyst@demo.shamy.kz") == []
    assert english_words("Шекаралар: geokz, Alexander Rodionov (CC BY 4.0)") == []
    assert english_words("Күнтізбеме қосу (.ics) · Икемді дағдылар (soft skills)") == []
    assert english_words("Барлығы 12\nVersion *") == ["Version  ← 'Version *'"]
    assert english_words("Source: Shamy registry") == ["Source, registry  ← 'Source: Shamy registry'"]


@pytest.fixture
def demo(transactional_db) -> list[str]:
    from django.core.management import call_command

    from shamy.analytics.testing import seed_indicators

    seed_indicators()  # data migrations' rows are flushed by earlier transactional tests
    # 0.1 as in the phone walk: the programme demo needs four big rural schools, the operator demo its
    # Astana and Atyrau schools.
    call_command("seed_demo", scale=0.1, verbosity=0)
    call_command("seed_demo_programmes", verbosity=0)
    call_command("seed_demo_portfolios", verbosity=0)
    call_command("seed_demo_assessment", verbosity=0)
    call_command("seed_demo_operators", verbosity=0)  # the school operator's coordinator and trainer
    call_command("seed_demo_fellowship", verbosity=0)
    emails = [login.email for login in DEMO_LOGINS] + [login.email for login in PROGRAMME_DEMO_LOGINS]
    emails += [login.email for login in OPERATOR_DEMO_LOGINS] + [login.email for login in FELLOWSHIP_DEMO_LOGINS]
    present = set(User.objects.filter(email__in=emails, is_active=True).values_list("email", flat=True))
    assert len(present) >= 12, present  # the walk proves nothing without the personas
    for logins in (OPERATOR_DEMO_LOGINS, FELLOWSHIP_DEMO_LOGINS):
        wanted = {login.email for login in logins}
        assert wanted <= present, wanted - present
    return [email for email in emails if email in present]


# Pages below the menu walked too, the first link of each kind once per persona and language: the
# fellowship's cohort dashboard, its placement run and a placement's page.
FOLLOW = (
    "main a[href^='/fellowship/cohorts/']",
    "main a[href^='/fellowship/cohorts/'][href$='/placement/']",
    "main a[href^='/fellowship/cohorts/'][href$='/applications/']",
    "main a[href^='/fellowship/placements/']",
)


def _menu(page: Page) -> list[str]:
    paths = page.eval_on_selector_all(".site-nav a[href^='/']", "links => links.map(a => a.getAttribute('href'))")
    return list(dict.fromkeys(["/", "/accounts/profile/", *paths]))


def test_kazakh_and_russian_pages_show_no_english(page: Page, demo: list[str]):
    leaks: dict[str, list[str]] = {}
    visited = 0
    for email in demo:
        for language in ("kk", "ru"):
            User.objects.filter(email=email).update(language=language)
            page.context.clear_cookies()
            sign_in(page, email, DEMO_PASSWORD)
            queue, seen, followed = _menu(page), set(), set()
            while queue:
                path = queue.pop(0)
                if path in seen:
                    continue
                seen.add(path)
                response = page.goto(path)
                assert response is not None and response.status == 200, (
                    f"{email} {path}: {response and response.status}"
                )
                assert page.evaluate("document.documentElement.lang") == language
                visited += 1
                found = english_words(page.evaluate(TEXT_JS))
                if found:
                    leaks[f"{language} {email} {path}"] = found
                for selector in FOLLOW:
                    link = page.locator(selector).first
                    if selector not in followed and link.count():
                        followed.add(selector)
                        queue.append(link.get_attribute("href") or "/")
    assert visited >= 40, visited
    assert not leaks, "English on kk/ru pages:\n" + "\n".join(
        f"{where}:\n  " + "\n  ".join(lines) for where, lines in leaks.items()
    )
