"""The data the journeys run against, and small helpers shared by them."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from shamy.core.testing.cast import PASSWORD, Cast, build_cast
from shamy.core.testing.factories import DistrictFactory, SchoolFactory
from shamy.registry.models import Locality, Region, School


@dataclass
class World:
    cast: Cast
    analyst_email: str
    analyst_password: str
    region: Region

    def rural_small_class_ids(self) -> set[int]:
        return set(
            School.objects.filter(region=self.region, locality=Locality.RURAL, is_small_class=True).values_list(
                "pk", flat=True
            )
        )


def build_world() -> World:
    """The fixed cast plus enough schools that each school-list filter has something to exclude."""
    cast = build_cast()
    other_district = DistrictFactory(region=cast.region_a, name_kk="Талғар ауданы", name_ru="Талгарский район")
    # Rural small-class schools in region A: the journey's answer (with the cast's school A1).
    SchoolFactory.create_batch(2, region=cast.region_a, locality=Locality.RURAL, is_small_class=True, pupils=35)
    SchoolFactory(
        region=cast.region_a, district=other_district, locality=Locality.RURAL, is_small_class=True, pupils=22
    )
    # Near misses: rural but not small-class, urban small-class, and the same kind in another region.
    SchoolFactory.create_batch(2, region=cast.region_a, locality=Locality.RURAL, is_small_class=False, pupils=420)
    SchoolFactory(region=cast.region_a, locality=Locality.URBAN, is_small_class=True, pupils=90)
    SchoolFactory.create_batch(2, region=cast.region_b, locality=Locality.RURAL, is_small_class=True, pupils=40)
    return World(cast=cast, analyst_email=cast.dana.email, analyst_password=PASSWORD, region=cast.region_a)


def translated(language: str, message: str) -> str:
    """``message`` as the UI shows it in ``language``; refuses to run on uncompiled catalogues."""
    with translation.override(language):
        text = gettext(message)
    assert text != message or language == "en", (
        f"no {language} translation of {message!r}: run `manage.py compiletranslations` (make test does)"
    )
    return text


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".nav-user")).to_be_visible()
