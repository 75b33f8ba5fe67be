"""Only the summit check-in page may ask for the camera (Permissions-Policy)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_check_in_page_allows_this_site_the_camera(client, programme_cast, operator_scene):
    client.force_login(programme_cast.aliya)
    response = client.get(reverse("operators:check-in", args=[operator_scene.event.pk]))
    assert response.status_code == 200
    policy = response["Permissions-Policy"]
    assert "camera=(self)" in policy
    assert "microphone=()" in policy and "geolocation=()" in policy


def test_the_event_page_keeps_the_camera_off(client, programme_cast, operator_scene):
    client.force_login(programme_cast.aliya)
    response = client.get(reverse("operators:event-detail", args=[operator_scene.event.pk]))
    assert response.status_code == 200
    assert "camera=()" in response["Permissions-Policy"]
