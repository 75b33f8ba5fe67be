"""The data the journeys run against, and helpers shared by them.

``build_demo_world`` loads the demo at a tiny scale and signs in with the published demo logins (the
registry journeys); ``build_world`` is the fixed test cast plus a few schools, for journeys that need
the cast's personas (analytics).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from shamy.access.roles import Role
from shamy.accounts.models import User
from shamy.core.testing.cast import PASSWORD, Cast, build_cast
from shamy.core.testing.factories import DistrictFactory, SchoolFactory
from shamy.registry.demo.loader import DEMO_LOGINS, DEMO_PASSWORD
from shamy.registry.models import District, Locality, Region, School

DEMO_SCALE = 0.02  # about 150 schools and 7,000 people: every region, both localities


@dataclass
class DemoWorld:
    analyst: User  # the demo ministry analyst: the whole country
    admin: User  # the demo system administrator: may import
    password: str
    region: Region  # the region with the most rural small-class schools
    district: District  # one of its districts

    def rural_small_class_ids(self) -> set[int]:
        return set(
            School.objects.filter(region=self.region, locality=Locality.RURAL, is_small_class=True).values_list(
                "pk", flat=True
            )
        )


def _demo_user(role: str) -> User:
    return User.objects.get(email=next(login.email for login in DEMO_LOGINS if login.role == role))


def build_demo_world() -> DemoWorld:
    """Loads the demo at DEMO_SCALE and picks a region where every school-list filter excludes something."""
    call_command("seed_demo", scale=DEMO_SCALE, verbosity=0)
    rural_small = Q(schools__locality=Locality.RURAL, schools__is_small_class=True)
    region = (
        Region.objects.annotate(rural_small=Count("schools", filter=rural_small), schools_count=Count("schools"))
        .filter(rural_small__gte=2)
        .order_by("-rural_small", "kato")
        .first()
    )
    assert region is not None, "the demo has no region with two rural small-class schools"
    in_region = School.objects.filter(region=region)
    # The filter must have something to leave out on each side, and fit on one page.
    assert in_region.exclude(locality=Locality.RURAL, is_small_class=True).exists()
    assert School.objects.exclude(region=region).filter(locality=Locality.RURAL, is_small_class=True).exists()
    assert region.rural_small <= 50  # type: ignore[attr-defined]
    district = District.objects.filter(region=region).order_by("kato").first()
    assert district is not None
    return DemoWorld(
        analyst=_demo_user(Role.MINISTRY_ANALYST),
        admin=_demo_user(Role.SYSTEM_ADMIN),
        password=DEMO_PASSWORD,
        region=region,
        district=district,
    )


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
