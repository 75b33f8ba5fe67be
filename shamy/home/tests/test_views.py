from __future__ import annotations

import pytest
from django.urls import reverse

from shamy.core.testing.cast import PERSONAS
from shamy.core.testing.fuzz import query_fuzz_test
from shamy.core.testing.matrix import Expect, Row, matrix_test

pytestmark = pytest.mark.django_db

expect = Expect(PERSONAS)
MATRIX = [
    # The home page greets every signed-in user, with or without a role (it says whom to ask).
    Row("home:home", lambda c: reverse("home:home"), expect.everyone()),
]
test_home_view_permission_matrix = matrix_test(MATRIX, PERSONAS)
test_home_query_parameters = query_fuzz_test(MATRIX, PERSONAS)


def test_home_lists_the_users_roles(client, cast):
    client.force_login(cast.kairat)
    response = client.get(reverse("home:home"))
    assert [m.role for m in response.context["memberships"]] == ["regional_analyst"]
    client.force_login(cast.olzhas)
    assert client.get(reverse("home:home")).context["memberships"] == []
