"""The feasibility analysis in a real browser, on the demo data: the ministry opens "Haalbaarheid" (headline,
table per group with the htmx switch, chart and map), makes a scenario in the editor (the top project of
the unlock ranking two years earlier), runs it and reads the comparison, and opens the unlock ranking; then
the demo company opens "Wanneer kan ik aansluiten?" and one plan's answer. Nothing may be loaded from
anywhere but this machine. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest

from cluster6.analysis.models import AnalysisRun, Scenario
from cluster6.demo.accounts import demo_accounts_ensure
from cluster6.demo.loader import demo_load

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login(browser_page, username: str, password: str) -> None:
    page = browser_page.page
    browser_page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]:has-text('Inloggen')")
    page.wait_for_url(re.compile(r"/$"))


def logout(browser_page) -> None:
    browser_page.page.click("button:has-text('Uitloggen')")
    browser_page.page.wait_for_url(re.compile(r"/accounts/login/"))


def test_feasibility_scenario_unlock_and_company_answer(browser_page):
    demo_load(seed=1, scale=1)
    accounts = {a.role: a for a in demo_accounts_ensure()}
    baseline = AnalysisRun.objects.get()
    top = next(e for e in baseline.unlock_ranking if e["co2_gained_t"] > 0)
    page = browser_page.page

    # the ministry opens the feasibility overview: headline, table, chart and map
    ministry = accounts["ministerie"]
    login(browser_page, ministry.username, ministry.password)
    page.click("nav.main-nav >> text=Haalbaarheid")
    page.wait_for_url(re.compile(r"/analyse/$"))
    headline = page.inner_text("#headline")
    assert re.search(r"\d+%", headline)
    assert "L-CES (2024): 73%" in headline
    assert "Gelderland" in page.inner_text("#groups-table")
    page.wait_for_selector("#groups-chart-province .main-svg")
    page.wait_for_selector("#analysis-map[data-ready=true]")
    assert page.locator("#analysis-map path.c6-marker").count() > 100
    assert "Kan niet" in page.inner_text("#analysis-map-legend")
    assert baseline.input_hash in page.inner_text("#provenance")
    assert AnalysisRun.objects.count() == 1  # the stored run was reused, not recomputed
    browser_page.screenshot("analysis-01-overview")

    # the table per group switches with htmx, chart included
    page.click("#groups-panel .tabs >> text=Sector")
    page.wait_for_selector('#groups-table[data-dimension="sector"]')
    assert "Keramiek" in page.inner_text("#groups-table")
    assert "per=sector" in page.url
    page.wait_for_selector("#groups-chart-sector.js-plotly-plot .main-svg")
    page.wait_for_timeout(100)  # htmx settles the swapped fragment
    page.locator("#groups-panel").scroll_into_view_if_needed()
    browser_page.screenshot("analysis-02-per-sector")

    # a scenario in the editor: the top project of the ranking two years earlier
    page.click(".subnav >> text=Scenario's")
    page.wait_for_url(re.compile(r"/analyse/scenarios/$"))
    page.click("#new-scenario")
    page.wait_for_selector("#scenario-form")
    page.fill("#id_name", "Topproject twee jaar eerder")
    page.fill(
        "#id_description", "Het project met de meeste extra reductie vóór 2030, twee jaar eerder klaar."
    )
    page.select_option("#id_project-0-project", value=top["code"])
    page.select_option("#id_project-0-direction", value="eerder")
    page.fill("#id_project-0-years", "2")
    page.click("button[data-add-row=project]")  # a second, empty row: it does not count
    assert page.locator("#rows-project tr").count() == 2
    browser_page.screenshot("analysis-03-scenario-editor")
    page.click("#scenario-save")
    page.wait_for_selector("#not-run")
    assert "2 jaar eerder" in page.inner_text("#override-table")
    scenario = Scenario.objects.get()
    shifts = {**scenario.reinforcement_shifts, **scenario.rollout_shifts}
    shifts.update({f"einde-congestie:{k}": v for k, v in scenario.congestion_end_shifts.items()})
    assert shifts == {top["code"]: -2}

    # run it and read the comparison with the baseline
    page.click("#run-scenario")
    page.wait_for_selector("#comparison")
    assert "Het scenario is doorgerekend" in page.inner_text(".messages")
    delta = page.inner_text("#co2-delta")
    assert delta.strip().startswith("+")
    assert "→" in page.inner_text("#headline-change")
    assert page.locator("#counts-table tbody tr").count() == 4
    assert page.locator("#changes-table tbody tr").count() > 0  # the ministry sees which plans change
    page.wait_for_selector("#counts-chart .main-svg")
    browser_page.screenshot("analysis-04-scenario-comparison")

    # the unlock ranking and the candidate MIEK areas
    page.click(".subnav >> text=Ontsluiting en MIEK")
    page.wait_for_url(re.compile(r"/analyse/ontsluiting/"))
    assert "2 jaar eerder" in page.inner_text("#years-earlier")
    assert top["name"] in page.inner_text("#unlock-table tbody tr:first-child")
    assert page.locator("#miek-table tbody tr").count() > 0
    browser_page.screenshot("analysis-05-unlock")
    logout(browser_page)

    # the demo company asks "Wanneer kan ik aansluiten?"
    company = accounts["bedrijf"]
    login(browser_page, company.username, company.password)
    page.click("nav.main-nav >> text=Wanneer kan ik aansluiten?")
    page.wait_for_url(re.compile(r"/analyse/mijn-aansluiting/$"))
    assert page.locator("#company-results .answer").count() > 0
    browser_page.screenshot("analysis-06-company")
    page.locator("#company-results .answer__link").first.click()
    page.wait_for_selector("#verdict")
    assert page.inner_text("#explanation").strip()
    assert "wanneer kan ik aansluiten?" in page.inner_text(".page-header").lower()
    browser_page.screenshot("analysis-07-company-answer")

    assert browser_page.foreign_requests() == []
    assert browser_page.console_errors == []
