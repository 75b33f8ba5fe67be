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


def test_the_demo_loads_at_a_small_scale(settings):
    """At ``seed_demo --scale 0.05`` the registry demo gives the operator no school it still runs in
    Astana: the operator demo takes one on instead of stopping, and its logins work there."""
    from shamy.accounts.models import User
    from shamy.operators.demo import OPERATOR_DEMO_LOGINS, operator_demo_load
    from shamy.operators.models import OperatorAgreement, Trainer
    from shamy.registry.demo.loader import demo_load

    settings.SHAMY_DEMO_ALLOWED = True
    demo_load(scale=0.05)
    summary = operator_demo_load()
    assert not summary.already_loaded
    open_in_astana = OperatorAgreement.objects.filter(school__region__kato="71", handed_over_on__isnull=True)
    assert open_in_astana.exists()
    assert summary.counts["sessions"] > 0 and summary.counts["registrations"] > 0
    assert set(Trainer.objects.values_list("generation", flat=True)) == {0, 1, 2}
    emails = [login.email for login in OPERATOR_DEMO_LOGINS]
    assert User.objects.filter(email__in=emails).count() == len(emails)
    teacher = User.objects.get(email=OPERATOR_DEMO_LOGINS[2].email)
    assert teacher.person.employments.filter(school__in=open_in_astana.values("school")).exists()
    assert operator_demo_load().already_loaded
