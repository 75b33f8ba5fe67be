"""Issue 10, point 3: a parity index is read by its indicator's direction."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation

from shamy.analytics.parity import adjusted_parity_index
from shamy.analytics.reading import favoured, parity_reading
from shamy.core.testing.factories import DistrictFactory, SchoolFactory
from shamy.registry.models import Internet, Locality


def test_pupils_per_teacher_rural_lower_favours_rural():
    parity = adjusted_parity_index(8.2, 14.1)  # rural 8.2 pupils per teacher, urban 14.1
    assert parity == pytest.approx(0.5816, abs=1e-4)
    assert favoured(parity, "higher_worse") == "rural"
    assert favoured(parity, "higher_better") == "urban"


def test_small_class_share_above_one_favours_urban():
    assert favoured(1.98, "higher_worse") == "urban"
    assert favoured(1.98, "higher_better") == "rural"
    assert favoured(1.0, "higher_worse") == "neither"
    assert favoured(None, "higher_better") is None
    with translation.override("en"):
        assert parity_reading(1.98, "higher_worse") == "favours urban schools"
        assert parity_reading(0.5, "higher_better") == "favours urban schools"
        assert parity_reading(0.5, "higher_worse") == "favours rural schools"
        assert parity_reading(None, "higher_worse") == ""


@pytest.mark.django_db
def test_pages_and_exports_word_parity_by_direction(client, cast):
    """Rural schools with few pupils per teacher: the parity is below 1, and because more pupils
    per teacher is worse, that favours rural schools; for internet (more is better) rural schools
    without it: below 1 favours urban schools."""
    district = DistrictFactory(region=cast.region_a)
    for _ in range(3):
        SchoolFactory(region=cast.region_a, district=district, locality=Locality.RURAL, pupils=82, teachers=10)
        SchoolFactory(
            region=cast.region_a,
            district=district,
            locality=Locality.URBAN,
            pupils=1410,
            teachers=100,
            internet=Internet.HIGH_SPEED,
        )
    client.force_login(cast.aigerim)
    for code, expected in (("pupils_per_teacher", "rural"), ("high_speed_internet_share", "urban")):
        response = client.get(reverse("analytics:dashboard"), {"indicator": code})
        with translation.override(response["Content-Language"]):
            board = response.context["board"]
            parity = board.table.national.parity
            assert parity is not None and parity < 1, code
            assert favoured(parity, board.indicator.direction) == expected
            html = response.content.decode()
            assert f"({parity_reading(parity, board.indicator.direction)})" in html
            export = client.get(reverse("analytics:export", args=["table", "csv"]), {"indicator": code})
            rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
            total = rows[-1]
            assert total[13] == parity_reading(parity, board.indicator.direction)
