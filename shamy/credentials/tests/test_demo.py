from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from shamy.credentials.models import Certificate

pytestmark = pytest.mark.django_db


def test_demo_refuses_clearly_without_the_earlier_demos(programme_cast):
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_demo_assessment")
    assert not Certificate.objects.exists()
