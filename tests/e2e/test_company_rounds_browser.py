"""A company in a real browser (issue 7, points 3 and 5): it opens every round and revision page it has,
also those of submissions without a "submitted by" user (as every demo submission has; these pages gave a
500), then downloads its round template, whose plan title starts with `=`, and the downloaded files carry
that title as text, not as a formula."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cluster6.plans.constants import SubmissionStatus
from tests.plans.test_company_round_pages import build_demo_like_company

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # the factories' password
TITLE = '=HYPERLINK("http://example.invalid/","klik")'


def login(browser_page, username: str) -> None:
    page = browser_page.page
    browser_page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Inloggen')")
    page.wait_for_url(re.compile(r"/$"))


def test_a_company_opens_all_its_rounds_and_downloads_a_safe_template(browser_page):
    world = build_demo_like_company(title=TITLE)
    page = browser_page.page
    login(browser_page, world.user.username)

    # Mijn uitvragen, then every round page and every submitted revision
    response = page.goto(browser_page.base_url + "/plannen/")
    assert response is not None
    assert response.status == 200
    browser_page.screenshot("company-rounds-01-my-rounds")
    links = page.eval_on_selector_all(
        "main a[href*='/plannen/rondes/']", "els => els.map(e => new URL(e.href).pathname)"
    )
    round_pages = sorted({p for p in links if re.fullmatch(r"/plannen/rondes/[\w-]+/", p)})
    assert round_pages == sorted(f"/plannen/rondes/{r.code}/" for r in world.rounds)
    revision_pages: set[str] = set()
    for i, path in enumerate(round_pages, start=1):
        response = page.goto(browser_page.base_url + path)
        assert response is not None
        assert response.status == 200, path
        assert "Er ging iets mis" not in page.inner_text("body")
        browser_page.screenshot(f"company-rounds-02-round-{i}")
        revision_pages |= set(
            page.eval_on_selector_all(
                "main a[href*='/revisies/']", "els => els.map(e => new URL(e.href).pathname)"
            )
        )
    expected = {
        f"/plannen/rondes/{s.round.code}/revisies/{s.revision}/"
        for s in world.submissions
        if s.status == SubmissionStatus.SUBMITTED
    }
    assert revision_pages == expected
    for i, path in enumerate(sorted(revision_pages), start=1):
        response = page.goto(browser_page.base_url + path)
        assert response is not None
        assert response.status == 200, path
        assert "ingediend op" in page.inner_text("main .lead")
        assert TITLE in page.inner_text("main")  # shown as text on the page too
        browser_page.screenshot(f"company-rounds-03-revision-{i}")

    # the template of the open round with the reopened draft: XLSX and CSV
    browser_page.goto("/plannen/rondes/dsh-2025/")
    assert "heropend door RVO" in page.inner_text("#reopened-notice")
    browser_page.screenshot("company-rounds-04-draft-round")
    with page.expect_download() as download:
        page.click("#template-xlsx")
    content = Path(download.value.path()).read_bytes()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert not any(re.search(r"<f[ >]", xml) for xml in sheets)  # no formula anywhere in the workbook
    book = load_workbook(io.BytesIO(content))
    sheet = book["Plannen"]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("Titel") + 1)
    assert cell.value == TITLE
    assert cell.data_type == "s"  # text, not a formula ("f")
    assert cell.quotePrefix

    with page.expect_download() as download:
        page.click("a:has-text('Als CSV')")
    text = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    title = rows[1][rows[0].index("Titel")]
    assert title == "'" + TITLE  # the quote makes Excel and LibreOffice read it as text

    assert browser_page.foreign_requests() == []
    assert browser_page.console_errors == []
