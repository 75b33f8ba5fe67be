"""Headers and caching for pages with personal data (issue 12, point 7).

A strict Content-Security-Policy and a Permissions-Policy on every page, "no-store" on every
signed-in response, DEBUG off unless set, and uploaded files never served by their path.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve, reverse

BASE_DIR = Path(__file__).resolve().parents[3]
SHAMY = BASE_DIR / "shamy"

pytestmark = pytest.mark.django_db


def _directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parts = [part.strip().split() for part in header.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


def test_a_signed_in_page_has_a_strict_content_security_policy(client, cast):
    client.force_login(cast.dana)
    response = client.get(reverse("registry:school-list"))
    assert response.status_code == 200
    policy = _directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["style-src"] == ["'self'"]
    assert set(policy["img-src"]) == {"'self'", "data:", "blob:"}
    # No page needs inline code today, so no nonce is sent and nothing unsafe is allowed.
    assert policy["script-src"] == ["'self'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_the_sign_in_page_has_the_policy_too(client):
    response = client.get(reverse("accounts:login"))
    assert _directives(response)["default-src"] == ["'self'"]
    assert "camera=()" in response["Permissions-Policy"]


def test_a_page_that_asks_for_the_nonce_gets_it_in_its_policy(rf):
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    request = rf.get("/")
    middleware = CSPMiddleware(lambda request: HttpResponse(f'<script nonce="{request.csp_nonce}"></script>'))
    response = middleware(request)
    nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in _directives(response)["script-src"]


def test_uploaded_files_keep_their_sandbox_policy(client, cast, settings, tmp_path):
    # files.file_response sets "sandbox; default-src 'none'"; the page policy must not replace it.
    from django.http import HttpResponse

    from shamy.core.middleware import SecurityHeadersMiddleware

    assert "csp.middleware.CSPMiddleware" in settings.MIDDLEWARE
    assert "shamy.core.middleware.SecurityHeadersMiddleware" in settings.MIDDLEWARE
    from csp.middleware import CSPMiddleware

    def view(request):
        response = HttpResponse(b"x")
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        return response

    request = __import__("django.test", fromlist=["RequestFactory"]).RequestFactory().get("/")
    response = CSPMiddleware(SecurityHeadersMiddleware(view))(request)
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_permissions_policy_switches_off_camera_microphone_and_location(client, cast):
    client.force_login(cast.dana)
    policy = client.get(reverse("home:home"))["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in policy


def test_signed_in_responses_are_not_stored(client, cast):
    client.force_login(cast.dana)
    for url in (reverse("home:home"), reverse("registry:school-list"), reverse("accounts:profile")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url


def test_api_responses_to_a_token_are_not_stored(client, cast):
    from shamy.accounts.services.users import api_token_create

    _token, raw = api_token_create(actor=cast.dana, name="script")
    response = client.get("/api/v1/regions", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


# --- Templates hold no inline code --------------------------------------------------------------

# Rendered only into PDFs by WeasyPrint (or into a file inside a downloaded ZIP, opened from
# disk), never sent to a browser by the app: their <style> is no page's.
PDF_TEMPLATES = {
    "portfolios/templates/portfolios/portfolio_export.html",
    "credentials/templates/credentials/certificate_pdf.html",
    "portfolios/templates/portfolios/poster.html",
    "portfolios/templates/portfolios/text_document.html",
    "operators/templates/operators/ticket_pdf.html",
    "results/templates/results/report_pdf.html",
    "analytics/templates/analytics/brief.html",
}
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I),
    "event handler attribute": re.compile(r"<[^>]+\son[a-z]+\s*=", re.I),
    "style attribute": re.compile(r"<[^>]+\sstyle\s*=", re.I),
    "style element": re.compile(r"<style[\s>]", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def _page_templates() -> list[Path]:
    found = []
    for path in sorted(SHAMY.glob("*/templates/**/*")):
        if path.suffix in {".html", ".svg"} and str(path.relative_to(SHAMY)) not in PDF_TEMPLATES:
            found.append(path)
    return found


def test_the_pdf_template_list_is_current():
    for name in PDF_TEMPLATES:
        assert (SHAMY / name).exists(), name


@pytest.mark.parametrize("kind", sorted(INLINE))
def test_no_page_template_holds_inline_code(kind):
    templates = _page_templates()
    assert len(templates) > 100
    offenders = [str(path.relative_to(SHAMY)) for path in templates if INLINE[kind].search(path.read_text())]
    assert offenders == [], f"{kind} (forbidden by the Content-Security-Policy) in {offenders}"


# --- DEBUG off unless set; media never served by path -------------------------------------------

PROBE = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


def _settings_probe(**environment: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    env.update({"DJANGO_SETTINGS_MODULE": "shamy.settings", "SHAMY_VAR_DIR": str(BASE_DIR / "var"), **environment})
    return subprocess.run(  # noqa: S603 (this interpreter and a constant script)
        [sys.executable, "-c", PROBE], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def test_debug_is_off_unless_set():
    result = _settings_probe(SECRET_KEY="x" * 40, ALLOWED_HOSTS="shamy.example.kz")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_without_configuration_the_settings_refuse_to_start_and_say_how():
    result = _settings_probe()
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "DEBUG=1" in result.stderr


def test_debug_on_when_set():
    result = _settings_probe(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True"


def test_the_make_targets_run_in_development_mode():
    makefile = (BASE_DIR / "Makefile").read_text()
    assert re.search(r"^export DEBUG \?= 1$", makefile, re.M)


MEDIA_PROBE = """
import django; django.setup()
from django.urls import Resolver404, resolve
try:
    match = resolve("/media/evidence/someone-elses.jpg")
    print("served by", match.func.__module__)
except Resolver404:
    print("not found")
"""


def test_media_is_never_served_by_its_path_even_in_development():
    # A fresh interpreter in development mode (DEBUG=1), as `make run` starts it.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "shamy.settings", "DEBUG": "1"}
    env["SHAMY_VAR_DIR"] = str(BASE_DIR / "var")
    result = subprocess.run(  # noqa: S603 (this interpreter and a constant script)
        [sys.executable, "-c", MEDIA_PROBE], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "not found"


def test_a_signed_in_user_cannot_fetch_an_upload_by_its_path(client, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "someone-elses.jpg").write_bytes(b"\xff\xd8\xff private photo")
    with pytest.raises(Resolver404):
        resolve("/media/evidence/someone-elses.jpg")
    client.force_login(cast.olzhas)
    response = client.get("/media/evidence/someone-elses.jpg")
    assert response.status_code == 404
    assert b"private photo" not in response.content
