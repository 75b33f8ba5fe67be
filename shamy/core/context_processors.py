from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import translation

from shamy.core.languages import content_fallback, covers_path, full_languages, offered_languages, partial_languages
from shamy.core.nav import nav_items


def shamy(request: HttpRequest) -> dict[str, Any]:
    # Visitors who are not signed in get the public entries too (published projects, public analytics).
    has_user = hasattr(request, "user")
    items = nav_items(request) if has_user else []
    language = translation.get_language() or ""
    if language in partial_languages():
        # A page in a partial language (Kyrgyz) links in its menu only to pages that language covers.
        items = [item for item in items if covers_path(item.url, language)]
    return {
        "nav_items": items,
        # The switcher's languages: a partial one (Kyrgyz) only on the pages it covers.
        "interface_languages": offered_languages(request) if has_user else full_languages(),
        # The web manifest is in the full languages (the app it installs spans every page).
        "manifest_language": language if language in full_languages() else content_fallback(language) or "kk",
    }
