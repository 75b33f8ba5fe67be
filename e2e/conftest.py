"""Browser journeys: pytest-django's ``live_server`` driven by Playwright in Debian's chromium.

``make test`` runs them with the rest of the suite and ``make e2e`` runs them alone. They need
/usr/bin/chromium (``apt-get install chromium``; never ``playwright install``) and fail, not skip,
when it is missing. On failure a screenshot goes to $E2E_ARTIFACTS (default: <tmp>/shamy-e2e).
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls from a
# thread with a running loop unless told the calls are deliberate (they are: plain test set-up).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.core.servers.basehttp import ThreadedWSGIServer  # noqa: E402
from django.test.testcases import LiveServerThread  # noqa: E402
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright  # noqa: E402
from pytest_django.live_server_helper import LiveServer  # noqa: E402

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]
ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", Path(tempfile.gettempdir()) / "shamy-e2e"))
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
E2E_DIR = Path(__file__).resolve().parent

expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"report_{report.when}", report)


class _OneAtATimeApp:
    """Runs the site for one request at a time, response body included.

    On SQLite the test database lives in memory and the server threads share the test's single
    connection. Two requests using it at once (htmx sends overlapping requests when one select
    updates both the district list and the table) deadlock inside SQLite, so requests take turns.
    Connections still get a thread each: Chromium opens idle spare connections, which must not
    block the one request that matters.
    """

    def __init__(self, application: Any) -> None:
        self.application = application
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        with self.lock:
            response = self.application(environ, start_response)
            try:
                return list(response)  # streamed exports read the database while iterating
            finally:
                if hasattr(response, "close"):
                    response.close()


class _OneAtATimeServer(ThreadedWSGIServer):
    def set_app(self, application: Any) -> None:
        super().set_app(_OneAtATimeApp(application))


class _OneAtATimeThread(LiveServerThread):
    server_class = _OneAtATimeServer


class _SerialLiveServer(LiveServer):
    def __init__(self, addr: str) -> None:
        super().__init__(addr, start=False)
        threaded = self.thread
        self.thread = _OneAtATimeThread(
            threaded.host, threaded.static_handler, threaded.connections_override, threaded.port
        )
        self.thread.daemon = True
        self.start()


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    """pytest-django's ``live_server``, answering one request at a time (see :class:`_OneAtATimeApp`)."""
    server = _SerialLiveServer(os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS", "localhost"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"The browser tests need Debian's chromium at {CHROMIUM}. Install it with "
            "`sudo apt-get install chromium` (never `playwright install`), or point E2E_CHROMIUM at it.",
            pytrace=False,
        )
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


# Reports every Content-Security-Policy violation to the console, where the fixture below collects
# it (Chromium also logs "Refused to ... Content Security Policy ..." itself). Init scripts run
# outside the page's policy.
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations = (window.__cspViolations || 0) + 1;
  console.error("Content Security Policy violation: " + event.violatedDirective + " blocked "
    + (event.blockedURI || "inline code") + " on " + event.documentURI);
});
"""


def _is_csp_violation(text: str) -> bool:
    return "Content Security Policy" in text or "Content-Security-Policy" in text


def _open_page(request: pytest.FixtureRequest, browser: Browser, base_url: str, **options: object) -> Iterator[Page]:
    # A browser set up in Kazakhstan asks for Kazakh; the login page follows Accept-Language.
    context: BrowserContext = browser.new_context(
        base_url=base_url,
        accept_downloads=True,
        locale="kk-KZ",
        **options,  # type: ignore[arg-type]
    )
    context.add_init_script(_REPORT_CSP_VIOLATIONS)
    violations: list[str] = []
    page = context.new_page()
    # e2e/test_security.py reads it.
    page.csp_violations = violations  # type: ignore[attr-defined]
    page.on("console", lambda message: violations.append(message.text) if _is_csp_violation(message.text) else None)
    page.on("pageerror", lambda error: violations.append(str(error)) if _is_csp_violation(str(error)) else None)
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        target = ARTIFACTS / (re.sub(r"[^\w.-]+", "_", request.node.nodeid) + ".png")
        try:
            page.screenshot(path=str(target), full_page=True)
            print(f"\nscreenshot of the failed journey: {target}")
        except Exception as error:  # noqa: BLE001 (a failed screenshot must not hide the real failure)
            print(f"\nno screenshot: {error}")
    context.close()
    # The pages must work under the policy: a blocked script, style or image is a failure.
    if violations:
        pytest.fail("Content-Security-Policy violations in the browser:\n" + "\n".join(violations), pytrace=False)


@pytest.fixture
def page(request: pytest.FixtureRequest, browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    yield from _open_page(request, browser, live_server.url, viewport=DESKTOP)


@pytest.fixture
def phone_page(request: pytest.FixtureRequest, browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    yield from _open_page(request, browser, live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
