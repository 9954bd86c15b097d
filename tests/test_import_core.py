"""The import framework (cluster6.core.importing), the sector mapping, and the geographic locators."""

from __future__ import annotations

import csv
import json

import pytest

from cluster6.core.errors import RowError
from cluster6.core.importing import (
    FieldReader,
    ImportReport,
    ImportStatus,
    InputFile,
    check_unique_keys,
    execute,
    format_error,
    read_csv,
    require_columns,
)
from cluster6.infra.constants import Certainty, ProjectPhase
from cluster6.infra.importers.areas import AreaBox, ServiceAreaLocator
from cluster6.infra.importers.grid import project_certainty, project_year, split_operators
from cluster6.registry.constants import INDUSTRIAL_SECTORS, Sector
from cluster6.registry.geo import Locator
from cluster6.registry.importers.sectors import HEURISTIC_SECTORS, sector_for


def square(x0, y0, size):
    return {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]],
    }


# -- CSV reading and field parsing ---------------------------------------------------------------------


def test_read_csv_numbers_lines_from_the_header_and_tolerates_a_bom(tmp_path):
    # given a UTF-8 file with a BOM, a quoted field spanning two lines and a blank line
    path = tmp_path / "x.csv"
    path.write_bytes('\ufeffid,name\n1,"een\ntwee"\n\n2,drie\n'.encode())
    report = ImportReport(kind="test", files=["x.csv"])

    # when it is read
    table = read_csv(InputFile.of(path), report)

    # then the header is clean and each row carries the line where it starts
    assert table is not None
    assert table.header == ["id", "name"]
    assert [(r.line, r.values["id"]) for r in table.rows] == [(2, "1"), (5, "2")]
    assert table.rows[0].values["name"] == "een\ntwee"
    assert report.ok


def test_read_csv_accepts_semicolons_and_reports_bad_encoding(tmp_path):
    semicolon = tmp_path / "nl.csv"
    semicolon.write_text("a;b\n1,5;2\n", encoding="utf-8")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("a,b\nFrysl\xe2n,1\n".encode("latin-1"))
    report = ImportReport(kind="test", files=[])

    table = read_csv(InputFile.of(semicolon), report)
    assert table is not None
    assert table.rows[0].values == {"a": "1,5", "b": "2"}
    assert FieldReader(table.rows[0].values, line=2, report=report).number("a") == 1.5

    assert read_csv(InputFile.of(latin), report) is None
    assert "UTF-8" in report.errors[0].message


@pytest.mark.parametrize(
    ("method", "raw", "kwargs", "message"),
    [
        ("number", "abc", {}, "geen getal: 'abc'"),
        ("number", "1.234,5", {}, "geen getal: '1.234,5'"),
        ("number", "95", {"minimum": 50, "maximum": 56}, "95 ligt buiten het bereik 50 tot 56"),
        ("integer", "12.5", {}, "geen geheel getal: '12.5'"),
        ("integer", "-3", {"minimum": 0}, "-3 is kleiner dan 0"),
        ("year", "20x2", {}, "geen geldig jaartal: '20x2'"),
        ("year", "1850", {"minimum": 1990}, "jaartal 1850 buiten het bereik 1990–2100"),
        ("date", "31-12-2024", {}, "geen geldige datum (JJJJ-MM-DD): '31-12-2024'"),
        ("boolean", "misschien", {}, "geen ja/nee-waarde (1/0): 'misschien'"),
        ("text", "", {"required": True}, "verplicht veld is leeg"),
        ("text", "abcdef", {"max_length": 3}, "te lang: 6 tekens, maximaal 3"),
    ],
)
def test_field_reader_names_line_field_and_reason_in_dutch(method, raw, kwargs, message):
    # given a row with one bad value on line 12
    report = ImportReport(kind="test", files=[])
    reader = FieldReader({"veld": raw}, line=12, report=report)

    # when it is parsed
    value = getattr(reader, method)("veld", **kwargs)

    # then the value is dropped and the error says where and why
    assert value in (None, "")
    assert not reader.ok
    assert report.errors == [RowError(line=12, field="veld", message=message)]
    assert str(report.errors[0]) == f"regel 12, veld 'veld': {message}"


def test_field_reader_parses_good_values():
    report = ImportReport(kind="test", files=[])
    reader = FieldReader(
        {"n": " 1 234,5 ", "i": "2022.0", "y": "2022", "b": "ja", "e": "NA", "c": "Open", "j": 52.5},
        line=2,
        report=report,
    )
    assert reader.number("n") == 1234.5
    assert reader.integer("i") == 2022
    assert reader.year("y") == 2022
    assert reader.boolean("b") is True
    assert reader.integer("e") is None  # NA means empty
    assert reader.choice("c", {"open": 1, "closed": 0}) == 1
    assert reader.number("j") == 52.5  # JSON numbers are taken as they are
    assert reader.ok


def test_the_message_of_the_brief():
    report = ImportReport(kind="ets", files=[])
    FieldReader({"latitude": "abc"}, line=12, report=report).number("latitude")
    assert format_error(report.errors[0]) == "regel 12, veld 'latitude': geen getal: 'abc'"
    report.errors[0] = RowError(line=3, field="x", message="m", sheet="a.csv")
    assert format_error(report.errors[0]) == "a.csv: regel 3, veld 'x': m"


def test_missing_columns_and_duplicate_keys_are_reported(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("id,b\nA,1\nB,2\nA,3\n", encoding="utf-8")
    report = ImportReport(kind="test", files=[])
    table = read_csv(InputFile.of(path), report)
    assert table is not None

    assert not require_columns(table, ["id", "name", "year"], report)
    check_unique_keys(((r.values["id"], r.line) for r in table.rows), report, field_name="id")

    assert [str(e) for e in report.errors] == [
        "regel 1, veld 'name': verplichte kolom ontbreekt",
        "regel 1, veld 'year': verplichte kolom ontbreekt",
        "regel 4, veld 'id': dubbele sleutel 'A' (ook op regel 2)",
    ]
    assert report.rejected == 2  # two distinct bad lines


# -- the report and execution ----------------------------------------------------------------------------


def test_report_as_dict_is_json_and_sums_entities():
    report = ImportReport(kind="ets", files=["a.csv"], dry_run=True)
    report.entity("locations", "productielocaties").created = 3
    report.entity("emissions", "emissiegegevens").unchanged = 5
    report.skip("onbekend", 2)
    report.error(4, "latitude", "geen getal: 'x'")
    report.detail("placement", {"op coördinaten": 3}, "ligging")

    data = json.loads(json.dumps(report.as_dict()))

    assert data["created"] == 3
    assert data["unchanged"] == 5
    assert data["skipped"] == 2
    assert data["rejected"] == 1
    assert data["errors"] == [{"sheet": None, "line": 4, "field": "latitude", "message": "geen getal: 'x'"}]
    assert data["entities"]["locations"]["created"] == 3
    assert data["details"] == {"placement": {"op coördinaten": 3}}
    lines = report.summary_lines()
    assert "  ligging: op coördinaten: 3" in lines
    assert "    regel 4, veld 'latitude': geen getal: 'x'" in lines


@pytest.mark.django_db
def test_execute_rolls_back_a_dry_run_and_records_it():
    from cluster6.registry.models import Province

    recorded = []

    def write(report):
        Province.objects.create(code="PV99", name="Testprovincie")
        report.entity("provinces", "provincies").created += 1

    report = execute(ImportReport(kind="t", files=[], dry_run=True), write, record=recorded.append)

    assert report.status == ImportStatus.DRY_RUN
    assert report.created == 1
    assert not Province.objects.filter(code="PV99").exists()
    assert recorded == [report]


@pytest.mark.django_db
def test_execute_rejects_when_the_write_finds_errors_and_rolls_back():
    from cluster6.registry.models import Province

    def write(report):
        Province.objects.create(code="PV98", name="Half")
        report.error(7, "statnaam", "bestaat al")

    report = execute(ImportReport(kind="t", files=[]), write, record=lambda r: None)

    assert report.status == ImportStatus.REJECTED
    assert not Province.objects.filter(code="PV98").exists()


# -- sectors -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nace", "activity", "heuristic", "sector"),
    [
        ("23.32", 20, "", Sector.CERAMICS),  # bricks
        ("20.13", 32, "", Sector.CERAMICS),  # a chemical company's ceramic kiln: the process decides
        ("10.81", 6, "", Sector.FOOD),  # a sugar factory's lime kiln does not make it a lime works
        ("", 30, "", Sector.BUILDING_MATERIALS),  # a lime works without NACE
        ("23.99", 20, "", Sector.BUILDING_MATERIALS),  # asphalt
        ("23.14", 20, "", Sector.BUILDING_MATERIALS),  # glass-wool insulation
        ("23.14", 31, "", Sector.GLASS),  # glass fibre furnace
        ("08.93", 20, "", Sector.OTHER_INDUSTRY),  # salt
        ("19.20", 20, "", Sector.OTHER_INDUSTRY),  # refining
        ("35.11", 20, "", Sector.ENERGY),
        ("06.20", 20, "", Sector.OIL_GAS),
        ("09.10", 1, "", Sector.OIL_GAS),
        ("38.21", 20, "", Sector.WASTE),
        ("63.11", 20, "", Sector.ICT),
        ("01.13", 1, "", Sector.NON_INDUSTRIAL),  # horticulture
        ("86.10", 20, "", Sector.NON_INDUSTRIAL),  # hospital
        ("", 20, "ICT/datacenters", Sector.ICT),  # no NACE: the heuristic is the fallback
        ("", 20, "", Sector.NON_INDUSTRIAL),
    ],
)
def test_sector_mapping(nace, activity, heuristic, sector):
    assert sector_for(nace, activity, heuristic) == sector


def test_sector_mapping_agrees_with_the_heuristic_on_the_real_file(shared_data):
    """For every installation in an industrial group of `sector_group_heuristic`, the documented
    mapping gives the same sector; only two installations that the heuristic moved out of industry by
    name rules (a dairy powder plant, a pharmaceutical plant) count as industry here."""
    path = shared_data / "ets" / "nl_ets_installations_2005_2022.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    industrial_groups = {k for k, v in HEURISTIC_SECTORS.items() if v in INDUSTRIAL_SECTORS}

    disagreements = []
    industry_flips = []
    for row in rows:
        activity = int(row["activity_code"]) if row["activity_code"] else None
        sector = sector_for(row["nace_code"], activity, row["sector_group_heuristic"])
        group = row["sector_group_heuristic"].lower()
        if group in industrial_groups and sector != HEURISTIC_SECTORS[group]:
            disagreements.append(row["installation_name"])
        if (sector in INDUSTRIAL_SECTORS) != (row["is_industry_heuristic"] == "1"):
            industry_flips.append((row["nace_code"], row["installation_name"]))

    assert disagreements == []
    assert sorted(n for n, _ in industry_flips) == ["10.51", "21.20"]


# -- grid helpers --------------------------------------------------------------------------------------


def test_project_certainty_rule():
    assert project_certainty(ProjectPhase.IN_PROGRESS) == Certainty.FIRM
    assert project_certainty(ProjectPhase.APPROVED) == Certainty.FIRM
    assert project_certainty(ProjectPhase.SCHEDULED) == Certainty.PLANNED
    assert project_certainty(ProjectPhase.UNKNOWN) == Certainty.UNCERTAIN
    assert project_certainty(ProjectPhase.IN_PROGRESS, "", "Eerste inschatting") == Certainty.PLANNED
    assert project_certainty(ProjectPhase.SCHEDULED, "", "Eerste schatting (Van).") == Certainty.UNCERTAIN


def test_operators_are_split_and_project_years_read_from_text():
    assert split_operators("Coteq, Enexis") == ["Coteq", "Enexis"]
    assert split_operators(" TenneT ,TenneT") == ["TenneT"]
    report = ImportReport(kind="grid", files=[])
    assert (
        project_year(FieldReader({"year": "2028-afname 2030-opwek"}, line=2, report=report), "year") == 2030
    )
    assert project_year(FieldReader({"year": "2031"}, line=3, report=report), "year") == 2031
    assert project_year(FieldReader({"year": "binnenkort"}, line=4, report=report), "year") is None
    assert [e.line for e in report.errors] == [4]


def test_service_area_locator_takes_the_smallest_box():
    locator = ServiceAreaLocator(
        [
            AreaBox(1, "BIG", 4.0, 51.0, 6.0, 53.0, operator_id=10),
            AreaBox(2, "SMALL", 5.0, 52.0, 5.2, 52.2, operator_id=20),
        ]
    )
    assert locator.locate(5.1, 52.1).code == "SMALL"
    assert locator.locate(4.5, 51.5).code == "BIG"
    assert locator.locate(7.0, 52.0) is None


def test_locator_point_in_polygon_and_coastal_fallback():
    # given two adjacent municipalities (0.1 degree squares) in one province
    locator = Locator(
        provinces=[(1, "PV99", square(4.0, 52.0, 0.2))],
        municipalities=[(11, "GM0001", 1, square(4.0, 52.0, 0.1)), (12, "GM0002", 1, square(4.1, 52.0, 0.1))],
    )
    # a point inside the second one
    assert locator.locate(4.15, 52.05) == (1, 12)
    assert locator.municipality_code(12) == "GM0002"
    # a point 0.05 degree (about 3.4 km) west of the first: the nearest polygon within 10 km
    placement, distance = locator.locate_with_distance(3.95, 52.05)
    assert placement == (1, 11)
    assert 3.0 < distance < 4.0
    # a point 0.5 degree (about 34 km) away: none
    assert locator.locate(3.5, 52.05) is None
    # without boundaries nothing is placed
    assert not Locator()
    assert Locator().locate(4.15, 52.05) is None
