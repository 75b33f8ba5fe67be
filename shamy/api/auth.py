from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from ninja.security import HttpBearer

from shamy.accounts.services.users import api_token_authenticate


class TokenAuth(HttpBearer):
    """``Authorization: Bearer shamy_…`` with a token created on the account page.

    Like the web interface, the API answers in the account's language (error messages).
    """

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is None:
            return None
        request.user = user
        if user.language in dict(settings.LANGUAGES):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return user
