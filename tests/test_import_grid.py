"""`cluster6 import grid`: the capacity map's service areas, projects, congestion zones and the
information-model format, and assigning locations to service areas."""

from __future__ import annotations

import csv
import json

import pytest

from cluster6.infra.constants import Certainty, CongestionColour, OperatorType, ProjectPhase
from cluster6.infra.models import CongestionZone, GridProject, GridServiceArea
from cluster6.registry.constants import OrganisationKind
from cluster6.registry.models import Organisation, ProductionLocation
from tests.factories import ProductionLocationFactory, ProvinceFactory

pytestmark = pytest.mark.django_db

AREAS = "capaciteitskaart_serviceareas_2026-07-29.csv"
PROJECTS = "capaciteitskaart_projects_2026-07-29.csv"
ZONES = "nbnl_congestie_statusvlakken_2026-08-21.geojson"

AREA_HEADER = (
    "area_id,name,grid_operator,operator_type,provincie,bbox_left,bbox_bottom,bbox_right,bbox_top,"
    "queue_withdrawal_mw,unique_requests_withdrawal,year_solved_withdrawal_rnb,tennet_status_withdrawal\n"
)
PROJECT_HEADER = "area_id,project_name,grid_operator,operator_type,date_string,year,quarter,project_phase\n"


@pytest.fixture
def grid(shared_data):
    return shared_data / "grid"


def smallest_box_containing(path, lon, lat):
    """The expected assignment, computed independently from the CSV."""
    with path.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["operator_type"] == "RNB"]
    inside = [
        r
        for r in rows
        if float(r["bbox_left"]) <= lon <= float(r["bbox_right"])
        and float(r["bbox_bottom"]) <= lat <= float(r["bbox_top"])
    ]

    def size(r):
        return (float(r["bbox_right"]) - float(r["bbox_left"])) * (
            float(r["bbox_top"]) - float(r["bbox_bottom"])
        )

    return min(inside, key=lambda r: (size(r), r["area_id"]))


def test_real_service_areas_and_projects(run_import, grid):
    # given the provinces (the areas refer to them by name) and a location in Ede
    for code, name in [
        ("PV20", "Groningen"), ("PV21", "Fryslân"), ("PV22", "Drenthe"), ("PV23", "Overijssel"),
        ("PV24", "Flevoland"), ("PV25", "Gelderland"), ("PV26", "Utrecht"), ("PV27", "Noord-Holland"),
        ("PV28", "Zuid-Holland"), ("PV29", "Zeeland"), ("PV30", "Noord-Brabant"), ("PV31", "Limburg"),
    ]:  # fmt: skip
        ProvinceFactory(code=code, name=name)
    ede = ProductionLocationFactory(name="Ede", longitude=5.66, latitude=52.04)

    # when the service areas and projects are imported
    report = run_import("grid", grid / AREAS, grid / PROJECTS)

    # then every area, operator and distinct project is stored
    assert report["status"] == "applied"
    assert GridServiceArea.objects.count() == 301
    assert GridServiceArea.objects.filter(operator_type=OperatorType.TENNET).count() == 21
    operators = Organisation.objects.filter(kind=OrganisationKind.GRID_OPERATOR)
    assert set(operators.values_list("name", flat=True)) == {
        "Liander", "Enexis", "Stedin", "TenneT", "Coteq", "Rendo", "Westland",
    }  # fmt: skip
    amlm = GridServiceArea.objects.get(code="AMLM")
    assert sorted(amlm.operators.values_list("name", flat=True)) == ["Coteq", "Enexis"]
    assert amlm.province.name == "Overijssel"
    assert (amlm.queue_withdrawal_mw, amlm.queue_requests_withdrawal) == (10.5, 41)
    assert (amlm.congestion_end_withdrawal_rnb, amlm.tennet_status_withdrawal) == (2029, 3)
    assert GridServiceArea.objects.get(code="HMZ").congestion_end_withdrawal_rnb is None  # 2099 = unknown
    assert GridProject.objects.count() == 5101 - 105
    assert report["skip_reasons"] == {"dubbele, identieke projectregel": 105}
    # the certainty rule: in progress or approved is firm, scheduled is planned
    project = GridProject.objects.get(area__code="AMLM", name="Almelo 380/110 kV realiseren station")
    assert (project.phase, project.certainty, project.completion_year) == (
        ProjectPhase.SCHEDULED, Certainty.PLANNED, 2037,
    )  # fmt: skip
    assert not GridProject.objects.filter(phase=ProjectPhase.IN_PROGRESS).exclude(
        certainty__in=[Certainty.FIRM, Certainty.PLANNED]
    )
    assert (
        GridProject.objects.get(name="Nieuw HS/MS-station stichten Opwek en Afname").completion_year == 2030
    )

    # and the location is assigned the smallest box that contains it, with that area's first operator
    ede.refresh_from_db()
    expected = smallest_box_containing(grid / AREAS, 5.66, 52.04)
    assert ede.grid_service_area.code == expected["area_id"]
    assert ede.grid_operator.name == expected["grid_operator"].split(",")[0].strip()

    # and a second run changes nothing
    again = run_import("grid", grid / AREAS, grid / PROJECTS)
    assert (again["created"], again["updated"]) == (0, 0)
    assert GridProject.objects.count() == 5101 - 105


def test_real_congestion_zones(run_import, grid):
    report = run_import("grid", grid / ZONES)

    assert report["status"] == "applied"
    assert CongestionZone.objects.count() == 1427
    assert report["skip_reasons"] == {"dubbel congestiegebied (zelfde laag en vorm)": 4}
    assert CongestionZone.objects.filter(layer="rnb_afname", colour=CongestionColour.SHORTAGE).count() > 100
    assert str(CongestionZone.objects.first().snapshot_date) == "2026-08-21"


def test_congestion_zones_are_updated_and_stale_ones_removed(run_import, tmp_path):
    def zones(colour, with_second=True):
        square = [[[5.0, 52.0], [5.1, 52.0], [5.1, 52.1], [5.0, 52.1], [5.0, 52.0]]]
        other = [[[6.0, 52.0], [6.1, 52.0], [6.1, 52.1], [6.0, 52.1], [6.0, 52.0]]]
        features = [
            {"type": "Feature",
             "properties": {"laag": "rnb_afnamefgb", "color_code": colour, "RNB": "Liander"},
             "geometry": {"type": "Polygon", "coordinates": square}},
        ]  # fmt: skip
        if with_second:
            features.append(
                {"type": "Feature", "properties": {"laag": "tennet_afnamefgb", "color_code": -1},
                 "geometry": {"type": "Polygon", "coordinates": other}}
            )  # fmt: skip
        path = tmp_path / f"zones-{colour}-{with_second}.geojson"
        path.write_text(
            json.dumps({"type": "FeatureCollection", "peildatum": "2026-08-21", "features": features})
        )
        return path

    assert run_import("grid", zones(2))["created"] == 2
    same = run_import("grid", zones(2))
    assert (same["created"], same["updated"], same["unchanged"]) == (0, 0, 2)

    changed = run_import("grid", zones(3, with_second=False))

    assert changed["entities"]["zones"] == {
        "label": "congestiegebieden", "created": 0, "updated": 1, "unchanged": 0, "deleted": 1,
    }  # fmt: skip
    assert list(CongestionZone.objects.values_list("layer", "colour")) == [("rnb_afname", 3)]


def test_information_model_examples(run_import, grid):
    folder = grid / "im_capaciteitskaart_v1.3.0"

    report = run_import(
        "grid",
        folder / "im_capaciteitskaart_dso-20250110.json",
        folder / "im_capaciteitskaart_tso-20250120.json",
    )

    assert report["status"] == "applied"
    dso = GridServiceArea.objects.get(code="OS FICTIEF 20-3i")
    assert dso.operator_type == OperatorType.RNB
    assert list(dso.operators.values_list("name", flat=True)) == ["Liander"]  # from alliander.com
    assert (dso.existing_capacity_withdrawal_mw, dso.required_capacity_withdrawal_mw) == (47, 58)
    assert (dso.queue_withdrawal_mw, dso.queue_requests_withdrawal) == (3, 15)
    # no constraint on the area: the worst of its postcode areas (red) and (red)
    assert (dso.status_withdrawal, dso.status_injection) == (
        CongestionColour.SHORTAGE,
        CongestionColour.SHORTAGE,
    )
    drenthe = GridServiceArea.objects.get(code="Drenthe")
    assert drenthe.operator_type == OperatorType.TENNET
    assert (drenthe.tennet_status_withdrawal, drenthe.congestion_end_withdrawal_tennet) == (
        CongestionColour.INVESTIGATION, 2030,
    )  # fmt: skip
    works = {
        (p.area.code, p.name): (p.completion_year, p.completion_quarter) for p in GridProject.objects.all()
    }
    assert works[("OS FICTIEF 20-3i", "WO#_1234_Verzwaring_Pieterslaan")] == (2026, None)
    assert works[("OS FICTIEF 20-3i", "WO#_4321_Vervanging_Transformator")] == (2026, 3)
    assert len(works) == 6


def test_bad_grid_files_are_rejected_whole(run_import, tmp_path):
    areas = tmp_path / "areas.csv"
    areas.write_text(
        AREA_HEADER
        + "A1,Station A,Enexis,RNB,,5.0,52.0,5.2,52.2,10,4,2029,3\n"
        + "A2,Station B,Enexis,RNX,,5.0,52.0,5.2,,x,4,2029,3\n"
        + "A3,Station C,Enexis,RNB,,5.3,52.0,5.2,52.2,10,-1,20x9,7\n"
        + "A1,Station A bis,Enexis,RNB,,5.0,52.0,5.2,52.2,10,4,2029,3\n",
        encoding="utf-8",
    )
    projects = tmp_path / "projects.csv"
    projects.write_text(
        PROJECT_HEADER
        + "A1,Versterking,Enexis,RNB,2029,2029,,approved\n"
        + "ZZ,Elders,Enexis,RNB,2029,2029,,approved\n"
        + "A1,Versterking,Enexis,RNB,2030,2030,,approved\n"
        + "A1,Kwartaal,Enexis,RNB,2030,2030,5,gestopt\n",
        encoding="utf-8",
    )

    report = run_import("grid", areas, projects)

    assert report["status"] == "rejected"
    errors = [(e["sheet"], e["line"], e["field"]) for e in report["errors"]]
    assert errors == [
        ("areas.csv", 3, "operator_type"),
        ("areas.csv", 3, "bbox_left"),  # incomplete box
        ("areas.csv", 3, "queue_withdrawal_mw"),
        ("areas.csv", 4, "bbox_left"),  # reversed box
        ("areas.csv", 4, "unique_requests_withdrawal"),
        ("areas.csv", 4, "year_solved_withdrawal_rnb"),
        ("areas.csv", 4, "tennet_status_withdrawal"),
        ("areas.csv", 5, "area_id"),  # duplicate
        ("projects.csv", 3, "area_id"),  # unknown area
        ("projects.csv", 4, "project_name"),  # same key, other data
        ("projects.csv", 5, "project_phase"),
        ("projects.csv", 5, "quarter"),
    ]
    assert not GridServiceArea.objects.exists()
    assert not GridProject.objects.exists()
    assert not Organisation.objects.exists()
    assert not ProductionLocation.objects.exists()
