"""The Content-Security-Policy is enforced in the browser, and the journeys would see a breach.

Every journey's page fixture fails on a CSP violation the browser reports (e2e/conftest.py); this
checks that such a violation is really blocked and really reported, so a green journey means
something.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect


@pytest.mark.django_db(transaction=True)
def test_inline_code_is_blocked_and_reported(page: Page):
    page.goto("/accounts/login/")
    expect(page.locator("h1")).to_be_visible()
    assert page.csp_violations == []  # type: ignore[attr-defined]
    # What an injected snippet would try: an inline script and an inline event handler.
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.injected = true";
          document.body.appendChild(script);
          document.body.insertAdjacentHTML("beforeend", '<img src="/static/none.png" onerror="window.handler = true">');
        }"""
    )
    # Both are refused by the browser, which fires a violation event for each.
    page.wait_for_function("() => window.__cspViolations >= 2")
    assert page.evaluate("() => window.injected === undefined && window.handler === undefined")
    reported = list(page.csp_violations)  # type: ignore[attr-defined]
    assert any("script-src" in text for text in reported), reported
    # Expected here: not a journey failure.
    page.csp_violations.clear()  # type: ignore[attr-defined]


@pytest.mark.django_db(transaction=True)
def test_the_login_page_sends_the_policy(page: Page):
    response = page.goto("/accounts/login/")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "camera=()" in response.headers["permissions-policy"]


@pytest.mark.django_db(transaction=True)
def test_the_api_docs_work_under_the_policy(page: Page):
    from e2e.world import sign_in
    from shamy.core.testing.cast import PASSWORD
    from shamy.core.testing.factories import UserFactory

    UserFactory(email="reader@example.kz")
    sign_in(page, "reader@example.kz", PASSWORD)
    page.goto("/api/v1/docs")
    # Swagger UI draws the API's title from the schema: its scripts ran under the policy.
    expect(page.locator("#swagger-ui .info .title")).to_contain_text("Shamy API")
