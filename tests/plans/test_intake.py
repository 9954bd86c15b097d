"""The file side of plan submissions, without the database: number notation, headers, every domain rule,
and the template/CSV round trip (what the platform writes, it reads back unchanged)."""

from __future__ import annotations

import datetime
import io

import pytest
from openpyxl import load_workbook

from cluster6.plans.constants import (
    GridNeed,
    PlanStatus,
    PriorityClass,
    Route,
    TemperatureLevel,
    VoltageLevel,
)
from cluster6.plans.intake import (
    COLUMNS,
    CellError,
    IntakeContext,
    LocationInfo,
    build_csv,
    build_xlsx,
    check_plan,
    format_number,
    parse_bool,
    parse_number,
    parse_table,
    parse_year,
    read_table,
    round_columns,
)
from tests.plans.submission_world import csv_bytes, good_row, headers, xlsx_bytes

KILN = LocationInfo(
    pk=7,
    name="Steenfabriek",
    ets_installation_id="NL_901",
    latest_emission_year=2023,
    latest_emission_t=40_000,
)
BOILER = LocationInfo(pk=8, name="Ketelhuis", ets_installation_id=None)


def context(requested: list[str] | None = None, existing=None) -> IntakeContext:
    return IntakeContext(
        round_year=2025,
        columns=round_columns(requested),
        locations={KILN.pk: KILN, BOILER.pk: BOILER},
        existing=existing or {},
    )


def parse(content: bytes, name: str = "p.xlsx", ctx: IntakeContext | None = None):
    table, errors = read_table(content, name)
    assert table is not None, errors
    return parse_table(table, ctx or context())


# -- numbers ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("12,5", 12.5),
        ("1.234,5", 1234.5),
        ("1.500", 1500.0),  # Dutch thousands
        ("12.000.000", 12_000_000.0),
        ("-2.800.000", -2_800_000.0),
        ("12.5", 12.5),  # a decimal point is accepted when it cannot be thousands
        ("0.75", 0.75),
        (" 3 000 ", 3000.0),
        ("1e3", 1000.0),
        (42, 42.0),
        (2.5, 2.5),
    ],
)
def test_numbers_in_dutch_notation(text, number):
    assert parse_number(text) == number


@pytest.mark.parametrize("text", ["abc", "5 MW", "12,5 t", "1,234.5", "1.23.4", "", "ja"])
def test_text_is_no_number(text):
    with pytest.raises(CellError, match="geen getal"):
        parse_number(text)


def test_years_and_booleans():
    assert parse_year("2028") == 2028
    assert parse_year(2028.0) == 2028
    with pytest.raises(CellError, match="2000–2070"):
        parse_year(2071)
    with pytest.raises(CellError, match="geen geldig jaartal"):
        parse_year("2028,5")
    assert parse_bool("Ja") is True
    assert parse_bool("nee") is False
    with pytest.raises(CellError):
        parse_bool("misschien")


def test_format_number_is_dutch_and_parses_back():
    for value in (0.0, 12.5, 1234.5, -2_800_000.0, 12_000.0, 0.125):
        assert parse_number(format_number(value)) == value
    assert format_number(1234.5) == "1.234,5"
    assert format_number(-2_800_000) == "-2.800.000"


# -- columns and headers ------------------------------------------------------------------------------------


def test_round_columns_follow_the_requested_fields():
    assert [c.name for c in round_columns([])] == [c.name for c in COLUMNS]
    names = [c.name for c in round_columns(["grid_need"])]
    assert names == [
        "location",
        "reference",
        "title",
        "route",
        "co2_reduction_t",
        "in_operation_year",
        "grid_need",
        "status",
    ]


def test_headers_match_without_unit_or_by_field_name():
    cols = [h.split(" (")[0] if h.startswith("CO2-reductie") else h for h in headers()]
    cols[cols.index("Titel")] = "title"
    result = parse(xlsx_bytes([{**good_row(), "CO2-reductie": 100, "title": "Oven"}], columns=cols))
    assert result.errors == []
    assert result.rows[0].values["co2_reduction_t"] == 100.0
    assert result.rows[0].values["title"] == "Oven"


def test_missing_columns_give_one_error_naming_them():
    cols = [h for h in headers() if h not in ("Status", "Titel")]
    result = parse(xlsx_bytes([good_row()], columns=cols))
    assert len(result.errors) == 1
    assert result.errors[0].message == "verplichte kolommen ontbreken: Titel, Status"
    assert result.rows == []


def test_unknown_columns_are_ignored():
    cols = [*headers(), "Opmerking intern"]
    result = parse(xlsx_bytes([{**good_row(), "Opmerking intern": "niet voor het platform"}], columns=cols))
    assert result.errors == []


def test_csv_with_semicolons_commas_and_windows_encoding():
    row = good_row(**{"Titel": "Droger, elektrisch", "CO2-reductie (t/jaar)": "1.234,5"})
    for content in (csv_bytes([row]), csv_bytes([row], delimiter=",")):
        result = parse(content, "p.csv")
        assert result.errors == [], result.errors
        assert result.rows[0].values["title"] == "Droger, elektrisch"
        assert result.rows[0].values["co2_reduction_t"] == 1234.5
    windows = (
        csv_bytes([good_row(**{"Omschrijving": "Oven op 1200 °C"})]).decode("utf-8-sig").encode("cp1252")
    )
    result = parse(windows, "p.csv")
    assert result.rows[0].values["description"] == "Oven op 1200 °C"
    assert result.sheet == "p.csv"


def test_xlsx_needs_the_plans_sheet_when_there_are_several():
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Blad1"
    book.create_sheet("Blad2")
    out = io.BytesIO()
    book.save(out)
    table, errors = read_table(out.getvalue(), "x.xlsx")
    assert table is None
    assert "Plannen" in errors[0].message


# -- every rule, by sheet, line and column ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "column", "text"),
    [
        ({"CO2-reductie (t/jaar)": "abc"}, "CO2-reductie (t/jaar)", "geen getal: 'abc'"),
        (
            {"Extra gecontracteerd vermogen (MW)": "8 MW"},
            "Extra gecontracteerd vermogen (MW)",
            "geen getal: '8 MW'",
        ),
        ({"Waterstof (t/jaar)": -1}, "Waterstof (t/jaar)", "negatief"),
        ({"Jaar in bedrijf": 1999}, "Jaar in bedrijf", "buiten 2000–2070"),
        ({"Jaar in bedrijf": "volgend jaar"}, "Jaar in bedrijf", "geen geldig jaartal"),
        (
            {"Jaar in bedrijf": 2019, "Jaar investeringsbesluit": 2017},
            "Jaar in bedrijf",
            "meer dan 5 jaar vóór deze ronde (vroegst 2020)",
        ),
        ({"Jaar investeringsbesluit": 2030}, "Jaar investeringsbesluit", "ligt na het jaar in bedrijf"),
        (
            {"Locatie (ETS-id of platform-id)": "NL_1"},
            "Locatie (ETS-id of platform-id)",
            "onbekende locatie 'NL_1'",
        ),
        (
            {"Locatie (ETS-id of platform-id)": "99"},
            "Locatie (ETS-id of platform-id)",
            "onbekende locatie '99'",
        ),
        ({"CO2-reductie (t/jaar)": "40.001"}, "CO2-reductie (t/jaar)", "laatst bekende uitstoot"),
        ({"Netaansluiting nodig": "geen"}, "Netaansluiting nodig", "elektrificatie zonder netaansluiting"),
        ({"Spanningsniveau": ""}, "Spanningsniveau", "spanningsniveau ontbreekt"),
        ({"Route": "Waterstof"}, "Waterstofaansluiting nodig", "waterstofroute zonder waterstofaansluiting"),
        (
            {"Route": "ccs", "Af te voeren CO2 (t/jaar)": 5000},
            "CO2-aansluiting nodig",
            "CCS zonder CO2-aansluiting",
        ),
        (
            {"Route": "ccs", "CO2-aansluiting nodig": "ja"},
            "Af te voeren CO2 (t/jaar)",
            "CCS zonder af te voeren CO2",
        ),
        ({"Status": "Uitgesteld"}, "Reden statuswijziging", "reden"),
        ({"Status": "afgeblazen"}, "Reden statuswijziging", "reden"),
        ({"Onrendabele top (EUR)": 30_000_000}, "Onrendabele top (EUR)", "groter dan de investering"),
        ({"Route": "kernfusie"}, "Route", "onbekende waarde: 'kernfusie'"),
        ({"Titel": ""}, "Titel", "verplicht veld is leeg"),
        ({"Titel": "x" * 201}, "Titel", "te lang"),
        ({"Waterstofaansluiting nodig": "misschien"}, "Waterstofaansluiting nodig", "geen ja/nee-waarde"),
        (
            {"Datum aanvraag transportcapaciteit (datum)": "gisteren"},
            "Datum aanvraag transportcapaciteit (datum)",
            "geen geldige datum",
        ),
    ],
)
def test_each_rule_names_sheet_line_and_column(changes, column, text):
    result = parse(xlsx_bytes([good_row(), good_row(**{"Kenmerk": "B", **changes})]))
    assert [(e.sheet, e.line, e.field) for e in result.errors] == [("Plannen", 3, column)], result.errors
    assert text in result.errors[0].message
    assert [r.line for r in result.rows] == [2]


def test_good_row_values():
    result = parse(xlsx_bytes([good_row(**{"Datum aanvraag transportcapaciteit (datum)": "01-03-2024"})]))
    assert result.errors == []
    row = result.rows[0]
    assert (row.location, row.reference, row.line) == (KILN, "OVEN-1", 2)
    values = row.values
    assert values["route"] == Route.ELECTRIFICATION
    assert values["temperature_level"] == TemperatureLevel.VERY_HIGH
    assert values["grid_need"] == GridNeed.LARGER
    assert values["voltage_level"] == VoltageLevel.MV
    assert values["priority_class"] == PriorityClass.OTHER
    assert values["accepts_flexible_contract"] is True
    assert values["grid_request_date"] == datetime.date(2024, 3, 1)
    assert values["gas_delta_m3"] == -6_000_000.0


def test_duplicate_reference_per_location_and_location_by_platform_id():
    rows = [
        good_row(),
        good_row(**{"Kenmerk": "oven-1"}),  # the same reference (case-insensitive) at the same location
        good_row(**{"Locatie (ETS-id of platform-id)": "8", "Kenmerk": "OVEN-1"}),  # another location: fine
    ]
    result = parse(xlsx_bytes(rows))
    assert [(e.line, e.field) for e in result.errors] == [(3, "Kenmerk")]
    assert "al op regel 2" in result.errors[0].message
    assert [r.location.pk for r in result.rows] == [7, 8]


def test_unreadable_fields_do_not_trigger_follow_up_rules():
    # CCS with an unreadable CO2 amount: one error for the amount, not a second "CCS without CO2"
    row = good_row(**{"Route": "ccs", "CO2-aansluiting nodig": "ja", "Af te voeren CO2 (t/jaar)": "veel"})
    result = parse(xlsx_bytes([row]))
    assert [e.field for e in result.errors] == ["Af te voeren CO2 (t/jaar)"]


def test_rules_skip_fields_the_round_does_not_ask():
    ctx = context(requested=["co2_transport_t"])
    values = {
        "route": Route.ELECTRIFICATION,
        "grid_need": GridNeed.NONE,
        "extra_capacity_mw": 5.0,
        "in_operation_year": 2028,
        "co2_reduction_t": 1.0,
        "status": PlanStatus.IDEA,
    }
    assert check_plan(values, ctx, KILN) == []  # grid need and voltage are not asked in this round
    assert [f for f, _m in check_plan(values, context(), KILN)] == ["grid_need", "voltage_level"]


def test_reduction_rule_skipped_when_emissions_are_unknown():
    values = {"co2_reduction_t": 10_000_000.0, "in_operation_year": 2028}
    assert check_plan(values, context(), BOILER) == []


def test_fields_not_asked_are_carried_over_from_the_draft():
    existing = {(7, "OVEN-1"): {"capex_eur": 5_000_000.0, "needs_heat": True, "title": "oud"}}
    ctx = context(requested=["grid_need"], existing=existing)
    cols = [c.header for c in ctx.columns]
    result = parse(xlsx_bytes([good_row()], columns=cols), ctx=ctx)
    assert result.errors == []
    values = result.rows[0].values
    assert values["capex_eur"] == 5_000_000.0  # carried over
    assert values["needs_heat"] is True
    assert values["title"] == "Elektrische oven"  # asked: the file wins


# -- the template -------------------------------------------------------------------------------------------


def test_template_round_trip_xlsx_and_csv():
    # given a plan as the platform holds it
    first = parse(xlsx_bytes([good_row(**{"Datum aanvraag transportcapaciteit (datum)": "2024-03-01"})]))
    values = first.rows[0].values
    row = {**values, "location": "NL_901", "reference": "OVEN-1"}

    # when it is written to the template and to CSV, then read back
    xlsx = build_xlsx(round_name="DSH 2025", columns=list(COLUMNS), rows=[row], locations=[KILN, BOILER])
    csv = build_csv(list(COLUMNS), [row])

    # then the values are the same
    for content, name in ((xlsx, "t.xlsx"), (csv, "t.csv")):
        result = parse(content, name)
        assert result.errors == [], result.errors
        assert result.rows[0].values == values
        assert result.rows[0].reference == "OVEN-1"


def test_template_sheets_lists_and_help():
    xlsx = build_xlsx(
        round_name="DSH 2025",
        columns=round_columns(["grid_need", "needs_co2"]),
        rows=[],
        locations=[KILN, BOILER],
    )
    book = load_workbook(io.BytesIO(xlsx))
    assert book.sheetnames == ["Plannen", "Locaties", "Toelichting", "Keuzelijsten"]
    assert book["Keuzelijsten"].sheet_state == "hidden"
    plans = book["Plannen"]
    assert [c.value for c in plans[1]] == [
        "Locatie (ETS-id of platform-id)",
        "Kenmerk",
        "Titel",
        "Route",
        "CO2-reductie (t/jaar)",
        "Jaar in bedrijf",
        "Netaansluiting nodig",
        "CO2-aansluiting nodig",
        "Status",
    ]
    validations = {str(v.sqref): v for v in plans.data_validations.dataValidation}
    assert validations["A2:A1000"].formula1 == "Locaties!$A$2:$A$3"
    route = validations["D2:D1000"]
    assert route.type == "list"
    lists = book["Keuzelijsten"]
    ref_column = route.formula1.split("!")[1].split(":")[0].replace("$", "")[0]
    options = [c.value for c in lists[ref_column][1:] if c.value]
    assert "Elektrificatie" in options
    assert "CCS" in " ".join(options)
    assert validations["F2:F1000"].type == "whole"
    assert validations["E2:E1000"].type == "decimal"
    help_rows = [[c.value for c in r] for r in book["Toelichting"].iter_rows(min_row=4, max_col=6)]
    assert help_rows[0][0] == "Locatie (ETS-id of platform-id)"
    assert any(r[0] == "CO2-reductie (t/jaar)" and r[2] == "t/jaar" and r[3] == "ja" for r in help_rows)
    locations = [[c.value for c in r] for r in book["Locaties"].iter_rows(min_row=2)]
    assert locations[0][:4] == ["NL_901", 7, "NL_901", "Steenfabriek"]
    assert locations[1][0] == "8"
