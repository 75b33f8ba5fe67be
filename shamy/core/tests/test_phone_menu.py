"""The header menu on a phone (issue 11, point 3): the markup the browser test relies on.

The menu button ships hidden and core/phone.js reveals it, so without JavaScript there is no dead
button and the links simply wrap; the button names the list it opens and says whether it is open.
The behaviour at 390 px is tested in e2e/test_phone_walk.py.
"""

from __future__ import annotations

import lxml.html
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_menu_button_controls_the_menu_and_is_hidden_until_javascript_runs(client, cast):
    client.force_login(cast.aigerim)
    html = lxml.html.fromstring(client.get(reverse("home:home")).content)
    buttons = html.xpath("//header//nav//button[contains(@class, 'nav-toggle')]")
    assert len(buttons) == 1
    button = buttons[0]
    assert button.get("type") == "button" and button.get("hidden") is not None
    assert button.get("aria-expanded") == "false"
    menu = html.get_element_by_id(button.get("aria-controls"))
    assert menu.tag == "ul" and len(menu.xpath(".//a[@href]")) >= 2
    assert "Мәзір" in button.text_content()  # Kazakh by default
    assert html.xpath("//script[contains(@src, 'core/phone.js')][@defer]")
