"""Issue 10, point 9: the machine-readable indicator API, and the pages, brief and API agreeing."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from shamy.access.context import access_for
from shamy.accounts.services.users import api_token_create
from shamy.analytics.briefs import BRIEF_INDICATORS, WHOLE_ONLY, brief_context, brief_html
from shamy.analytics.dashboard import Filters
from shamy.analytics.models import AnalyticsSettings
from shamy.analytics.selectors import indicator_list, registry_year
from shamy.analytics.templatetags.analytics_tags import plain
from shamy.analytics.tests.test_suppression import reached  # noqa: F401 - fixture
from shamy.core.testing.cast import PERSONAS
from shamy.core.testing.matrix import Expect, Row, matrix_test

pytestmark = pytest.mark.django_db


def _bearer(user) -> dict[str, str]:
    _token, raw = api_token_create(actor=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


expect = Expect(PERSONAS)
ANALYSTS = expect.each(403, aigerim=200, dana=200, kairat=200, anonymous=401)
MATRIX = [
    Row("api:indicator-list", lambda c: reverse("api:indicator-list"), ANALYSTS, auth=_bearer),
    Row(
        "api:indicator-values",
        lambda c: reverse("api:indicator-values", args=["schools"]),
        ANALYSTS,
        auth=_bearer,
    ),
    Row(
        "api:indicator-values",
        lambda c: reverse("api:indicator-values", args=["schools"]) + f"?level=district&region={c.region_b.kato}",
        {**ANALYSTS, "kairat": 404},
        auth=_bearer,
        label="districts of another region",
    ),
]
test_indicator_api_permission_matrix = matrix_test(MATRIX, PERSONAS)


def test_indicator_definitions_in_three_languages(client, cast):
    response = client.get(reverse("api:indicator-list"), **_bearer(cast.dana))
    by_code = {item["code"]: item for item in response.json()}
    pupils = by_code["pupils_per_teacher"]
    assert pupils["direction"] == "higher_worse" and pupils["unit"] == "ratio"
    assert all(pupils["names"][language] for language in ("kk", "ru", "en"))
    assert all(pupils["definition"][language] for language in ("kk", "ru", "en"))
    assert pupils["source"]


def test_values_name_the_year_used_and_the_source(client, cast):
    headers = _bearer(cast.dana)
    body = client.get(reverse("api:indicator-values", args=["schools"]), **headers).json()
    assert body["year"] == registry_year() == 2022 and body["year_basis"] == "registry"
    kato = {place["kato"]: place for place in body["places"]}
    assert kato["19"]["total"] == {"value": 2.0, "suppressed": False, "no_data": False, "inferred": False}
    official = client.get(reverse("api:indicator-values", args=["schools"]), {"year": 2021}, **headers).json()
    assert official["year_basis"] == "official" and "PDDL" in official["licence"]
    assert official["total"]["urban"]["no_data"]  # the 2021/22 split is not published
    districts = client.get(
        reverse("api:indicator-values", args=["schools"]), {"level": "district", "region": "19"}, **headers
    ).json()
    assert districts["total"]["kato"] == "19" and districts["total"]["total"]["value"] == 2.0


def test_api_suppresses_like_the_pages(client, reached):  # noqa: F811
    body = client.get(reverse("api:indicator-values", args=["programme_teachers"]), **_bearer(reached.aigerim)).json()
    kato = {place["kato"]: place for place in body["places"]}
    assert kato["47"]["total"] == {"value": None, "suppressed": True, "no_data": False, "inferred": False}
    assert kato["19"]["total"]["suppressed"]  # the complementary cell
    assert body["total"]["total"]["value"] == 18


def test_dashboard_brief_and_api_agree_on_every_figure(client, cast):
    """For the same filters, each brief indicator's national urban, rural, total, gap and parity
    are the same in the dashboard, the brief (its figures and its rendered text) and the API."""
    AnalyticsSettings.objects.update_or_create(pk=1, defaults={"suppression_threshold": 1})
    headers = _bearer(cast.aigerim)
    scope = access_for(cast.aigerim).analytics
    indicators = indicator_list()
    request = RequestFactory().get("/analytics/brief/")
    request.user = cast.aigerim
    client.force_login(cast.aigerim)
    for year in (registry_year(), 2021):
        filters = Filters.from_query(
            {"year": str(year)}, indicator_codes=[i.code for i in indicators], programme_ids=[], reference_year=2022
        )
        context = brief_context(scope=scope, region=None, filters=filters, indicators=indicators)
        html = brief_html(request=request, scope=scope, region=None, filters=filters, indicators=indicators)
        briefed = {item["indicator"].code: item["row"] for item in context["summaries"]}
        # A row with no figure at all is left out of the brief: the dashboard has none either.
        for code in set(BRIEF_INDICATORS) - set(briefed):
            page = client.get(reverse("analytics:dashboard"), {"indicator": code, "year": year}).context["board"]
            national = page.table.national
            cells = [national.total] if code in WHOLE_ONLY else [national.urban, national.rural, national.total]
            assert all(cell.value is None for cell in cells), (code, year)
        assert "schools" in briefed
        for code, row in briefed.items():
            board = client.get(reverse("analytics:dashboard"), {"indicator": code, "year": year}).context["board"]
            api = client.get(reverse("api:indicator-values", args=[code]), {"year": year}, **headers).json()
            assert api["year"] == board.filters.year == year
            page = board.table.national
            for measure in ("urban", "rural", "total"):
                cell, page_cell, api_cell = getattr(row, measure), getattr(page, measure), api["total"][measure]
                assert cell.value == page_cell.value == api_cell["value"], (code, year, measure)
                assert cell.suppressed == page_cell.suppressed == api_cell["suppressed"]
            assert row.parity == page.parity == api["total"]["parity"], (code, year)
            assert row.gap == page.gap == api["total"]["gap"], (code, year)
            assert plain(row.total, str(board.indicator.unit)) in html


def test_values_query_count_does_not_grow_with_schools(client, cast, django_assert_max_num_queries):
    from shamy.core.testing.factories import DistrictFactory, SchoolFactory

    headers = _bearer(cast.dana)
    url = reverse("api:indicator-values", args=["pupils_per_teacher"])
    client.get(url, **headers)
    with django_assert_max_num_queries(30) as warm:
        client.get(url, **headers)
    warm_count = len(warm.captured_queries)  # read now: the next request resets the query log
    district = DistrictFactory(region=cast.region_a)
    SchoolFactory.create_batch(25, region=cast.region_a, district=district)
    client.get(url, **headers)  # rebuilds the panels once after the write
    with django_assert_max_num_queries(warm_count):
        client.get(url, **headers)
