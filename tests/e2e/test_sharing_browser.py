"""Sharing in a real browser: a company grants its grid operator consent on "Delen en toestemming"; the
grid operator finds the plan under "Gedeelde plannen", opens it and downloads the demand export; the
company then sees those reads in its access log and revokes the consent. Nothing is loaded from anywhere
but this machine."""

from __future__ import annotations

import re

import pytest

from cluster6.accounts.constants import Role
from cluster6.plans.constants import PlanStatus
from tests.factories import (
    GridOperatorFactory,
    GridServiceAreaFactory,
    OrganisationFactory,
    PlanFactory,
    PlanVersionFactory,
    ProductionLocationFactory,
    ProvinceFactory,
    SubmittedSubmissionFactory,
    SurveyRoundFactory,
    user_with_role,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # the factories' password


@pytest.fixture
def sharing_world():
    gelderland = ProvinceFactory(code="PV25", name="Gelderland")
    liander = GridOperatorFactory(name="Liander")
    GridOperatorFactory(name="Enexis")
    area = GridServiceAreaFactory(code="L1", name="Arnhem 150/10kV", operators=[liander], province=gelderland)
    company = OrganisationFactory(name="Papierfabriek Renkum B.V.")
    location = ProductionLocationFactory(
        name="Papierfabriek Renkum",
        operator=company,
        province=gelderland,
        grid_operator=liander,
        grid_service_area=area,
        city="Renkum",
    )
    survey_round = SurveyRoundFactory(code="dsh-2025", name="DSH 2025")
    submission = SubmittedSubmissionFactory(organisation=company, round=survey_round)
    for reference, title, year, status, mw in [
        ("PM-1", "Elektrische stoomketel PM1", 2027, PlanStatus.INVESTMENT_DECISION, 12.0),
        ("PM-2", "Warmtepomp droogpartij", 2028, PlanStatus.FEASIBILITY, 3.5),
    ]:
        PlanVersionFactory(
            submission=submission,
            plan=PlanFactory(location=location, reference=reference),
            title=title,
            in_operation_year=year,
            investment_decision_year=None,
            status=status,
            extra_capacity_mw=mw,
            electricity_delta_gwh=mw * 4,
        )
    user_with_role(Role.BEDRIJF, company, username="papier", first_name="Carla", last_name="Claessen")
    user_with_role(Role.NETBEHEERDER, liander, username="liander", first_name="Lars", last_name="de Vries")


def login(browser_page, username: str) -> None:
    page = browser_page.page
    browser_page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Inloggen')")
    page.wait_for_url(re.compile(r"/$"))


def logout(browser_page) -> None:
    browser_page.page.click("button:has-text('Uitloggen')")


def test_a_company_shares_with_its_grid_operator_and_sees_the_reads(browser_page, sharing_world):
    page = browser_page.page

    # the company grants Liander consent for its investment plan
    login(browser_page, "papier")
    page.click("nav.main-nav >> text=Delen")
    page.wait_for_url(re.compile(r"/plannen/delen/$"))
    assert "Er zijn geen geldige toestemmingen" in page.inner_text("main")
    page.select_option("#id_grantee", label="Liander (Netbeheerder)")
    page.select_option("#id_purpose", value="investeringsplan")
    page.click("#consent-form button[type=submit]")
    page.wait_for_url(re.compile(r"/plannen/delen/$"))
    assert "Liander heeft nu toestemming" in page.inner_text(".messages")
    assert "Liander" in page.inner_text("#current-consents")
    browser_page.screenshot("sharing-01-consent-granted")
    logout(browser_page)

    # the grid operator finds the plans, opens one and downloads the export
    login(browser_page, "liander")
    page.click("nav.main-nav >> text=Gedeelde plannen")
    page.wait_for_url(re.compile(r"/plannen/gedeeld/$"))
    assert "2 planversies" in page.inner_text(".results__count")
    browser_page.screenshot("sharing-02-shared-list")
    page.click("text=Elektrische stoomketel PM1")
    page.wait_for_url(re.compile(r"/plannen/gedeeld/\d+/$"))
    assert "Investeringsbesluit" in page.inner_text("main")
    browser_page.screenshot("sharing-03-shared-detail")
    browser_page.goto("/plannen/export/")
    assert "15,50 MW" in page.inner_text("#total-mw")
    browser_page.screenshot("sharing-04-export")
    with page.expect_download() as download:
        page.click("text=Download XLSX")
    assert download.value.suggested_filename == "netvraag-liander-dsh-2025.xlsx"
    logout(browser_page)

    # the company sees who read what, and revokes
    login(browser_page, "papier")
    browser_page.goto("/plannen/delen/")
    log = page.inner_text("#access-log")
    assert "Lars de Vries" in log
    assert "Liander" in log
    assert "export" in log
    assert "Investeringsplan netbeheerder" in log
    browser_page.screenshot("sharing-05-access-log")
    page.click("#current-consents button:has-text('Intrekken')")
    page.wait_for_url(re.compile(r"/plannen/delen/$"))
    assert "is ingetrokken" in page.inner_text(".messages")
    assert "Ingetrokken" in page.inner_text("#past-consents")

    assert browser_page.foreign_requests() == []
    assert browser_page.console_errors == []
