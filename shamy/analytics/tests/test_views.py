from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shamy.analytics.models import AnalyticsSettings, Scenario
from shamy.audit.models import AuditEntry
from shamy.core.testing.cast import PERSONAS
from shamy.core.testing.factories import DistrictFactory, SchoolFactory
from shamy.core.testing.fuzz import query_fuzz_test
from shamy.core.testing.matrix import (
    ANONYMOUS,
    REDIRECT,
    Expect,
    Row,
    Visit,
    matrix_test,
    namespace_url_names,
    url_names,
)
from shamy.registry.models import Internet, Locality

pytestmark = pytest.mark.django_db

expect = Expect(PERSONAS)
ANALYSTS = expect.each(403, aigerim=200, dana=200, kairat=200)


def _client(client, cast, persona):
    user = cast.user(persona)
    if user is not None:
        client.force_login(user)
    return client


def _scenario(cast):
    return Scenario.objects.get_or_create(name="Test", owner=cast.dana, defaults={"weights": {"rural_share": 3}})[0]


def _saved_only_by_analysts(visit: Visit) -> None:
    """A refused save (or an anonymous one, sent to sign in) stores no scenario."""
    saved = visit.persona != ANONYMOUS and visit.status == REDIRECT
    assert Scenario.objects.exists() == saved


MATRIX = [
    Row("analytics:dashboard", lambda c: reverse("analytics:dashboard"), ANALYSTS),
    Row("analytics:region-detail", lambda c: reverse("analytics:region-detail", args=[c.region_a.pk]), ANALYSTS),
    Row(
        "analytics:region-detail",
        lambda c: reverse("analytics:region-detail", args=[c.region_b.pk]),
        {**ANALYSTS, "kairat": 404},
        label="other region",
    ),
    Row("analytics:export", lambda c: reverse("analytics:export", args=["table", "csv"]), ANALYSTS),
    Row(
        "analytics:export",
        lambda c: reverse("analytics:export", args=["districts", "csv"]) + f"?region={c.region_b.pk}",
        {**ANALYSTS, "kairat": 404},
        label="districts of other region",
    ),
    Row("analytics:indicator-list", lambda c: reverse("analytics:indicator-list"), ANALYSTS),
    Row("analytics:indicator-create", lambda c: reverse("analytics:indicator-create"), {**ANALYSTS, "kairat": 403}),
    Row("analytics:need", lambda c: reverse("analytics:need"), ANALYSTS),
    Row("analytics:gaps", lambda c: reverse("analytics:gaps"), ANALYSTS),
    Row(
        "analytics:scenario-shared",
        lambda c: reverse("analytics:scenario-shared", args=[_scenario(c).share_token]),
        ANALYSTS,
    ),
    Row(
        "analytics:scenario-save",
        lambda c: reverse("analytics:scenario-save"),
        {**ANALYSTS, "aigerim": 302, "dana": 302, "kairat": 302},
        method="post",
        data=lambda c: {"name": "Next three"},
        check=_saved_only_by_analysts,
    ),
    Row("analytics:targets", lambda c: reverse("analytics:targets"), ANALYSTS),
    Row("analytics:settings", lambda c: reverse("analytics:settings"), {**ANALYSTS, "dana": 403, "kairat": 403}),
    Row("analytics:brief", lambda c: reverse("analytics:brief") + f"?region={c.region_a.pk}", ANALYSTS),
    # Public pages answer 404 until a system administrator switches them on.
    Row("analytics:public", lambda c: reverse("analytics:public"), expect.everyone(404, anonymous=None)),
    Row(
        "analytics:public-export",
        lambda c: reverse("analytics:public-export", args=["table", "csv"]),
        expect.everyone(404, anonymous=None),
    ),
]
test_analytics_view_permission_matrix = matrix_test(MATRIX, PERSONAS)
test_analytics_query_parameters = query_fuzz_test(MATRIX, PERSONAS)


def test_every_analytics_url_is_in_the_matrix():
    assert namespace_url_names("analytics") == url_names(MATRIX)


def test_regional_analyst_sees_only_own_region_and_its_districts(client, cast):
    other = DistrictFactory(region=cast.region_b, name_kk="Бөтен аудан", name_ru="Чужой район")
    SchoolFactory(region=cast.region_b, district=other)
    response = _client(client, cast, "kairat").get(reverse("analytics:dashboard"))
    assert [region.kato for region, _row in response.context["board"].table.rows] == ["19"]
    page = client.get(reverse("analytics:region-detail", args=[cast.region_a.pk]))
    names = [district.name_kk for district, _row in page.context["page"].table.rows]
    assert names == ["Ұйғыр ауданы"]
    assert "Бөтен аудан" not in page.content.decode()


def test_dashboard_shows_map_attribution_legend_and_tables(client, cast):
    response = _client(client, cast, "dana").get(reverse("analytics:dashboard"), {"measure": "parity"})
    html = response.content.decode()
    assert html.count('class="region"') == 20
    assert "geokz" in html and "CC BY 4.0" in html
    assert 'id="region-table"' in html and "<title" in html and "<desc" in html
    assert "2021/22" in html  # the trend table lists the year with the missing split


def test_dashboard_htmx_returns_the_panels_only(client, cast):
    response = _client(client, cast, "dana").get(
        reverse("analytics:dashboard"), {"indicator": "small_class_share"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html and 'id="region-table"' in html


def test_dashboard_query_count_is_constant(client, cast, django_assert_num_queries):
    from shamy.analytics.cache import analytics_invalidate

    _client(client, cast, "dana")
    url = reverse("analytics:dashboard")
    client.get(url)
    analytics_invalidate()
    with django_assert_num_queries(10) as cold:
        client.get(url)
    # Warm: the panels come rendered from the cache; only session, user, memberships,
    # indicators and programmes (for the filter form) are read.
    with django_assert_num_queries(5):
        client.get(url)
    SchoolFactory.create_batch(20, region=cast.region_b)  # signals invalidate the cache
    with django_assert_num_queries(len(cold.captured_queries)):
        client.get(url)
    with django_assert_num_queries(5):
        client.get(url)


def test_changing_a_school_changes_the_dashboard_figure(client, cast):
    _client(client, cast, "dana")
    url = reverse("analytics:dashboard")
    params = {"indicator": "high_speed_internet_share"}
    before = client.get(url, params).context["board"].table.national.rural.value
    assert before == 0
    school = cast.school_a1
    school.internet = Internet.HIGH_SPEED
    school.save()
    after = client.get(url, params).context["board"].table.national.rural.value
    assert after == pytest.approx(50.0)  # one of the two rural schools


def test_table_downloads_as_csv_and_xlsx(client, cast):
    _client(client, cast, "dana")
    csv_response = client.get(reverse("analytics:export", args=["table", "csv"]), {"indicator": "schools"})
    assert csv_response["Content-Type"].startswith("text/csv")
    text = csv_response.content.decode("utf-8-sig")
    assert "Алматы облысы" in text
    xlsx = client.get(reverse("analytics:export", args=["table", "xlsx"]), {"indicator": "schools"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    by_place = {row[0]: row for row in rows[1:] if row and row[0]}
    assert by_place["Алматы облысы"][3:6] == (1, 1, 2)


@pytest.mark.parametrize("panel", ["map", "bars", "trend", "trend-share"])
def test_charts_download_as_svg(client, cast, panel):
    response = _client(client, cast, "dana").get(reverse("analytics:export", args=[panel, "svg"]))
    assert response["Content-Type"] == "image/svg+xml"
    body = response.content.decode()
    assert body.startswith("<?xml") and "<svg" in body and "<title" in body


def test_trend_csv_leaves_the_2021_gap(client, cast):
    response = _client(client, cast, "dana").get(reverse("analytics:export", args=["trend", "csv"]))
    lines = response.content.decode("utf-8-sig").splitlines()
    row_2021 = next(line for line in lines if line.startswith("2021/22"))
    assert row_2021.split(",")[1:4] == ["7550", "", ""]


def test_brief_is_a_pdf(client, cast):
    response = _client(client, cast, "dana").get(reverse("analytics:brief"))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_settings_switch_public_view_and_are_audited(client, cast):
    _client(client, cast, "aigerim")
    response = client.post(
        reverse("analytics:settings"), {"public_enabled": "on", "suppression_threshold": "5", "registry_year": "2022"}
    )
    assert response.status_code == 302
    assert AnalyticsSettings.current().public_enabled
    assert AuditEntry.objects.filter(action="analytics.settings.updated").count() == 1
    client.logout()
    public = client.get(reverse("analytics:public"))
    assert public.status_code == 200
    html = public.content.decode()
    assert "geokz" in html
    assert reverse("analytics:region-detail", args=[cast.region_a.pk]) not in html  # no drill-down to districts
    assert client.get(reverse("analytics:public-export", args=["districts", "csv"])).status_code == 404


def test_need_ranking_flags_places_no_programme_reaches(client, cast):
    SchoolFactory(region=cast.region_b, locality=Locality.RURAL, is_small_class=True)
    response = _client(client, cast, "dana").get(reverse("analytics:need"), {"rural_share": "5"})
    ranked = response.context["ranked"]
    assert {item.place.kato for item in ranked} == {"19", "47"}
    assert all(item.unreached for item in ranked)
    assert ranked[0].place.kato == "47"  # all rural, small-class: most need
    assert "No programme reaches it yet" in response.content.decode() or response.context["ranked"][0].unreached


def test_saved_scenario_opens_by_link_for_another_analyst(client, cast):
    _client(client, cast, "dana")
    response = client.post(reverse("analytics:scenario-save"), {"name": "Fellowship", "rural_share": "7"})
    scenario = Scenario.objects.get()
    assert scenario.weights["rural_share"] == 7
    assert AuditEntry.objects.filter(action="analytics.scenario.created").exists()
    assert response["Location"] == reverse("analytics:scenario-shared", args=[scenario.share_token])
    client.logout()
    shared = _client(client, cast, "kairat").get(response["Location"])
    assert shared.status_code == 200
    assert shared.context["weights"]["rural_share"] == 7


def test_teacher_panel_shows_qualification_breakdown_with_suppression(client, cast):
    response = _client(client, cast, "dana").get(reverse("analytics:dashboard"), {"indicator": "teachers_expert_share"})
    html = response.content.decode()
    assert _shown_in_kazakh(html, "Teachers by qualification category")
    board = response.context["board"]
    # The cast has one teacher in each region: every teacher cell is suppressed (threshold 10).
    assert board.table.national.rural.suppressed
    assert 'class="suppressed"' in html


def _shown_in_kazakh(html: str, english: str) -> bool:
    from django.utils import translation

    with translation.override("kk"):
        return translation.gettext(english) in html


def test_region_page_query_count_is_constant(client, cast, django_assert_num_queries):
    from shamy.analytics.cache import analytics_invalidate

    _client(client, cast, "dana")
    url = reverse("analytics:region-detail", args=[cast.region_a.pk])
    client.get(url)
    analytics_invalidate()
    with django_assert_num_queries(12) as cold:
        client.get(url)
    district = DistrictFactory(region=cast.region_a)
    SchoolFactory.create_batch(20, region=cast.region_a, district=district)
    with django_assert_num_queries(len(cold.captured_queries)):
        client.get(url)
    with django_assert_num_queries(6):  # warm: rendered panels from the cache
        client.get(url)
