"""The API answers every error in its documented JSON format (docs/api.md, "Errors"): unknown URLs,
wrong methods, media types it cannot produce or read, and unhandled exceptions; never an HTML page."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path
from rest_framework.test import APIClient

from cluster6.accounts.constants import Role
from cluster6.config import urls as config_urls
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("an unhandled error")


#: The project's URLs plus two that fail, with the project's handler500.
urlpatterns = [path("api/boom/", boom), path("boom/", boom), *config_urls.urlpatterns]
handler500 = config_urls.handler500


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"detail"}, body
    assert isinstance(body["detail"], str)
    assert body["detail"]
    return body


@pytest.fixture
def api() -> APIClient:
    client = APIClient()
    client.force_authenticate(user_with_role(Role.MINISTERIE))
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/api/does-not-exist/",
        "/api/locations/1/emissions/nothing/",
        "/api/analysis/plans/abc/connection/",  # the path converter does not match
        "/api/analysis/plans/-1/connection/",
        "/api/plans/comparison/extra/",
    ],
)
def test_an_unknown_api_url_gives_a_json_404_signed_in_or_not(api, url):
    body = assert_error(api.get(url), 404)
    assert body == {"detail": "Niet gevonden."}
    assert_error(APIClient().get(url), 404)
    assert_error(api.post(url, {"x": 1}, format="json"), 404)
    assert_error(api.delete(url), 404)


@pytest.mark.parametrize(
    "url",
    [
        "/api/analysis/plans/12112243756146267525218304/connection/",  # found by schemathesis: was a 500
        "/api/locations/12112243756146267525218304/",
        "/api/analysis/runs/12112243756146267525218304/",
    ],
)
def test_an_id_beyond_any_row_gives_a_json_404(api, url):
    assert_error(api.get(url), 404)


def test_an_api_url_without_its_final_slash_is_redirected_then_json():
    response = Client().get("/api/does-not-exist")
    assert response.status_code == 301
    assert response["Location"] == "/api/does-not-exist/"


def test_the_web_interface_keeps_its_html_404(client):
    client.force_login(user_with_role(Role.MINISTERIE))
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_method_an_endpoint_does_not_allow_gives_a_json_405(api):
    body = assert_error(api.delete("/api/locations/"), 405)
    assert "DELETE" in body["detail"]
    assert_error(api.put("/api/me/", {}, format="json"), 405)


def test_an_accept_header_the_api_cannot_serve_gives_a_json_406(api):
    assert_error(api.get("/api/locations/", HTTP_ACCEPT="application/xml"), 406)


def test_a_body_in_a_media_type_the_api_cannot_read_gives_a_json_415(api):
    response = api.post("/api/analysis/scenarios/", b"<x/>", content_type="application/xml")
    assert_error(response, 415)


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_an_unhandled_exception_under_api_gives_a_json_500_and_elsewhere_the_html_page():
    client = Client(raise_request_exception=False)
    body = assert_error(client.get("/api/boom/"), 500)
    assert "Traceback" not in body["detail"]
    assert "unhandled" not in body["detail"]
    page = client.get("/boom/")
    assert page.status_code == 500
    assert page["Content-Type"].startswith("text/html")
    assert b"Er ging iets mis" in page.content


@pytest.mark.parametrize(
    "body",
    ["[" * 100_000 + "]" * 100_000, '{"name": NaN}', '{"name": 1e400}', '{"name": "x"'],
    ids=["nested-100000", "nan", "overflow", "truncated"],
)
@pytest.mark.parametrize("url", ["/api/analysis/scenarios/", "/api/analysis/runs/"])
def test_a_hostile_json_body_is_a_400_not_a_server_error(api, url, body):
    response = api.post(url, data=body, content_type="application/json")
    assert_error(response, 400)
