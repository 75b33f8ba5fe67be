"""Schemathesis against ``/api/v1/openapi.json``: no server error, no undocumented status, no wrong
content type, whatever the parameters (issue 12).

Every operation of the schema becomes a test case, run through Django's WSGI application (no
server) with a system administrator's token, over the test cast's regions, schools and people and
programme P's cohorts. Schemathesis generates valid and invalid parameters and bodies from the
schema; examples are few per operation, so the suite stays quick.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance

from shamy.accounts.services.users import api_token_create
from shamy.api.urls import api

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance]


# The schema the API serves at /api/v1/openapi.json, built without a request (collection time has
# no database); the cases are then sent to Django's WSGI application.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()


@pytest.fixture
def administrator_headers(programme_cast, settings) -> Iterator[dict[str, str]]:
    # Schemathesis' WSGI client sends "Host: localhost".
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    _token, raw = api_token_create(actor=programme_cast.aigerim, name="schemathesis")
    # As Django's test client does: a request must not close the connection that holds the test's
    # transaction (on PostgreSQL the next request would find it closed).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {"Authorization": f"Bearer {raw}"}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_operations_give_no_server_error_and_only_documented_answers(case, administrator_headers):
    case.call_and_validate(headers=administrator_headers, checks=CHECKS)


@pytest.mark.django_db
def test_the_schema_documents_the_error_answers(client):
    # What status_code_conformance relies on: every operation lists the errors it can give.
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    school_list = paths["/api/v1/schools"]["get"]["responses"]
    assert {"200", "401", "403", "422", "500"} <= set(school_list)
    assert school_list["500"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
    school_detail = paths["/api/v1/schools/{school_id}"]["get"]["responses"]
    assert "404" in school_detail
    for methods in paths.values():
        for operation in methods.values():
            assert "500" in operation["responses"], operation["operationId"]


def _unbounded(schema: dict, components: dict) -> list[str]:
    """Why a parameter's JSON schema is unbounded ("integer without maximum"...), else []."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in schema:
        return [problem for option in schema["anyOf"] for problem in _unbounded(option, components)]
    kind = schema.get("type")
    if kind == "integer" and ("minimum" not in schema or "maximum" not in schema):
        return ["an integer without both minimum and maximum"]
    if kind == "string" and not ({"maxLength", "enum", "const", "format"} & set(schema)):
        return ["a string without maxLength"]
    return []


def test_every_api_parameter_is_bounded():
    # An unbounded id reached the database and overflowed its driver (a plain-text 500).
    openapi = api.get_openapi_schema()
    components = openapi.get("components", {}).get("schemas", {})
    problems = [
        f"{method.upper()} {path} {parameter['name']}: {problem}"
        for path, methods in openapi["paths"].items()
        for method, operation in methods.items()
        for parameter in operation.get("parameters", [])
        for problem in _unbounded(parameter["schema"], components)
    ]
    assert not problems, "Bound these parameters (shamy.core.inputs.ApiId, ApiCode...):\n" + "\n".join(problems)
