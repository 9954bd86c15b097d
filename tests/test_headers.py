"""Security headers (docs/runbook.md, "Security headers"): the Content-Security-Policy without inline
script or eval, the Permissions-Policy, and `Cache-Control: no-store` on every page, API answer and
download, while static files stay cacheable; and no template or static script that the policy would
block (inline scripts, on*= handlers, javascript: URLs). The browser side is tests/e2e/test_csp_browser.py."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from cluster6.accounts.constants import Role
from cluster6.plans.models import SurveyRound
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

SRC = Path(settings.SRC_DIR)


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def assert_no_store(response) -> None:
    cache = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache, response["Cache-Control"]


@pytest.fixture
def ministry(client):
    user = user_with_role(Role.MINISTERIE)
    client.force_login(user)
    return user


def test_a_page_carries_the_policy_without_inline_script_or_eval(client, ministry):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    csp = directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no hosts
    assert csp["style-src"] == ["'self'", "'unsafe-inline'"]  # plotly.js and Leaflet style at run time
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["connect-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy
    assert_no_store(response)


def test_the_login_page_is_not_stored_either(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert_no_store(response)


def test_api_answers_and_errors_are_not_stored(ministry):
    api = APIClient()
    api.force_authenticate(ministry)
    for path in ("/api/locations/", "/api/me/", "/api/does-not-exist/"):
        response = api.get(path)
        assert_no_store(response)
        assert "camera=()" in response["Permissions-Policy"]
    assert_no_store(APIClient().get("/api/locations/"))  # 401, anonymous


def test_downloads_with_confidential_data_are_not_stored(client):
    # given: a company with an open round (its template holds its plans)
    from tests.plans.submission_world import build_world

    world = build_world()
    client.force_login(world.user)
    for name in ("plans:round_template", "plans:round_template_csv"):
        response = client.get(reverse(name, args=[world.current.code]))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert_no_store(response)
    assert SurveyRound.objects.filter(code=world.current.code).exists()


def test_a_chart_page_has_no_inline_script_only_a_json_data_block(client, ministry):
    from tests.factories import EmissionRecordFactory, ProductionLocationFactory

    location = ProductionLocationFactory()
    EmissionRecordFactory(location=location, year=2022, tco2e=1000)
    EmissionRecordFactory(location=location, year=2023, tco2e=900)
    response = client.get(reverse("location_detail", args=[location.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-plotly-chart="emission-chart-figure"' in html
    assert '<script id="emission-chart-figure" type="application/json">' in html
    assert "core/js/charts.js" in html
    scripts = re.findall(r"<script\b([^>]*)>", html)
    assert all("src=" in attrs or 'type="application/json"' in attrs for attrs in scripts), scripts
    assert "Plotly.newPlot" not in html


def test_the_swagger_page_runs_under_the_site_policy_and_redoc_may_start_its_worker(client, ministry):
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert directives(docs)["script-src"] == ["'self'"]
    assert not re.search(r"<script>\s*\S", docs.content.decode())  # the start-up script is a file
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()
    redoc = client.get("/api/redoc/")
    assert redoc.status_code == 200
    csp = directives(redoc)
    assert csp["worker-src"] == ["'self'", "blob:"]
    assert csp["script-src"] == ["'self'"]


def test_static_files_stay_cacheable(live_server):
    with urllib.request.urlopen(live_server.url + "/static/core/js/charts.js") as response:  # noqa: S310 (http)
        assert response.status == 200
        assert "no-store" not in (response.headers.get("Cache-Control") or "")


def test_production_serves_static_files_before_the_header_middleware():
    from cluster6.config.settings import base

    assert base.MIDDLEWARE[:3] == [
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.csp.ContentSecurityPolicyMiddleware",
        "cluster6.core.middleware.SecurityHeadersMiddleware",
    ]
    production = (SRC / "config" / "settings" / "production.py").read_text()
    assert '[MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]' in production


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
EVENT_ATTRIBUTE = re.compile(r"""<[a-z][^>]*\s(on[a-z]+)\s*=\s*["']""", re.I)
JS_URL = re.compile(r"javascript:", re.I)


@pytest.mark.parametrize(
    "path", sorted(SRC.rglob("templates/**/*.html")), ids=lambda p: str(p.relative_to(SRC))
)
def test_no_template_has_inline_script_event_handlers_or_javascript_urls(path):
    text = path.read_text()
    assert not INLINE_SCRIPT.search(text), INLINE_SCRIPT.search(text)
    assert not EVENT_ATTRIBUTE.search(text), EVENT_ATTRIBUTE.search(text)
    assert not JS_URL.search(text)


@pytest.mark.parametrize("path", sorted(SRC.rglob("static/**/*.js")), ids=lambda p: str(p.relative_to(SRC)))
def test_no_static_script_builds_event_handlers_or_uses_eval(path):
    text = path.read_text()
    assert not re.search(r"""\son[a-z]+\s*=\s*\\?["']""", text), path
    assert not re.search(r"\beval\(|new Function\(|javascript:", text), path
