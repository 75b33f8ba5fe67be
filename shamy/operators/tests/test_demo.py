import pytest
from django.core.management import CommandError, call_command

from shamy.core.testing.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def test_seed_refuses_without_the_registry_demo(settings):
    settings.SHAMY_DEMO_ALLOWED = True
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_demo_operators")


def test_seed_refuses_a_database_with_real_schools(settings):
    settings.SHAMY_DEMO_ALLOWED = True
    SchoolFactory(is_demo=False)
    with pytest.raises(CommandError, match="real data"):
        call_command("seed_demo_operators")


def test_demo_logins_without_demo_data_says_what_to_run(capsys):
    call_command("demo_logins_operators")
    assert "seed_demo_operators" in capsys.readouterr().out
