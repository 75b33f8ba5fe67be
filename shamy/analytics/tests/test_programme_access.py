"""Programme coordinators and observers see aggregates for their own programmes only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shamy.programmes.testing import build_programme_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme_cast(cast):
    return build_programme_cast(cast)


@pytest.mark.parametrize("persona", ["aliya", "nurlan"])
def test_coordinator_and_observer_see_their_programme_coverage(client, programme_cast, persona):
    client.force_login(getattr(programme_cast, persona))
    response = client.get(reverse("analytics:dashboard"), {"indicator": "programme_schools"})
    assert response.status_code == 200
    board = response.context["board"]
    assert board.filters.programme == programme_cast.programme.pk
    # Programme P reaches school A1 (region A) and school B1 (region B); Q's school A2 is not counted.
    assert board.table.national.total.value == 2
    choices = [value for value, _label in response.context["form"].fields["programme"].choices]
    assert choices == [programme_cast.programme.pk]


def test_coordinator_cannot_switch_to_another_programme(client, programme_cast):
    client.force_login(programme_cast.aliya)
    response = client.get(
        reverse("analytics:dashboard"),
        {"indicator": "programme_schools", "programme": programme_cast.other_programme.pk},
    )
    assert response.context["board"].filters.programme == programme_cast.programme.pk


def test_national_analyst_filters_any_programme(client, programme_cast):
    client.force_login(programme_cast.dana)
    everything = client.get(reverse("analytics:dashboard"), {"indicator": "programme_schools"})
    assert everything.context["board"].table.national.total.value == 3  # A1, B1 (P) and A2 (Q)
    other = client.get(
        reverse("analytics:dashboard"),
        {"indicator": "programme_schools", "programme": programme_cast.other_programme.pk},
    )
    assert other.context["board"].table.national.total.value == 1


@pytest.mark.parametrize("persona", ["timur", "talgat", "serik", "madina"])
def test_other_programme_roles_see_no_aggregates(client, programme_cast, persona):
    client.force_login(getattr(programme_cast, persona))
    assert client.get(reverse("analytics:dashboard")).status_code == 403


def test_need_ranking_flags_places_the_programme_does_not_reach(client, programme_cast):
    client.force_login(programme_cast.erbol)  # coordinator of Q, which reaches only school A2 (region A)
    response = client.get(reverse("analytics:need"))
    flags = {item.place.kato: item.unreached for item in response.context["ranked"]}
    assert flags == {"19": False, "47": True}
