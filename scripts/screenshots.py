"""Screenshots for the README: each persona's home page and the analytics map, on a desktop and a phone.

Run against a server holding the demo data (``make demo`` in another terminal):

    .venv/bin/python scripts/screenshots.py [--base-url http://127.0.0.1:8000] [--out docs/screenshots]

It drives Debian's Chromium through Playwright (``/usr/bin/chromium``; never ``playwright install``),
signs in as each demo persona, and writes PNG files named ``<shot>-<width>.png``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

PASSWORD = "shamy-demo-2026"  # noqa: S105 (the documented demo password)
# (file name, persona e-mail, path); each persona sees its account's language (Kazakh in the demo)
SHOTS = (
    ("home-teacher", "teacher@demo.shamy.kz", "/"),
    ("home-facilitator", "facilitator@demo.shamy.kz", "/"),
    ("home-coordinator", "coordinator@demo.shamy.kz", "/"),
    ("home-analyst", "analyst@demo.shamy.kz", "/"),
    ("home-admin", "admin@demo.shamy.kz", "/"),
    ("map-parity", "analyst@demo.shamy.kz", "/analytics/?indicator=high_speed_internet_share&measure=parity"),
    ("largest-gaps", "analyst@demo.shamy.kz", "/analytics/gaps/"),
)
SIZES = ((1366, 900), (390, 844))


def sign_in(page: Page, base_url: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector(".nav-user")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="docs/screenshots", type=Path)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    base_url = args.base_url.rstrip("/")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-background-networking"]
        )
        for width, height in SIZES:
            context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
            page = context.new_page()
            for name, email, path in SHOTS:
                sign_in(page, base_url, email)
                page.goto(f"{base_url}{path}")
                page.wait_for_load_state("networkidle")
                target = args.out / f"{name}-{width}.png"
                page.screenshot(path=str(target), full_page=width < 1000 and name.startswith("home"))
                print(target)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
