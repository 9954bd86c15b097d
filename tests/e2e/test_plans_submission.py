"""A company user in a real browser: fills in the plan form, saves a draft, leaves and resumes, submits;
then, in a new round, downloads the prefilled XLSX template, fills it in (with openpyxl, as a spreadsheet
program would), uploads a bad version (rejected, every problem listed, nothing saved) and a good one, and
submits; finally RVO reopens that submission. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cluster6.accounts.constants import Role
from cluster6.plans.constants import RoundStatus, SubmissionStatus
from cluster6.plans.models import PlanVersion, Submission
from tests.factories import SurveyRoundFactory, user_with_role
from tests.plans.submission_world import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # the factories' password


def test_company_submits_by_form_and_by_upload(browser_page, tmp_path: Path):
    world = build_world()
    page = browser_page.page

    # log in and open "Uitvragen"
    browser_page.goto("/accounts/login/")
    page.fill("#id_username", "klei")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Inloggen')")
    page.wait_for_url(re.compile(r"/$"))
    page.click("nav.main-nav >> text=Uitvragen")
    page.wait_for_url(re.compile(r"/plannen/$"))
    assert "nog niet begonnen" in page.inner_text("#my-rounds")
    browser_page.screenshot("plans-01-my-rounds")

    # start the open round: the draft begins with the plan of the previous round
    page.click("#my-rounds >> text=Beginnen")
    page.wait_for_url(re.compile(r"/plannen/rondes/dsh-2025/$"))
    assert "1 plan uit L-CES 2024" in page.inner_text("main")
    assert "NL_901" in page.inner_text("#registry-locations")  # registry data, read-only
    page.click("text=Concept aanmaken")
    page.wait_for_selector("#plan-versions")
    assert "Elektrische oven" in page.inner_text("#plan-versions")

    # add a plan in the panel (htmx), with Dutch number notation
    page.click("#add-plan")
    page.wait_for_selector("#plan-panel #plan-form")
    form = "#plan-panel #plan-form"
    page.select_option(f"{form} #id_location", label="Ketelhuis Duiven")
    page.fill(f"{form} #id_title", "Warmtepomp droogkamers")
    page.select_option(f"{form} #id_route", "elektrificatie")
    page.fill(f"{form} #id_co2_reduction_t", "2.500")
    page.fill(f"{form} #id_investment_decision_year", "2026")
    page.fill(f"{form} #id_in_operation_year", "2028")
    page.fill(f"{form} #id_electricity_delta_gwh", "7,5")
    page.fill(f"{form} #id_extra_capacity_mw", "3")
    page.select_option(f"{form} #id_grid_need", "geen")  # a mistake: electrification without grid need
    page.select_option(f"{form} #id_voltage_level", "ms")
    page.select_option(f"{form} #id_status", "haalbaarheid")
    browser_page.screenshot("plans-02-plan-form")
    page.click(f"{form} button:has-text('Opslaan als concept')")
    page.wait_for_selector("#plan-form-errors")
    assert "elektrificatie zonder netaansluiting" in page.inner_text("#plan-panel")
    browser_page.screenshot("plans-03-plan-form-error")
    page.select_option(f"{form} #id_grid_need", "verzwaring")
    page.click(f"{form} button:has-text('Opslaan als concept')")
    page.wait_for_selector("#plan-versions >> text=Warmtepomp droogkamers")
    assert "opgeslagen in uw concept" in page.inner_text(".messages")

    # leave and resume later: the draft is still there
    page.click("nav.main-nav >> text=Locaties")
    page.wait_for_url(re.compile(r"/locaties/$"))
    page.click("nav.main-nav >> text=Uitvragen")
    page.click("#my-rounds >> text=Verdergaan")
    page.wait_for_selector("#plan-versions")
    table = page.inner_text("#plan-versions")
    assert "Warmtepomp droogkamers" in table
    assert "2.500" in table

    # edit the copied plan in the panel
    oven = PlanVersion.objects.get(submission__round__code="dsh-2025", plan__reference="OVEN-1")
    page.click(f"#versie-{oven.pk} >> text=Bewerken")
    page.wait_for_selector("#plan-panel #plan-form")
    assert page.input_value(f"{form} #id_co2_reduction_t") == "12.000"
    page.fill(f"{form} #id_co2_reduction_t", "13.000")
    page.click(f"{form} button:has-text('Opslaan als concept')")
    page.wait_for_selector(f"#versie-{oven.pk} td.num >> text=13.000")
    browser_page.screenshot("plans-04-draft")

    # submit: confirm, then the round is locked
    page.click("#submit-link")
    page.wait_for_selector("#submit-form")
    page.check("#id_confirm")
    page.click("text=Definitief indienen")
    page.wait_for_selector("#locked-notice")
    assert "Plan toevoegen" not in page.inner_text("main")
    browser_page.screenshot("plans-05-submitted")
    first = Submission.objects.get(round__code="dsh-2025")
    assert first.status == SubmissionStatus.SUBMITTED
    assert first.versions.count() == 2

    # a new round opens: it starts from what was just submitted
    SurveyRoundFactory(
        code="top60-2025",
        name="Top-60 2025",
        status=RoundStatus.OPEN,
        previous=world.current,
        opens_on=datetime.date(2025, 6, 1),
        closes_on=datetime.date(2025, 12, 31),
    )
    page.click("nav.main-nav >> text=Uitvragen")
    page.click("#my-rounds tr:has-text('Top-60 2025') >> text=Beginnen")
    page.click("text=Concept aanmaken")
    page.wait_for_selector("#plan-versions")

    # download the template: prefilled with the two plans
    with page.expect_download() as info:
        page.click("#template-xlsx")
    template = tmp_path / "sjabloon.xlsx"
    info.value.save_as(template)
    book = load_workbook(template)
    sheet = book["Plannen"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, [c.value for c in r], strict=True)) for r in sheet.iter_rows(min_row=2)]
    assert sorted(r["Kenmerk"] for r in rows) == ["OVEN-1", "PLAN-001"]
    assert {r["Kenmerk"]: r["CO2-reductie (t/jaar)"] for r in rows}["OVEN-1"] == 13_000

    # fill it in as a person would: a changed year, a new plan, and two mistakes
    col = {name: i + 1 for i, name in enumerate(header)}
    oven_row = next(i for i, r in enumerate(rows, start=2) if r["Kenmerk"] == "OVEN-1")
    sheet.cell(oven_row, col["Jaar in bedrijf"], 2032)
    sheet.cell(oven_row, col["Status"], "Uitgesteld")
    sheet.cell(oven_row, col["Reden statuswijziging"], "Wacht op netverzwaring")
    new = len(rows) + 2
    for name, value in {
        "Locatie (ETS-id of platform-id)": "NL_901",
        "Kenmerk": "CCS-1",
        "Titel": "CO2-afvang rookgassen",
        "Route": "CO₂-afvang en -opslag (CCS)",
        "CO2-reductie (t/jaar)": "veel",  # text in a number field
        "Jaar in bedrijf": 2031,
        "CO2-aansluiting nodig": "ja",
        "Af te voeren CO2 (t/jaar)": "9.000",
        "Netaansluiting nodig": "Geen",
        "Status": "Idee",
    }.items():
        sheet.cell(new, col[name], value)
    sheet.cell(new + 1, col["Locatie (ETS-id of platform-id)"], "NL_404")  # not a location of the company
    sheet.cell(new + 1, col["Titel"], "Onbekend")
    sheet.cell(new + 1, col["Route"], "Overig")
    sheet.cell(new + 1, col["CO2-reductie (t/jaar)"], 10)
    sheet.cell(new + 1, col["Jaar in bedrijf"], 2030)
    sheet.cell(new + 1, col["Status"], "Idee")
    bad = tmp_path / "plannen-fout.xlsx"
    book.save(bad)
    draft = Submission.objects.get(round__code="top60-2025")
    before = sorted(draft.versions.values_list("pk", "co2_reduction_t", "in_operation_year"))

    # the bad upload: rejected whole, every problem in a table, nothing saved
    page.set_input_files("#upload-form input[type=file]", str(bad))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#import-errors")
    errors = page.inner_text("#import-errors")
    assert "geen getal: 'veel'" in errors
    assert "onbekende locatie 'NL_404'" in errors
    assert page.locator("#import-errors tbody tr").count() == 2
    assert sorted(draft.versions.values_list("pk", "co2_reduction_t", "in_operation_year")) == before
    page.locator("#import-errors").scroll_into_view_if_needed()
    browser_page.screenshot("plans-06-upload-rejected")

    # fix the file and upload again
    sheet.cell(new, col["CO2-reductie (t/jaar)"], "8.500")
    sheet.delete_rows(new + 1)
    good = tmp_path / "plannen.xlsx"
    book.save(good)
    page.set_input_files("#upload-form input[type=file]", str(good))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#plan-versions >> text=CO2-afvang rookgassen")
    assert "3 plan(nen) ingelezen" in page.inner_text(".messages")
    table = page.inner_text("#plan-versions")
    assert "8.500" in table
    assert "Uitgesteld" in table
    browser_page.screenshot("plans-07-upload-accepted")

    # submit the new round; the first round's submission is untouched
    page.click("#submit-link")
    page.check("#id_confirm")
    page.click("text=Definitief indienen")
    page.wait_for_selector("#locked-notice")
    draft.refresh_from_db()
    assert draft.status == SubmissionStatus.SUBMITTED
    assert draft.versions.count() == 3
    oven_first = first.versions.get(plan__reference="OVEN-1")
    assert (oven_first.co2_reduction_t, oven_first.in_operation_year) == (13_000.0, 2029)
    assert draft.versions.get(plan__reference="OVEN-1").in_operation_year == 2032

    # RVO follows the round and reopens the submission with a reason: a new draft revision
    user_with_role(Role.RVO, username="rvo", first_name="Rik", last_name="van RVO")
    page.click("button:has-text('Uitloggen')")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.fill("#id_username", "rvo")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Inloggen')")
    page.wait_for_url(re.compile(r"/$"))
    page.click("nav.main-nav >> text=Uitvragen")
    page.click("#round-index >> text=Top-60 2025")
    page.wait_for_selector("#round-overview")
    row = f"#inzending-{draft.pk}"
    assert "Ingediend" in page.inner_text(row)
    assert "Elektrische oven" not in page.inner_text("main")  # metadata only
    page.fill(f"{row} textarea", "Reductiecijfer CCS onzeker")
    browser_page.screenshot("plans-08-rvo-overview")
    page.click(f"{row} button:has-text('Heropenen')")
    page.wait_for_selector("text=heropend als revisie 2")
    reopened = Submission.objects.get(round__code="top60-2025", revision=2)
    assert reopened.status == SubmissionStatus.DRAFT
    assert reopened.versions.count() == 3
    draft.refresh_from_db()
    assert draft.status == SubmissionStatus.SUBMITTED
    browser_page.screenshot("plans-09-rvo-reopened")

    assert browser_page.foreign_requests() == []
    # the rejected upload answers 400 (by design: an invalid form); nothing else may fail
    assert [e for e in browser_page.console_errors if "status of 400" not in e] == []
