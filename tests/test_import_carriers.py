"""`cluster6 import carriers`: the hydrogen, CO2, green gas and heat timeline."""

from __future__ import annotations

import json

import pytest

from cluster6.infra.constants import Carrier, Certainty, SupplyMode
from cluster6.infra.importers.carriers import clusters_served, co2_certainty, hydrogen_certainty
from cluster6.infra.models import CarrierRollout, NetworkPoint
from tests.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

ROLLOUTS = "rollout_id,carrier,name,year,certainty,province,mode,open_access,source\n"
POINTS = "rollout_id,point_id,lon,lat,name\n"


def test_compiled_public_tables(run_import, shared_data):
    # given the compiled hydrogen and CO2 planning of shared/data/infrastructure
    folder = shared_data / "infrastructure"
    files = (
        folder / "nl_hydrogen_network_rollout_compiled.csv",
        folder / "nl_co2_infrastructure_compiled.csv",
    )

    # when they are imported
    report = run_import("carriers", *files)

    # then 7 hydrogen phases (the national total is skipped), 3 CO2 projects and Aramis by ship are stored
    assert report["status"] == "applied", report["errors"]
    assert report["skipped"] == 1
    assert CarrierRollout.objects.filter(carrier=Carrier.HYDROGEN).count() == 7
    assert CarrierRollout.objects.filter(carrier=Carrier.CO2).count() == 4
    # ... the first Rotterdam part is being built (firm, 2026); the Delta Rhine Corridor is uncertain, 2033
    rtm = CarrierRollout.objects.get(code="H2-RTM")
    assert (rtm.year, rtm.certainty) == (2026, Certainty.FIRM)
    drc = CarrierRollout.objects.get(code="H2-DRC")
    assert (drc.year, drc.certainty) == (2033, Certainty.UNCERTAIN)
    # ... the DRC serves clusters 3 and 5: points at Maasvlakte, Pernis, Moerdijk and Chemelot
    assert sorted(drc.points.values_list("name", flat=True)) == [
        "Chemelot (cluster 5)",
        "Maasvlakte (cluster 3)",
        "Moerdijk (cluster 3)",
        "Pernis (cluster 3)",
    ]
    # ... Porthos is sold out, Aramis also comes by ship (uncertain) from 2029
    assert CarrierRollout.objects.get(code="CO2-PORTHOS").open_access is False
    ship = CarrierRollout.objects.get(code="CO2-ARAMIS-SCHIP")
    assert (ship.mode, ship.year, ship.certainty, ship.points.count()) == (
        SupplyMode.SHIP,
        2029,
        Certainty.UNCERTAIN,
        0,
    )
    assert CarrierRollout.objects.get(code="CO2-ARAMIS").source_date.isoformat() == "2025-01-01"

    # and a second import changes nothing
    again = run_import("carriers", *files)
    assert (again["created"], again["updated"], again["deleted"]) == (0, 0, 0)
    assert again["unchanged"] == CarrierRollout.objects.count() + NetworkPoint.objects.count()


def test_own_format_with_points_and_geojson(run_import, tmp_path):
    # given a province, a rollout table, a points table and a GeoJSON line
    ProvinceFactory(code="PV25", name="Gelderland")
    rollouts = tmp_path / "uitrol.csv"
    rollouts.write_text(
        ROLLOUTS
        + "GG-GLD,groen_gas,Groengasnet Gelderland,2031,gepland,Gelderland,net,ja,Provincie\n"
        + "H2-OOST,waterstof,Waterstof Oost,2033,onzeker,,net,,Hynetwork\n"
        + "CO2-TRUCK,co2,CO2 per vrachtwagen,2028,onzeker,PV25,vrachtwagen,1,\n",
        encoding="utf-8",
    )
    points = tmp_path / "punten.csv"
    points.write_text(POINTS + "GG-GLD,P1,5.9,52.0,Arnhem\n", encoding="utf-8")
    line = tmp_path / "h2.geojson"
    line.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"rollout_id": "H2-OOST", "point_id": "L"},
                        "geometry": {
                            "type": "LineString",
                            "coordinates": [[5.9, 51.98], [6.16, 52.25], [6.79, 52.26]],
                        },
                    }
                ],
            }
        ),
        encoding="utf-8",
    )

    # when they are imported together
    report = run_import("carriers", rollouts, points, line)

    # then the rollouts, the point and the three vertices of the line are stored
    assert report["status"] == "applied", report["errors"]
    gg = CarrierRollout.objects.get(code="GG-GLD")
    assert (gg.province.name, gg.year, gg.certainty) == ("Gelderland", 2031, Certainty.PLANNED)
    assert CarrierRollout.objects.get(code="CO2-TRUCK").mode == SupplyMode.TRUCK
    assert sorted(NetworkPoint.objects.filter(rollout__code="H2-OOST").values_list("code", flat=True)) == [
        "L-1",
        "L-2",
        "L-3",
    ]

    # and re-importing the points file with one point moved updates it and removes nothing else
    points.write_text(POINTS + "GG-GLD,P1,5.95,52.0,Arnhem-Zuid\n", encoding="utf-8")
    again = run_import("carriers", points)
    assert again["entities"]["network_points"]["updated"] == 1
    assert NetworkPoint.objects.get(rollout__code="GG-GLD").name == "Arnhem-Zuid"
    assert NetworkPoint.objects.filter(rollout__code="H2-OOST").count() == 3


def test_a_bad_file_is_rejected_whole_with_every_row_named(run_import, tmp_path):
    # given a file with one good row and four bad ones
    path = tmp_path / "uitrol.csv"
    path.write_text(
        ROLLOUTS
        + "H2-A,waterstof,Goed,2030,gepland,,net,,\n"
        + "H2-B,kolen,Onbekende drager,2030,gepland,,net,,\n"
        + "H2-C,waterstof,Geen jaar,twintig,gepland,,net,,\n"
        + "H2-D,waterstof,Per schip,2030,gepland,,schip,,\n"
        + "H2-E,waterstof,Onbekende provincie,2030,gepland,Atlantis,net,,\n",
        encoding="utf-8",
    )
    points = tmp_path / "punten.csv"
    points.write_text(
        POINTS + "H2-A,P1,155000,463000,RD-meters\nH2-X,P1,5.0,52.0,onbekend\n", encoding="utf-8"
    )

    # when it is imported
    report = run_import("carriers", path, points)

    # then nothing is written and every problem names its file, line and field
    assert report["status"] == "rejected"
    assert CarrierRollout.objects.count() == 0
    problems = {(e["sheet"], e["line"], e["field"]) for e in report["errors"]}
    assert problems == {
        ("uitrol.csv", 3, "carrier"),
        ("uitrol.csv", 4, "year"),
        ("uitrol.csv", 5, "mode"),
        ("uitrol.csv", 6, "province"),
        ("punten.csv", 2, "lon"),
        ("punten.csv", 3, "rollout_id"),
    }
    assert any("alleen voor CO₂" in e["message"] for e in report["errors"])


@pytest.mark.parametrize(
    ("text", "clusters"),
    [
        ("3 Rotterdam-Moerdijk; 5 Chemelot", [3, 5]),
        ("1-5 (Cluster 6: geen directe aansluiting voorzien)", [1, 2, 3, 4, 5]),
        ("4 Zeeland; 3 Rotterdam-Moerdijk (Moerdijk)", [4, 3]),
        ("Duitse industrie", []),
    ],
)
def test_clusters_served(text, clusters):
    assert clusters_served(text) == clusters


def test_certainty_rules():
    assert hydrogen_certainty(2025, 2026, "Aanleg gestart 27-10-2023") == Certainty.FIRM
    assert hydrogen_certainty(2030, 2030, "") == Certainty.PLANNED
    assert hydrogen_certainty(2031, 2033, "") == Certainty.UNCERTAIN
    assert co2_certainty("FID okt 2023; bouw gestart apr 2024", "2026") == Certainty.FIRM
    assert co2_certainty("in ontwikkeling", "2028-2029 (planning; FID verwacht 2025)") == Certainty.UNCERTAIN
    assert co2_certainty("Geprioriteerd door kabinet", "2033") == Certainty.PLANNED
