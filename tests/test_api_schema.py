"""The OpenAPI schema and the browsable documentation (served offline, from the sidecar package)."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "/api/auth/token/",
    "/api/auth/token/revoke/",
    "/api/me/",
    "/api/locations/",
    "/api/locations/{id}/",
    "/api/locations/{id}/emissions/",
    "/api/emissions/",
    "/api/grid-areas/",
    "/api/grid-areas/{id}/",
    "/api/grid-projects/",
    "/api/grid-projects/{id}/",
    # carrier rollouts (tests/test_api_carriers.py)
    "/api/carrier-rollouts/",
    "/api/carrier-rollouts/{id}/",
    # plans: sharing (tests/test_api_plans.py)
    "/api/plans/",
    "/api/plans/{id}/",
    "/api/consents/",
    "/api/exports/grid-demand/",
    # plans: comparison of survey rounds (tests/plans/test_comparison.py)
    "/api/plans/comparison/",
    # analysis (tests/test_api_analysis.py)
    "/api/analysis/runs/",
    "/api/analysis/runs/latest/",
    "/api/analysis/runs/{id}/",
    "/api/analysis/runs/{id}/plans/",
    "/api/analysis/runs/{id}/unlock-ranking/",
    "/api/analysis/runs/{id}/miek-candidates/",
    "/api/analysis/runs/{id}/export/",
    "/api/analysis/plans/{plan_id}/connection/",
    "/api/analysis/scenarios/",
    "/api/analysis/scenarios/{id}/",
    "/api/analysis/scenarios/{id}/archive/",
    "/api/analysis/scenarios/{id}/run/",
}
#: Operations without an object or page to miss: no 404.
WITHOUT_404 = {
    ("/api/me/", "get"),
    ("/api/plans/comparison/", "get"),
    ("/api/analysis/runs/", "post"),
    ("/api/analysis/scenarios/", "post"),
}
#: Operations without query parameters or a body to get wrong: no 400.
WITHOUT_400 = {
    ("/api/me/", "get"),
    ("/api/analysis/plans/{plan_id}/connection/", "get"),
    ("/api/analysis/scenarios/{id}/archive/", "post"),
}
#: The operations other than GET (the analysis API's writes) and their statuses of success.
WRITES = {
    ("/api/analysis/runs/", "post"): {"200", "201"},
    ("/api/analysis/scenarios/", "post"): {"201"},
    ("/api/analysis/scenarios/{id}/", "put"): {"200"},
    ("/api/analysis/scenarios/{id}/", "patch"): {"200"},
    ("/api/analysis/scenarios/{id}/archive/", "post"): {"200"},
    ("/api/analysis/scenarios/{id}/run/", "post"): {"200", "201"},
}


@pytest.fixture
def schema() -> dict:
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_schema_is_openapi_3_with_every_endpoint(schema):
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == ENDPOINTS


def test_the_schema_is_served_as_yaml_by_default():
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    assert yaml.safe_load(response.content)["openapi"].startswith("3.")


def test_every_endpoint_documents_its_errors_and_needs_authentication(schema):
    operations = set()
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            operations.add((path, method))
            if path == "/api/auth/token/":
                assert set(op["responses"]) == {"200", "400", "429"}  # 429: lockout and rate limit
                assert op.get("security", [{}]) == [{}] or "security" not in op
                continue
            if path == "/api/auth/token/revoke/":  # the token itself, not a session
                assert (method, set(op["responses"])) == ("post", {"204", "401"})
                assert op["security"] == [{"tokenAuth": []}]
                continue
            assert method == "get" or (path, method) in WRITES, (path, method)
            expected = WRITES.get((path, method), {"200"}) | {"401", "403"}
            expected |= {"400"} if (path, method) not in WITHOUT_400 else set()
            expected |= {"404"} if (path, method) not in WITHOUT_404 else set()
            assert set(op["responses"]) == expected, (path, method)
            assert op["security"] == [{"tokenAuth": []}, {"cookieAuth": []}], path
    assert set(WRITES) <= operations


def test_the_analysis_writes_take_json_and_the_export_documents_its_files(schema):
    for path, method in WRITES:
        body = schema["paths"][path][method].get("requestBody", {"content": {"application/json": {}}})
        assert set(body["content"]) == {"application/json"}, (path, method)
    ok = schema["paths"]["/api/analysis/runs/{id}/export/"]["get"]["responses"]["200"]["content"]
    assert set(ok) == {"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def test_the_location_list_documents_its_filters_and_pagination(schema):
    op = schema["paths"]["/api/locations/"]["get"]
    params = {p["name"] for p in op["parameters"]}
    assert params == {
        "q",
        "sector",
        "province",
        "cluster",
        "is_ets",
        "in_lces_scope",
        "grid_operator",
        "emission_year",
        "ordering",
        "page",
        "page_size",
    }
    ok = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ok == "#/components/schemas/PaginatedLocationList"


def test_the_committed_schema_is_current():
    """CI diffs docs/openapi.yaml against a fresh one too; this names the fix sooner."""
    from pathlib import Path

    from django.conf import settings

    committed = yaml.safe_load((Path(settings.PROJECT_DIR) / "docs" / "openapi.yaml").read_text())
    fresh = yaml.safe_load(APIClient().get("/api/schema/").content)
    assert committed == fresh, "run 'make schema' and commit docs/openapi.yaml"


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_docs_render_offline_from_static_files(path):
    response = APIClient().get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    scripts = re.findall(r"<script[^>]*\bsrc=[\"']([^\"']+)", html)
    assert scripts, "the page loads its scripts from files"
    assert all(not re.match(r"(https?:)?//", src) for src in scripts), scripts
    links = re.findall(r"<link[^>]*\bhref=[\"']([^\"']+)", html)
    assert all(not re.match(r"(https?:)?//", href) for href in links), links


def test_the_swagger_ui_loads_its_bundle_and_the_schema_url():
    html = APIClient().get("/api/docs/").content.decode()
    assert "swagger-ui-dist/swagger-ui-bundle.js" in html
    # the start-up script is a file of its own (no inline script under the CSP), with the schema's URL
    assert "/api/docs/?script=" in html
    assert "/api/schema/" in APIClient().get("/api/docs/?script=").content.decode()
