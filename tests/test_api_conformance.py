"""The API answers as its OpenAPI schema says, for every role, for errors too, and under fuzzed query
parameters (a small in-process version of schemathesis' status-code and response-conformance checks)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from rest_framework.test import APIClient

from cluster6.accounts.constants import Role
from tests.factories import GridProjectFactory, user_with_role
from tests.test_api_locations import VISIBLE

pytestmark = pytest.mark.django_db


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema -> JSON Schema: `nullable: true` becomes a null alternative."""
    if isinstance(node, list):
        return [_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _json_schema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable"):
        if "type" in out and not {"$ref", "allOf", "oneOf", "anyOf"} & set(out):
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


class Contract:
    """The documented responses of each operation, as JSON Schema validators."""

    def __init__(self, openapi: dict[str, Any]) -> None:
        self.openapi = openapi
        self.components = _json_schema(openapi["components"])

    def operation(self, template: str, method: str = "get") -> dict[str, Any]:
        return self.openapi["paths"][template][method]

    def check(self, template: str, response, method: str = "get") -> None:
        """The status is documented for the operation and the JSON body fits its schema."""
        responses = self.operation(template, method)["responses"]
        status = str(response.status_code)
        assert status in responses, f"{method.upper()} {template}: undocumented status {status}"
        assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
        schema = _json_schema(responses[status]["content"]["application/json"]["schema"])
        validator = Draft202012Validator({**schema, "components": self.components})
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(response.json())]
        assert not errors, f"{method.upper()} {template} {status}: {errors[:5]}"


@pytest.fixture
def contract() -> Contract:
    return Contract(json.loads(APIClient().get("/api/schema/", {"format": "json"}).content))


def _client(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("role", [*VISIBLE, None])
def test_every_endpoint_answers_as_documented_for_every_role(api_world, api_user, contract, role):
    # given the location world with a planned project, and a user of the role (or nobody)
    area = api_world["area_l"]
    project = GridProjectFactory(area=area)
    client = _client(api_user(role))
    # when the user calls every read endpoint, on visible and invisible objects
    calls = [("/api/me/", "/api/me/"), ("/api/locations/", "/api/locations/")]
    for loc in api_world["locs"].values():
        calls += [
            ("/api/locations/{id}/", f"/api/locations/{loc.pk}/"),
            ("/api/locations/{id}/emissions/", f"/api/locations/{loc.pk}/emissions/"),
        ]
    calls += [
        ("/api/locations/{id}/", "/api/locations/999999/"),
        ("/api/emissions/", "/api/emissions/"),
        ("/api/emissions/", "/api/emissions/?year_min=2022&year_max=2020"),
        ("/api/emissions/", "/api/emissions/?page=99"),
        ("/api/grid-areas/", "/api/grid-areas/"),
        ("/api/grid-areas/{id}/", f"/api/grid-areas/{area.pk}/"),
        ("/api/grid-projects/", "/api/grid-projects/"),
        ("/api/grid-projects/{id}/", f"/api/grid-projects/{project.pk}/"),
        ("/api/locations/", "/api/locations/?sector=onbekend"),
    ]
    statuses = set()
    for template, url in calls:
        response = client.get(url)
        statuses.add(response.status_code)
        # then every answer is documented and fits its schema
        contract.check(template, response)
    assert statuses == ({401} if role is None else {200, 400, 404})


def test_the_token_endpoint_answers_as_documented(contract):
    user = user_with_role(Role.RVO)
    template = "/api/auth/token/"
    for body in [
        {"username": user.username, "password": "correct-horse-battery"},
        {"username": user.username, "password": "nope"},
        {},
    ]:
        contract.check(template, APIClient().post(template, body, format="json"), method="post")


def _params(operation: dict[str, Any]) -> st.SearchStrategy[dict[str, str]]:
    """Query strings for an operation: either every documented parameter absent or valid, or each one
    absent, valid or arbitrary (text, huge integers)."""
    valid: dict[str, st.SearchStrategy[Any]] = {}
    for p in operation["parameters"]:
        if p["in"] != "query":
            continue
        schema = p["schema"]
        if "enum" in schema:
            valid[p["name"]] = st.sampled_from(schema["enum"])
        elif schema.get("type") == "integer":
            valid[p["name"]] = st.integers(schema.get("minimum", -(2**70)), schema.get("maximum", 2**70))
        elif schema.get("type") == "boolean":
            valid[p["name"]] = st.sampled_from(["true", "false"])
        else:
            valid[p["name"]] = st.text(max_size=20)
    arbitrary = st.one_of(st.text(max_size=30), st.integers(-(2**70), 2**70))
    only_valid = st.fixed_dictionaries({k: st.one_of(st.none(), v) for k, v in valid.items()})
    mixed = st.fixed_dictionaries({k: st.one_of(st.none(), v, arbitrary) for k, v in valid.items()})
    return st.one_of(only_valid, mixed).map(lambda d: {k: str(v) for k, v in d.items() if v is not None})


@pytest.mark.parametrize(
    "template",
    [
        "/api/locations/",
        "/api/emissions/",
        "/api/grid-areas/",
        "/api/grid-projects/",
        # the analysis lists (their per-run lists are fuzzed in tests/test_api_analysis.py)
        "/api/analysis/runs/",
        "/api/analysis/scenarios/",
    ],
)
def test_fuzzed_query_parameters_never_break_the_contract(api_world, contract, template):
    client = _client(user_with_role(Role.MINISTERIE))
    operation = contract.operation(template)

    @settings(
        max_examples=60,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(params=_params(operation))
    def check(params: dict[str, str]) -> None:
        response = client.get(template, params)
        assert response.status_code in (200, 400, 404), (params, response.status_code)
        contract.check(template, response)

    check()
