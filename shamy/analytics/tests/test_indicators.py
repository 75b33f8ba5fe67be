from __future__ import annotations

import datetime

import pytest

from shamy.access.context import AnalyticsScope
from shamy.analytics.cache import analytics_invalidate
from shamy.analytics.indicators import COMPUTED, imported_spec
from shamy.analytics.models import Indicator, IndicatorValue, Level
from shamy.analytics.selectors import (
    indicator_table,
    national_parts,
    overall_bucket,
    panel_for,
    regions_in_scope,
    registry_year,
)
from shamy.core.testing.factories import DistrictFactory, EmploymentFactory, PersonFactory, RegionFactory, SchoolFactory
from shamy.registry.models import FutureSchool, Internet, Locality, Position, QualificationCategory

pytestmark = pytest.mark.django_db
NATIONAL = AnalyticsScope(national=True)


@pytest.fixture
def dataset():
    """Two regions with hand-countable schools.

    Region A (kato 19): urban: 2 schools (1 high-speed), 600+400 pupils, 30+20 teachers;
                        rural: 3 schools (1 high-speed, 2 small-class), 50+30+20 pupils, 10+5+5 teachers.
    Region B (kato 47): urban: 1 school (high-speed), 900 pupils, 45 teachers;
                        rural: 1 school (no internet, small-class), 40 pupils, 8 teachers.
    """
    year = registry_year()
    a = RegionFactory(kato="19", name_kk="Алматы облысы", name_ru="Алматинская область", name_en="Almaty Region")
    b = RegionFactory(kato="47", name_kk="Маңғыстау облысы", name_ru="Мангистауская", name_en="Mangystau Region")
    district_a = DistrictFactory(region=a)
    district_b = DistrictFactory(region=b)

    def school(region, district, locality, pupils, teachers, **extra):
        return SchoolFactory(
            region=region, district=district, locality=locality, pupils=pupils, teachers=teachers, **extra
        )

    schools = {
        "a_u1": school(a, district_a, Locality.URBAN, 600, 30, internet=Internet.HIGH_SPEED, modernised_year=year),
        "a_u2": school(a, district_a, Locality.URBAN, 400, 20, internet=Internet.BASIC),
        "a_r1": school(a, district_a, Locality.RURAL, 50, 10, internet=Internet.HIGH_SPEED, is_small_class=True),
        "a_r2": school(a, district_a, Locality.RURAL, 30, 5, is_small_class=True, modernised_year=year - 6),
        "a_r3": school(
            a,
            district_a,
            Locality.RURAL,
            20,
            5,
            future_school=FutureSchool.BUILT,
            future_school_built_year=year,
        ),
        "b_u1": school(b, district_b, Locality.URBAN, 900, 45, internet=Internet.HIGH_SPEED),
        "b_r1": school(b, district_b, Locality.RURAL, 40, 8, is_small_class=True),
    }
    return a, b, schools


def _table(code, **kwargs):
    indicator = Indicator.objects.get(code=code)
    year = kwargs.pop("year", registry_year())
    panel = panel_for(scope=NATIONAL, year=year, staff=True)
    return indicator_table(indicator=indicator, panel=panel, places=regions_in_scope(NATIONAL), minimum=1, **kwargs)


def test_school_counts_split_urban_rural_match_hand_counts(dataset):
    a, b, _ = dataset
    table = _table("schools")
    rows = {place.kato: row for place, row in table.rows}
    assert (rows["19"].urban.value, rows["19"].rural.value, rows["19"].total.value) == (2, 3, 5)
    assert (rows["47"].urban.value, rows["47"].rural.value, rows["47"].total.value) == (1, 1, 2)
    assert table.national.total.value == 7
    assert rows["19"].parity is None  # no parity for plain counts


def test_high_speed_internet_share_and_parity_match_hand_computation(dataset):
    table = _table("high_speed_internet_share")
    rows = {place.kato: row for place, row in table.rows}
    assert rows["19"].urban.value == pytest.approx(50.0)
    assert rows["19"].rural.value == pytest.approx(100 / 3)
    assert rows["19"].parity == pytest.approx((100 / 3) / 50)
    assert rows["19"].gap == pytest.approx(50 - 100 / 3)
    # Region B: rural 0 % against urban 100 %: parity 0 (complete disparity), not undefined.
    assert rows["47"].rural.value == 0
    assert rows["47"].parity == 0
    # National: pooled, not a mean of regional ratios. Urban 2 of 3, rural 1 of 4.
    assert table.national.urban.value == pytest.approx(200 / 3)
    assert table.national.rural.value == pytest.approx(25.0)
    assert table.national.total.value == pytest.approx(300 / 7)
    mean_of_regions = (rows["19"].total.value + rows["47"].total.value) / 2
    assert table.national.total.value != pytest.approx(mean_of_regions)
    assert table.national.parity == pytest.approx(25 / (200 / 3))


def test_pupils_per_teacher_is_pooled(dataset):
    table = _table("pupils_per_teacher")
    rows = {place.kato: row for place, row in table.rows}
    assert rows["19"].urban.value == pytest.approx(1000 / 50)
    assert rows["19"].rural.value == pytest.approx(100 / 20)
    assert table.national.total.value == pytest.approx((1000 + 100 + 900 + 40) / (50 + 20 + 45 + 8))


def test_small_class_modernised_and_future_schools(dataset):
    small = {place.kato: row for place, row in _table("small_class_share").rows}
    assert small["19"].rural.value == pytest.approx(200 / 3)
    assert small["19"].urban.value == 0
    modern = {place.kato: row for place, row in _table("modernised_share").rows}
    assert modern["19"].total.value == pytest.approx(20.0)  # only the school modernised this year
    built = _table("future_schools_built")
    assert built.national.total.value == 1


def test_teachers_by_qualification_from_employments(dataset):
    _, _, schools = dataset
    for index in range(4):
        category = QualificationCategory.EXPERT if index < 3 else QualificationCategory.TEACHER
        EmploymentFactory(
            person=PersonFactory(qualification=category), school=schools["a_u1"], position=Position.TEACHER
        )
    # A former teacher no longer counts.
    EmploymentFactory(
        person=PersonFactory(qualification=QualificationCategory.MASTER),
        school=schools["a_u1"],
        starts_on=datetime.date(2010, 9, 1),
        ends_on=datetime.date(2015, 5, 31),
    )
    table = _table("teachers_expert_share")
    rows = {place.kato: row for place, row in table.rows}
    assert rows["19"].urban.value == pytest.approx(75.0)
    assert rows["19"].urban.people == 4


def test_small_cells_are_suppressed(dataset):
    _, _, schools = dataset
    EmploymentFactory(
        person=PersonFactory(qualification=QualificationCategory.EXPERT), school=schools["a_r1"], position="teacher"
    )
    indicator = Indicator.objects.get(code="teachers_expert_share")
    panel = panel_for(scope=NATIONAL, year=registry_year(), staff=True)
    table = indicator_table(indicator=indicator, panel=panel, places=regions_in_scope(NATIONAL), minimum=10)
    row = dict((place.kato, row) for place, row in table.rows)["19"]
    assert row.rural.suppressed and row.rural.value is None
    assert row.parity is None  # never computed from a suppressed cell


def test_imported_values_weighted_and_preferring_regional_figures(dataset):
    a, b, schools = dataset
    year = 2023
    indicator = Indicator.objects.create(
        code="ent_score", name={"en": "Exam score"}, unit="score", direction="higher_better", source_kind="imported"
    )
    common = {"indicator": indicator, "year": year, "source": "Test"}
    # Region A: school-level values, weighted by pupils tested.
    IndicatorValue.objects.create(
        **common,
        level=Level.SCHOOL,
        region=a,
        district=schools["a_u1"].district,
        school=schools["a_u1"],
        locality="urban",
        value=80,
        people=30,
    )
    IndicatorValue.objects.create(
        **common,
        level=Level.SCHOOL,
        region=a,
        district=schools["a_r1"].district,
        school=schools["a_r1"],
        locality="rural",
        value=60,
        people=10,
    )
    IndicatorValue.objects.create(
        **common,
        level=Level.SCHOOL,
        region=a,
        district=schools["a_r2"].district,
        school=schools["a_r2"],
        locality="rural",
        value=70,
        people=30,
    )
    # Region B: an official regional figure wins over any finer values.
    IndicatorValue.objects.create(**common, level=Level.REGION, region=b, locality="urban", value=90, people=100)
    IndicatorValue.objects.create(**common, level=Level.REGION, region=b, locality="rural", value=45, people=100)
    IndicatorValue.objects.create(
        **common,
        level=Level.SCHOOL,
        region=b,
        district=schools["b_r1"].district,
        school=schools["b_r1"],
        locality="rural",
        value=10,
        people=50,
    )
    panel = panel_for(scope=NATIONAL, year=year)
    table = indicator_table(indicator=indicator, panel=panel, places=regions_in_scope(NATIONAL), minimum=1)
    rows = {place.kato: row for place, row in table.rows}
    assert rows["19"].rural.value == pytest.approx((60 * 10 + 70 * 30) / 40)
    assert rows["19"].urban.value == pytest.approx(80.0)
    assert rows["47"].rural.value == pytest.approx(45.0)
    assert rows["47"].parity == pytest.approx(0.5)
    assert table.national.rural.value == pytest.approx((60 * 10 + 70 * 30 + 45 * 100) / 140)
    nation = national_parts(panel)
    assert overall_bucket(nation)[imported_spec("ent_score").denominator] == 270


def test_every_computed_indicator_is_seeded():
    assert set(COMPUTED) <= set(Indicator.objects.values_list("code", flat=True))


def test_cache_serves_until_invalidated(dataset, django_assert_num_queries):
    _, _, schools = dataset
    year = registry_year()
    panel_for(scope=NATIONAL, year=year)
    with django_assert_num_queries(0):
        panel_for(scope=NATIONAL, year=year)
    analytics_invalidate()
    # The settings (registry year, once per version), the regions in scope, the stored school sums
    # (not current here: this test's writes never committed, so the schools are summed live, one
    # query more; see test_tally.py), schools and imported values; no teacher query unless asked.
    with django_assert_num_queries(5):
        panel_for(scope=NATIONAL, year=year)
    # With teachers, besides the regions and the school sums' check: schools, the stored teacher
    # counts (not current either: counted live, one query more), imported values.
    with django_assert_num_queries(6):
        panel_for(scope=NATIONAL, year=year, staff=True)
