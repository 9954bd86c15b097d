"""The Content-Security-Policy in a real browser (docs/runbook.md, "Security headers"): the ministry opens
every page with charts and maps (home, a location with its emission chart, the map, the analysis with its
htmx tab switch, a plan's timeline, a scenario against its baseline, the round comparison, the grid areas
and carrier rollouts, the API documentation) and Chromium reports no CSP violation and no script error;
every chart and map is drawn. Screenshots go to test-artifacts/screenshots/csp-*.png."""

from __future__ import annotations

import re

import pytest

from cluster6.analysis.models import AnalysisRun, PlanResult
from cluster6.analysis.services import analysis_run, scenario_create
from cluster6.demo.accounts import demo_accounts_ensure
from cluster6.demo.loader import demo_load
from cluster6.infra.models import CarrierRollout, GridServiceArea
from cluster6.registry.models import ProductionLocation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

#: Collects every violation the page reports (the init script runs before any of the page's scripts).
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " +
    (e.sourceFile || "") + ":" + (e.lineNumber || ""));
});
"""


def login(browser_page, username: str, password: str) -> None:
    page = browser_page.page
    browser_page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]:has-text('Inloggen')")
    page.wait_for_url(re.compile(r"/$"))


def test_pages_with_charts_and_maps_run_under_the_policy_without_violations(browser_page):
    demo_load(seed=1, scale=1)
    accounts = {a.role: a for a in demo_accounts_ensure()}
    ministry = accounts["ministerie"]
    page = browser_page.page
    page.context.add_init_script(COLLECT_VIOLATIONS)
    violations: list[str] = []
    csp_console: list[str] = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and csp_console.append(msg.text))

    def check(name: str) -> None:
        violations.extend(f"{name}: {v}" for v in page.evaluate("window.__cspViolations || []"))
        browser_page.screenshot(f"csp-{name}")

    location = ProductionLocation.objects.filter(emissions__isnull=False).order_by("pk").first()
    result = (
        PlanResult.objects.filter(run=AnalysisRun.objects.get(), connection_year__isnull=False)
        .order_by("pk")
        .first()
    )
    from cluster6.accounts.models import User

    scenario = scenario_create(
        actor=User.objects.get(username=ministry.username),
        values={"name": "CSP", "flexible_share": 0.5, "all_plans_flexible": True},
    )
    analysis_run(actor=None, scenario=scenario)
    area = GridServiceArea.objects.order_by("pk").first()
    rollout = CarrierRollout.objects.order_by("pk").first()
    assert location is not None
    assert result is not None
    assert area is not None
    assert rollout is not None

    login(browser_page, ministry.username, ministry.password)
    # the response headers of a page
    response = page.goto(browser_page.base_url + "/")
    headers = response.headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "unsafe-eval" not in headers["content-security-policy"]
    assert "camera=()" in headers["permissions-policy"]
    assert "no-store" in headers["cache-control"]
    check("home")

    browser_page.goto(f"/locaties/{location.pk}/")
    page.wait_for_selector("#emission-chart .main-svg")
    check("location")

    browser_page.goto("/kaart/")
    page.wait_for_selector(".leaflet-container path")
    check("map")

    browser_page.goto("/analyse/")
    page.wait_for_selector("#groups-chart-province .main-svg")
    page.wait_for_selector("#analysis-map[data-ready=true]")
    page.click("#groups-panel .tabs >> text=Sector")
    page.wait_for_selector("#groups-chart-sector .main-svg")  # drawn after the htmx swap
    check("analysis")

    browser_page.goto(f"/analyse/plan/{result.pk}/")
    page.wait_for_selector("#timeline-chart .main-svg")
    check("plan-timeline")

    browser_page.goto(f"/analyse/scenarios/{scenario.pk}/")
    if page.locator("[data-plotly-chart]").count():
        page.wait_for_selector("#counts-chart .main-svg")
    check("scenario")

    browser_page.goto("/plannen/vergelijking/")
    if page.locator("[data-plotly-chart]").count():
        page.wait_for_selector("#comparison-waterfall .main-svg")
    check("comparison")

    for name, path in [
        ("areas", "/infra/netgebieden/"),
        ("area", f"/infra/netgebieden/{area.pk}/"),
        ("rollouts", "/infra/uitrol/"),
        ("rollout", f"/infra/uitrol/{rollout.pk}/"),
    ]:
        browser_page.goto(path)
        page.wait_for_load_state("networkidle")
        if page.locator(".leaflet-container").count():
            page.wait_for_selector(".leaflet-container path")
        check(name)

    browser_page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock")
    check("api-docs")
    browser_page.goto("/api/redoc/")
    page.wait_for_selector(".api-content")
    check("api-redoc")
    # ReDoc's sidebar links its maker's logo from cdn.redoc.ly: the policy blocks it (nothing is loaded
    # from elsewhere), which the browser reports. That is the only violation allowed.
    blocked_logo = [v for v in violations if v.startswith("api-redoc: img-src https://cdn.redoc.ly/")]
    violations = [v for v in violations if v not in blocked_logo]
    csp_console = [m for m in csp_console if "cdn.redoc.ly" not in m]
    console_errors = [m for m in browser_page.console_errors if "cdn.redoc.ly" not in m]

    assert violations == [], violations
    assert csp_console == [], csp_console
    assert console_errors == [], console_errors
    # the blocked logo is the only request to elsewhere the page even tried
    assert browser_page.foreign_requests() in ([], ["https://cdn.redoc.ly/redoc/logo-mini.svg"])


def test_company_pages_ask_before_removing_a_plan_without_inline_handlers(browser_page):
    # given: the demo company with a draft (its submitted revision reopened by RVO)
    from cluster6.accounts.models import User
    from cluster6.plans.models import PlanVersion, Submission
    from cluster6.plans.services import submission_reopen

    demo_load(seed=1, scale=1)
    accounts = {a.role: a for a in demo_accounts_ensure()}
    company = User.objects.get(username=accounts["bedrijf"].username)
    submitted = Submission.objects.filter(
        organisation__memberships__user=company, round__code="demo-dsh-2025"
    ).latest("revision")
    draft = submission_reopen(
        submission=submitted, actor=User.objects.get(username=accounts["rvo"].username), reason="CSP-test"
    )
    count = PlanVersion.objects.filter(submission=draft).count()
    assert count > 0
    page = browser_page.page
    page.context.add_init_script(COLLECT_VIOLATIONS)

    login(browser_page, accounts["bedrijf"].username, accounts["bedrijf"].password)
    browser_page.goto("/plannen/rondes/demo-dsh-2025/")
    remove = page.locator("button[data-confirm]").first
    # when: the company clicks "Verwijderen" and cancels the question
    questions: list[str] = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    remove.click()
    page.wait_for_timeout(500)
    # then: it was asked, and nothing was removed
    assert questions == ["Dit plan uit uw concept verwijderen?"]
    assert PlanVersion.objects.filter(submission=draft).count() == count
    # when: it confirms, the plan is removed
    page.once("dialog", lambda dialog: dialog.accept())
    remove.click()
    page.wait_for_load_state("networkidle")
    assert PlanVersion.objects.filter(submission=draft).count() == count - 1
    browser_page.screenshot("csp-company-round")
    assert page.evaluate("window.__cspViolations || []") == []
    assert browser_page.console_errors == []
