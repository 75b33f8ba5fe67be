from __future__ import annotations

import pytest
from django.urls import reverse

from shamy.core.testing.cast import PERSONAS

pytestmark = pytest.mark.django_db

# (url builder, {persona: expected status}). 302 = sent to the sign-in page.
MATRIX = {
    # The home page greets every signed-in user, with or without a role (it says whom to ask).
    "home:home": (lambda c: reverse("home:home"), {**dict.fromkeys(PERSONAS, 200), "anonymous": 302}),
}


@pytest.mark.parametrize("url_name", sorted(MATRIX))
@pytest.mark.parametrize("persona", PERSONAS)
def test_home_view_permission_matrix(client, cast, url_name, persona):
    build, expected = MATRIX[url_name]
    user = cast.user(persona)
    if user is not None:
        client.force_login(user)
    response = client.get(build(cast))
    assert response.status_code == expected[persona]
    if expected[persona] == 302:
        assert reverse("accounts:login") in response["Location"]


def test_home_lists_the_users_roles(client, cast):
    client.force_login(cast.kairat)
    response = client.get(reverse("home:home"))
    assert [m.role for m in response.context["memberships"]] == ["regional_analyst"]
    client.force_login(cast.olzhas)
    assert client.get(reverse("home:home")).context["memberships"] == []
