from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from shamy.portfolios.models import DevelopmentProject

pytestmark = pytest.mark.django_db


def test_demo_refuses_clearly_without_the_programme_demo(programme_cast):
    with pytest.raises(CommandError, match="seed_demo_programmes"):
        call_command("seed_demo_portfolios")
    assert not DevelopmentProject.objects.exists()
