from __future__ import annotations

import datetime
import json

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from shamy.accounts.models import ApiToken
from shamy.accounts.services.users import api_token_create, api_token_revoke
from shamy.core.testing.cast import PERSONAS
from shamy.core.testing.factories import SchoolFactory
from shamy.core.testing.matrix import Expect, Row, Visit, matrix_test
from shamy.registry.models import FutureSchool, Internet, Locality, Ownership

pytestmark = pytest.mark.django_db


def _bearer(user) -> dict[str, str]:
    _token, raw = api_token_create(actor=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _headers(cast, persona: str) -> dict[str, str]:
    user = cast.user(persona)
    return {} if user is None else _bearer(user)


def _error_body(visit: Visit) -> None:
    """Every refusal answers the same JSON shape, with a code that names the status."""
    if visit.status >= 400:
        body = visit.response.json()
        assert set(body) == {"detail", "code"}
        assert body["code"] == {401: "not_authenticated", 403: "permission_denied", 404: "not_found"}[visit.status]


def api_row(url_name: str, url, expected: dict[str, int]) -> Row:
    """Personas send a bearer token of their own; anonymous callers send none (401)."""
    return Row(url_name, url, expected, auth=_bearer, check=_error_body)


expect = Expect(PERSONAS)
READERS = expect.each(200, olzhas=403, anonymous=401)
MATRIX = [
    api_row("api:region-list", lambda c: reverse("api:region-list"), READERS),
    api_row(
        "api:region-detail",
        lambda c: reverse("api:region-detail", args=[c.region_a.kato]),
        expect.only({"aigerim", "dana", "kairat", "bolat"}, anonymous=401),
    ),
    api_row("api:school-list", lambda c: reverse("api:school-list"), READERS),
    api_row(
        "api:school-detail",
        lambda c: reverse("api:school-detail", args=[c.school_a2.pk]),
        expect.only({"aigerim", "dana", "kairat"}, anonymous=401),
    ),
    # The schema and its documentation page describe the API; they hold no data and are public.
    api_row("api:openapi-json", lambda c: reverse("api:openapi-json"), expect.everyone(200, anonymous=None)),
    api_row("api:openapi-view", lambda c: reverse("api:openapi-view"), expect.everyone(200, anonymous=None)),
]
test_api_permission_matrix = matrix_test(MATRIX, PERSONAS)


# --- Token authentication ---------------------------------------------------------------------


def test_valid_token_authenticates_and_records_last_use(client, cast):
    token, raw = api_token_create(actor=cast.dana, name="dashboard")
    response = client.get(reverse("api:region-list"), HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoked_token_is_refused(client, cast):
    token, raw = api_token_create(actor=cast.dana, name="dashboard")
    api_token_revoke(actor=cast.dana, token=token)
    response = client.get(reverse("api:region-list"), HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer shamy_not-a-real-token",
        "Bearer not-even-the-prefix",
        "Token shamy_wrong-scheme",
        "Bearer ",
    ],
)
def test_wrong_token_is_refused(client, cast, header):
    api_token_create(actor=cast.dana, name="dashboard")
    response = client.get(reverse("api:school-list"), HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_missing_token_is_refused_even_with_a_browser_session(client, cast):
    client.force_login(cast.dana)
    response = client.get(reverse("api:school-list"))
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")


def test_token_of_deactivated_user_is_refused(client, cast):
    _token, raw = api_token_create(actor=cast.dana, name="dashboard")
    cast.dana.is_active = False
    cast.dana.save(update_fields=["is_active"])
    response = client.get(reverse("api:region-list"), HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401


def test_only_a_hash_of_the_token_is_stored(cast):
    token, raw = api_token_create(actor=cast.dana, name="dashboard")
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw not in {stored.key_hash, stored.prefix, stored.name}
    assert raw.startswith(stored.prefix)


def test_errors_are_in_the_token_owners_language(client, cast):
    cast.olzhas.language = "ru"
    cast.olzhas.save(update_fields=["language"])
    _token, raw = api_token_create(actor=cast.olzhas, name="script")
    response = client.get(reverse("api:school-list"), HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 403
    assert response.json()["detail"] == "У вашей учётной записи нет доступа к этому."
    cast.olzhas.language = "kk"
    cast.olzhas.save(update_fields=["language"])
    response = client.get(reverse("api:school-list"), HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.json()["detail"] == "Сіздің тіркелгіңізге бұған рұқсат жоқ."


# --- Regions ------------------------------------------------------------------------------------


def test_region_list_shape_and_counts_for_national_analyst(client, cast):
    rows = client.get(reverse("api:region-list"), **_headers(cast, "dana")).json()
    assert [row["kato"] for row in rows] == ["19", "47"]
    almaty = rows[0]
    assert almaty["names"] == {"kk": "Алматы облысы", "ru": "Алматинская область", "en": "Almaty Region"}
    assert almaty["kind"] == "region"
    assert almaty["counts"] == {"schools": 2, "urban": 1, "rural": 1, "small_class": 1}
    assert rows[1]["counts"] == {"schools": 1, "urban": 0, "rural": 1, "small_class": 0}


def test_json_is_utf8_text_not_escapes(client, cast):
    response = client.get(reverse("api:region-list"), **_headers(cast, "dana"))
    assert response["Content-Type"].startswith("application/json")
    assert "Маңғыстау облысы".encode() in response.content
    assert b"\\u" not in response.content


def test_region_counts_cover_only_the_schools_the_caller_may_see(client, cast):
    rows = client.get(reverse("api:region-list"), **_headers(cast, "bolat")).json()
    assert [row["kato"] for row in rows] == ["19"]
    assert rows[0]["counts"] == {"schools": 1, "urban": 0, "rural": 1, "small_class": 1}


def test_region_detail_lists_districts_with_counts(client, cast):
    body = client.get(reverse("api:region-detail", args=["19"]), **_headers(cast, "kairat")).json()
    assert body["kato"] == "19"
    assert body["counts"]["schools"] == 2
    assert [(d["kato"], d["counts"]["schools"]) for d in body["districts"]] == [("195200", 2)]


def test_unknown_region_is_404(client, cast):
    response = client.get(reverse("api:region-detail", args=["99"]), **_headers(cast, "aigerim"))
    assert response.status_code == 404


# --- Schools ------------------------------------------------------------------------------------


def _ids(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


def test_regional_analyst_lists_only_own_region(client, cast):
    response = client.get(reverse("api:school-list"), **_headers(cast, "kairat"))
    assert response.json()["count"] == 2
    assert sorted(_ids(response)) == sorted([cast.school_a1.pk, cast.school_a2.pk])


def test_principal_lists_only_own_school(client, cast):
    response = client.get(reverse("api:school-list"), **_headers(cast, "saule"))
    assert _ids(response) == [cast.school_b1.pk]


def test_school_filters_match_the_list_page(client, cast):
    headers = _headers(cast, "dana")
    url = reverse("api:school-list")
    operator_school = SchoolFactory(
        region=cast.region_b,
        name_kk="Оператор мектебі",
        name_ru="Школа оператора",
        locality=Locality.URBAN,
        language="ru",
        internet=Internet.HIGH_SPEED,
        ownership=Ownership.PRIVATE,
        future_school=FutureSchool.PLANNED,
    )
    cases = [
        ({"region": cast.region_a.pk}, {cast.school_a1.pk, cast.school_a2.pk}),
        ({"district": cast.school_b1.district_id}, {cast.school_b1.pk}),
        ({"locality": "urban"}, {cast.school_a2.pk, operator_school.pk}),
        ({"small_class": "true"}, {cast.school_a1.pk}),
        ({"small_class": "false", "region": cast.region_a.pk}, {cast.school_a2.pk}),
        ({"language": "ru"}, {operator_school.pk}),
        ({"internet": "high_speed"}, {operator_school.pk}),
        ({"ownership": "private"}, {operator_school.pk}),
        ({"future_school": "planned"}, {operator_school.pk}),
        ({"q": "ақсу"}, {cast.school_a1.pk}),
        ({"q": "АҚСУ"}, {cast.school_a1.pk}),
        ({"region": cast.region_a.pk, "locality": "rural", "small_class": "1"}, {cast.school_a1.pk}),
    ]
    for params, expected in cases:
        response = client.get(url, params, **headers)
        assert response.status_code == 200, params
        assert set(_ids(response)) == expected, params
        assert response.json()["count"] == len(expected), params


def test_school_sort_orders_rows(client, cast):
    headers = _headers(cast, "dana")
    ascending = _ids(client.get(reverse("api:school-list"), {"sort": "pupils"}, **headers))
    descending = _ids(client.get(reverse("api:school-list"), {"sort": "-pupils"}, **headers))
    assert ascending == [cast.school_a1.pk, cast.school_b1.pk, cast.school_a2.pk]
    assert descending == list(reversed(ascending))


@pytest.mark.parametrize(
    "params",
    [{"locality": "suburban"}, {"sort": "bin"}, {"limit": "0"}, {"limit": "501"}, {"offset": "-1"}, {"region": "x"}],
)
def test_invalid_school_parameters_are_422_with_details(client, cast, params):
    response = client.get(reverse("api:school-list"), params, **_headers(cast, "dana"))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"]
    assert body["errors"][0]["loc"][0] == "query"


def test_school_pagination_limit_offset_and_total(client, cast):
    SchoolFactory.create_batch(7, region=cast.region_b)
    headers = _headers(cast, "dana")
    url = reverse("api:school-list")
    everything = client.get(url, {"limit": 500}, **headers).json()
    assert everything["count"] == 10
    all_ids = [item["id"] for item in everything["items"]]
    first = client.get(url, {"limit": 4}, **headers).json()
    second = client.get(url, {"limit": 4, "offset": 4}, **headers).json()
    last = client.get(url, {"limit": 4, "offset": 8}, **headers).json()
    beyond = client.get(url, {"limit": 4, "offset": 50}, **headers).json()
    assert (first["count"], first["limit"], first["offset"]) == (10, 4, 0)
    assert [i["id"] for i in first["items"] + second["items"] + last["items"]] == all_ids
    assert len(last["items"]) == 2
    assert beyond["items"] == []
    assert beyond["count"] == 10


def test_school_list_default_limit(client, cast, settings):
    body = client.get(reverse("api:school-list"), **_headers(cast, "dana")).json()
    assert body["limit"] == settings.NINJA_PAGINATION_PER_PAGE
    assert body["offset"] == 0


def test_school_detail_shape(client, cast):
    school = cast.school_a1
    school.internet = Internet.BASIC
    school.internet_connected_on = datetime.date(2021, 5, 1)
    school.latitude, school.longitude = 43.5, 79.5
    school.save()
    body = client.get(reverse("api:school-detail", args=[school.pk]), **_headers(cast, "bolat")).json()
    assert body["id"] == school.pk
    assert body["names"]["kk"] == "Ақсу ауылының мектебі"
    assert body["region"]["kato"] == "19"
    assert body["district"]["kato"] == "195200"
    assert body["locality"] == "rural"
    assert body["small_class"] is True
    assert body["pupils"] == 46
    assert body["internet"] == {"level": "basic", "connected_on": "2021-05-01"}
    assert body["coordinates"] == {"latitude": 43.5, "longitude": 79.5}
    assert body["grades"] == {"first": school.grade_from, "last": school.grade_to}
    assert body["operator"] is None


def test_school_list_query_count_is_constant(
    client, cast, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from shamy.registry import school_counts

    school_counts.refresh()  # the regions' school numbers, as after any committed write
    headers = _headers(cast, "dana")
    url = reverse("api:school-list")
    client.get(url, **headers)  # records the token's first use, caches the page
    with django_assert_num_queries(2):  # token + user, memberships; the page comes from the cache
        assert len(client.get(url, **headers).json()["items"]) == 3
    with django_capture_on_commit_callbacks(execute=True):  # a committed write: the cached page is stale
        SchoolFactory.create_batch(20, region=cast.region_a)
    # + the total (the regions' stored school numbers) and the rows, however many schools there are.
    with django_assert_num_queries(4):
        assert len(client.get(url, **headers).json()["items"]) == 23
    with django_assert_num_queries(2):
        assert len(client.get(url, **headers).json()["items"]) == 23
    # Right after a write, before its region is counted again: + a COUNT of the schools.
    school_counts.mark_stale([cast.region_a.pk])
    with django_assert_num_queries(5):
        assert client.get(url, {"limit": 10}, **headers).json()["count"] == 23


def test_cached_school_pages_follow_the_callers_scope(client, cast):
    url = reverse("api:school-list")
    national = client.get(url, **_headers(cast, "dana")).json()
    regional = client.get(url, **_headers(cast, "kairat")).json()  # region A only, same query
    assert national["count"] == 3
    assert regional["count"] == 2
    assert {item["region"]["id"] for item in regional["items"]} == {cast.region_a.pk}


def test_region_list_query_count_is_constant(client, cast, django_assert_num_queries):
    headers = _headers(cast, "dana")
    url = reverse("api:region-list")
    client.get(url, **headers)
    with django_assert_num_queries(2):  # token + user, memberships: the counts come from the cache
        client.get(url, **headers)
    SchoolFactory.create_batch(20, region=cast.region_b)
    with django_assert_num_queries(4):  # + counts and regions, however many schools there are
        client.get(url, **headers)
    with django_assert_num_queries(2):
        client.get(url, **headers)


# --- Schema and documentation -------------------------------------------------------------------


def test_openapi_schema_lists_typed_endpoints(client, db):
    schema = client.get(reverse("api:openapi-json")).json()
    assert {"/api/v1/regions", "/api/v1/regions/{kato}", "/api/v1/schools", "/api/v1/schools/{school_id}"} <= set(
        schema["paths"]
    )
    components = schema["components"]["schemas"]
    assert {"RegionOut", "SchoolOut", "SchoolPageOut", "SchoolDetailOut", "ErrorOut"} <= set(components)
    schools = schema["paths"]["/api/v1/schools"]["get"]
    parameters = {parameter["name"] for parameter in schools["parameters"]}
    assert {"region", "district", "locality", "small_class", "language", "internet", "ownership"} <= parameters
    assert {"future_school", "q", "sort", "limit", "offset"} <= parameters
    assert schools["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("SchoolPageOut")
    assert {"401", "403", "422"} <= set(schools["responses"])
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_openapi_json_has_no_duplicate_keys(client, db):
    """Swagger UI (and any YAML reader) refuses a mapping with a key twice ("duplicated mapping
    key"): a status declared by an operation and added by the error documentation once only."""
    duplicates: list[str] = []

    def pairs(items):
        keys = [key for key, _value in items]
        duplicates.extend(key for key in set(keys) if keys.count(key) > 1)
        return dict(items)

    json.loads(client.get(reverse("api:openapi-json")).content, object_pairs_hook=pairs)
    assert duplicates == []


def test_docs_page_loads_only_self_hosted_assets(client, db):
    html = client.get(reverse("api:openapi-view")).content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "http://" not in html
    assert "https://" not in html
    assert "//cdn" not in html
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"):
        assert finders.find(asset), asset
        assert f"/static/{asset}" in html
        assert client.get(f"/static/{asset}").status_code == 200


def test_api_root_is_not_a_data_endpoint(client, db):
    response = client.get("/api/v1/")
    assert response.status_code == 404


def test_token_last_use_is_written_at_most_once_a_minute(client, cast):
    token, raw = api_token_create(actor=cast.dana, name="dashboard")
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=long_ago)
    client.get(reverse("api:region-list"), HTTP_AUTHORIZATION=f"Bearer {raw}")
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None and first_use > long_ago
    client.get(reverse("api:region-list"), HTTP_AUTHORIZATION=f"Bearer {raw}")
    token.refresh_from_db()
    assert token.last_used_at == first_use
