"""Issue 10, point 1: every figure belongs to the school year it is shown under."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from shamy.access.context import AnalyticsScope
from shamy.analytics.cache import analytics_invalidate
from shamy.analytics.models import AnalyticsSettings, Indicator, Level
from shamy.analytics.selectors import indicator_table, panel_for, regions_in_scope, registry_year
from shamy.core.testing.factories import DistrictFactory, RegionFactory, SchoolFactory
from shamy.programmes.models import Cohort, CohortSchool, Programme
from shamy.registry.models import Locality, Region

pytestmark = pytest.mark.django_db
NATIONAL = AnalyticsScope(national=True)
REGIONS = Path(__file__).resolve().parents[2] / "registry" / "demo" / "regions.json"


@pytest.fixture
def regions() -> dict[str, Region]:
    """The 20 regions of 2022, named as in the demo (and the official series)."""
    facts = json.loads(REGIONS.read_text(encoding="utf-8"))["regions"]
    return {
        fact["name_en"]: RegionFactory(
            kato=fact["kato"], name_kk=fact["name_kk"], name_ru=fact["name_ru"], name_en=fact["name_en"]
        )
        for fact in facts
    }


def _rows(code: str, year: int, scope: AnalyticsScope = NATIONAL):
    indicator = Indicator.objects.get(code=code)
    panel = panel_for(scope=scope, year=year)
    table = indicator_table(indicator=indicator, panel=panel, places=regions_in_scope(scope), minimum=1)
    return table.national, {place.name_en: row for place, row in table.rows}


def _set_registry_year(year: int) -> None:
    AnalyticsSettings.objects.update_or_create(pk=1, defaults={"registry_year": year})
    analytics_invalidate()


def test_registry_year_defaults_to_the_demo_snapshot_2022():
    assert registry_year() == 2022


def test_2021_national_schools_are_the_official_7550_with_the_split_unavailable(regions):
    # A registry snapshot (2022/23) of 3 schools must never show under 2021/22.
    akmola = regions["Akmola Region"]
    district = DistrictFactory(region=akmola)
    for locality in (Locality.URBAN, Locality.RURAL, Locality.RURAL):
        SchoolFactory(region=akmola, district=district, locality=locality)
    nation, rows = _rows("schools", 2021)
    assert nation.total.value == 7550
    assert nation.urban.value is None and nation.urban.no_data
    assert nation.rural.value is None and nation.rural.no_data
    assert rows["Akmola Region"].total.value == 569
    assert rows["Akmola Region"].urban.no_data and rows["Akmola Region"].rural.no_data
    # A region whose rural figure the source gives and whose urban one it leaves blank.
    assert rows["Aktobe Region"].rural.value == 283 and rows["Aktobe Region"].urban.no_data
    assert rows["Aktobe Region"].total.value == 426
    # Regions created in 2022 did not exist in 2021/22.
    assert rows["Abai Region"].total.no_data
    # The three cities: rural is blank in the source, inferred 0 and labelled so.
    assert rows["Almaty city"].rural.value == 0 and rows["Almaty city"].rural.inferred
    assert rows["Almaty city"].total.value == 317
    # The rural share needs the split: none nationally, none for Akmola.
    share, share_rows = _rows("rural_share", 2021)
    assert share.total.value is None
    assert share_rows["Akmola Region"].total.value is None
    assert share_rows["Mangystau Region"].total.value == pytest.approx(106 / 172 * 100)


def test_the_official_series_matches_the_provenance_in_every_year(regions):
    """Moving the registry's reference year away sends 2000–2022 through the official series:
    the national totals of PROVENANCE.md, and the rural share of 2022/23 regions."""
    _set_registry_year(2030)
    expected = {2000: (8353, 2051, 6258), 2007: (8037, 1885, 6073), 2008: (7927, 1895, 6032)}
    expected |= {2014: (7563, 1932, 5631), 2020: (7440, 2178, 5262), 2022: (7687, 2427, 5260)}
    for year, (total, urban, rural) in expected.items():
        nation, _rows_ = _rows("schools", year)
        assert (nation.total.value, nation.urban.value, nation.rural.value) == (total, urban, rural), year
    share, rows = _rows("rural_share", 2022)
    assert share.total.value == pytest.approx(5260 / 7687 * 100)
    assert rows["Almaty Region"].total.value == pytest.approx(413 / 464 * 100)
    assert rows["North Kazakhstan Region"].total.value == pytest.approx(403 / 467 * 100)
    # Before 2008/09 the total counts evening schools: the share is rural / (urban + rural).
    before, _ = _rows("rural_share", 2007)
    assert before.total.value == pytest.approx(6073 / (1885 + 6073) * 100)


def test_registry_figures_show_no_data_outside_their_year(regions):
    region = regions["Mangystau Region"]
    SchoolFactory(region=region, district=DistrictFactory(region=region), locality=Locality.RURAL, pupils=40)
    snapshot, _ = _rows("schools", 2022)
    assert snapshot.total.value == 1  # the registry itself, in its own year
    for code in ("schools", "pupils", "high_speed_internet_share", "small_class_share", "pupils_per_teacher"):
        nation, rows = _rows(code, 2025)
        assert nation.total.value is None and nation.total.no_data, code
        assert rows["Mangystau Region"].total.value is None, code
    nation, _ = _rows("high_speed_internet_share", 2021)  # no official series for internet
    assert nation.total.no_data


def test_a_regional_scope_pools_only_its_regions(regions):
    scope = AnalyticsScope(region_ids=frozenset({regions["Akmola Region"].pk, regions["Mangystau Region"].pk}))
    nation, _ = _rows("schools", 2021, scope)
    assert nation.total.value == 569 + 172
    assert nation.urban.no_data  # Akmola's split is missing, so the sum would be short


def test_region_page_total_is_the_official_figure(regions):
    akmola = regions["Akmola Region"]
    SchoolFactory(region=akmola, district=DistrictFactory(region=akmola), locality=Locality.RURAL)
    indicator = Indicator.objects.get(code="schools")
    panel = panel_for(scope=NATIONAL, level=Level.DISTRICT, region_id=akmola.pk, year=2021)
    table = indicator_table(indicator=indicator, panel=panel, places=[], minimum=1)
    assert table.national.total.value == 569


def _cohort(programme: Programme, starts: datetime.date, ends: datetime.date, schools) -> Cohort:
    cohort = Cohort.objects.create(programme=programme, name_kk="К", name_ru="К", starts_on=starts, ends_on=ends)
    for school in schools:
        CohortSchool.objects.create(cohort=cohort, school=school, joined_on=starts)
    return cohort


def test_a_cohort_reaches_nothing_before_its_start_or_after_its_end(regions):
    region = regions["Atyrau Region"]
    district = DistrictFactory(region=region)
    later = [SchoolFactory(region=region, district=district, locality=Locality.RURAL) for _ in range(11)]
    earlier = [SchoolFactory(region=region, district=district, locality=Locality.RURAL) for _ in range(3)]
    programme = Programme.objects.create(
        name_kk="П", name_ru="П", starts_on=datetime.date(2022, 1, 1), ends_on=datetime.date(2030, 1, 1)
    )
    _cohort(programme, datetime.date(2025, 9, 1), datetime.date(2027, 5, 31), later)
    _cohort(programme, datetime.date(2022, 9, 1), datetime.date(2023, 5, 31), earlier)
    reached = {year: _rows("programme_schools", year)[0].total.value for year in range(2021, 2028)}
    assert reached == {2021: 0, 2022: 3, 2023: 0, 2024: 0, 2025: 11, 2026: 11, 2027: 0}


def test_the_dashboard_opens_a_registry_indicator_on_the_registry_year(client, cast):
    from django.urls import reverse

    from shamy.analytics.selectors import current_school_year

    client.force_login(cast.aigerim)
    board = client.get(reverse("analytics:dashboard")).context["board"]
    assert board.filters.year == 2022 and board.basis == "registry"
    dated = client.get(reverse("analytics:dashboard"), {"indicator": "programme_teachers"}).context["board"]
    assert dated.filters.year == current_school_year() and dated.basis == "dated"
    other = client.get(reverse("analytics:dashboard"), {"indicator": "schools", "year": "2021"})
    assert other.context["board"].basis == "official"
    assert "PDDL 1.0" in other.content.decode()  # the official series, named with its licence
    missing = client.get(reverse("analytics:dashboard"), {"indicator": "pupils", "year": "2021"}).context["board"]
    assert missing.basis == "none" and missing.table.national.total.no_data


def test_the_brief_is_labelled_with_the_registry_year_by_default(client, cast):
    from django.urls import reverse

    client.force_login(cast.dana)
    response = client.get(reverse("analytics:brief"))
    assert 'filename="brief-kz-2022.pdf"' in response["Content-Disposition"]
