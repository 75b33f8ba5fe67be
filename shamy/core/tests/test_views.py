from __future__ import annotations

import pytest
from django.urls import reverse

from shamy.core.testing.cast import PERSONAS
from shamy.core.testing.matrix import Expect, Row, matrix_test

pytestmark = pytest.mark.django_db

expect = Expect(PERSONAS)
MATRIX = [
    # The home page greets every signed-in user, with or without a role (it says whom to ask).
    Row("core:home", lambda c: reverse("core:home"), expect.everyone()),
]
test_core_view_permission_matrix = matrix_test(MATRIX, PERSONAS)


def test_home_lists_the_users_roles(client, cast):
    client.force_login(cast.kairat)
    response = client.get(reverse("core:home"))
    assert [m.role for m in response.context["memberships"]] == ["regional_analyst"]
    client.force_login(cast.olzhas)
    assert client.get(reverse("core:home")).context["memberships"] == []


def test_pages_are_compressed_for_slow_links(client, cast):
    import gzip

    client.force_login(cast.dana)
    url = reverse("registry:school-list")
    plain = client.get(url)
    compressed = client.get(url, headers={"accept-encoding": "gzip"})
    assert "Content-Encoding" not in plain
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    page = gzip.decompress(compressed.content).decode()
    assert cast.school_a1.name_kk in page
    assert len(compressed.content) < len(plain.content) / 2
