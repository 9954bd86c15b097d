"""`cluster6 import boundaries`: CBS provinces and municipalities, and placing locations with them."""

from __future__ import annotations

import csv
import json

import pytest

from cluster6.registry.geo import Locator
from cluster6.registry.models import Municipality, ProductionLocation, Province
from tests.factories import ProductionLocationFactory

pytestmark = pytest.mark.django_db


def square(x0, y0, size):
    return {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]],
    }


def feature_collection(features):
    return {"type": "FeatureCollection", "features": features}


def feature(code, name, geometry):
    return {"type": "Feature", "properties": {"statcode": code, "statnaam": name}, "geometry": geometry}


def test_real_boundaries_are_stored_and_locations_placed(run_import, boundaries_files, shared_data):
    # given a location in Velsen (Tata Steel) that is not yet placed, and one 2 km off the Den Helder coast
    velsen = ProductionLocationFactory(
        name="Tata", latitude=52.47385, longitude=4.6236046, province=None, municipality=None
    )
    coast = ProductionLocationFactory(
        name="Kust", latitude=52.90, longitude=4.68, province=None, municipality=None
    )

    # when the three boundary files are imported
    report = run_import("boundaries", *boundaries_files)

    # then 12 provinces and 342 municipalities are stored with their geometry and province
    assert report["status"] == "applied"
    assert report["entities"]["provinces"]["created"] == 12
    assert report["entities"]["municipalities"]["created"] == 342
    assert Province.objects.filter(geometry__isnull=False).count() == 12
    assert Municipality.objects.filter(geometry__isnull=False).count() == 342
    with (shared_data / "boundaries" / "nl_gemeente_provincie_2025.csv").open(encoding="utf-8") as fh:
        expected = {row["gemeente_code"]: row["provincie_code"] for row in csv.DictReader(fh)}
    assert dict(Municipality.objects.values_list("code", "province__code")) == expected

    # and the locations are placed, the coastal one in the nearest municipality, with their clusters
    velsen.refresh_from_db()
    coast.refresh_from_db()
    assert (velsen.municipality.code, velsen.province.code, velsen.cluster_derived) == ("GM0453", "PV27", 2)
    assert coast.municipality.code == "GM0400"  # Den Helder
    assert coast.cluster_derived == 6
    assert report["entities"]["locations_placed"]["updated"] == 2

    # and a second run changes nothing
    again = run_import("boundaries", *boundaries_files)
    assert (again["created"], again["updated"]) == (0, 0)
    assert again["unchanged"] == 12 + 342 + 2


def test_the_locator_answers_from_the_database(run_import, boundaries_files):
    run_import("boundaries", *boundaries_files)
    locator = Locator.from_db()

    placement = locator.locate(5.1214, 52.0907)  # Utrecht, Domtoren
    assert placement is not None
    assert locator.municipality_code(placement.municipality_id) == "GM0344"
    assert Province.objects.get(pk=placement.province_id).code == "PV26"
    assert locator.locate(8.5, 50.5) is None  # in Germany, far from any municipality


def test_municipalities_without_the_table_take_the_province_of_their_polygon(run_import, tmp_path):
    provinces = tmp_path / "provincies.geojson"
    provinces.write_text(json.dumps(feature_collection([feature("PV26", "Utrecht", square(5.0, 52.0, 0.4))])))
    municipalities = tmp_path / "gemeenten.geojson"
    municipalities.write_text(
        json.dumps(feature_collection([feature("GM0344", "Utrecht", square(5.1, 52.05, 0.1))]))
    )

    report = run_import("boundaries", provinces, municipalities)

    assert report["status"] == "applied"
    assert Municipality.objects.get(code="GM0344").province.code == "PV26"


def test_bad_geojson_is_rejected_whole(run_import, tmp_path):
    # given provinces with a bad code, a missing name, a geometry in RD metres, a point and a duplicate
    path = tmp_path / "provincies.geojson"
    path.write_text(
        json.dumps(
            feature_collection(
                [
                    feature("PV20", "Groningen", square(6.5, 53.0, 0.2)),
                    feature("PV2X", "Fout", square(5.0, 52.0, 0.1)),
                    feature("PV21", "", square(5.5, 53.0, 0.1)),
                    feature("PV22", "Drenthe", square(155000, 463000, 1000)),
                    feature("PV23", "Overijssel", {"type": "Point", "coordinates": [6.0, 52.4]}),
                    feature("PV20", "Groningen bis", square(6.5, 53.3, 0.1)),
                ]
            )
        )
    )

    report = run_import("boundaries", path)

    assert report["status"] == "rejected"
    assert [(e["line"], e["field"]) for e in report["errors"]] == [
        (2, "statcode"),
        (3, "statnaam"),
        (4, "geometry"),
        (5, "geometry"),
        (6, "statcode"),
    ]
    assert "WGS84" in report["errors"][2]["message"]
    assert not Province.objects.exists()


def test_mixed_or_unknown_content_is_rejected(run_import, tmp_path):
    mixed = tmp_path / "mixed.geojson"
    mixed.write_text(
        json.dumps(
            feature_collection(
                [
                    feature("PV26", "Utrecht", square(5.0, 52.0, 0.4)),
                    feature("GM0344", "U", square(5, 52, 0.1)),
                ]
            )
        )
    )
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [')
    table = tmp_path / "tabel.csv"
    table.write_text("gemeente_code,provincie_code\nGM0344,PV99\n", encoding="utf-8")

    report = run_import("boundaries", mixed, broken, table)

    assert report["status"] == "rejected"
    by_file = {(e["sheet"], e["field"]) for e in report["errors"]}
    assert ("mixed.geojson", "statcode") in by_file
    assert ("broken.geojson", "") in by_file
    assert ("tabel.csv", "provincie_code") in by_file
    assert not Province.objects.exists()
    assert not ProductionLocation.objects.exists()


def test_provinces_alone_keep_each_locations_municipality_and_cluster(run_import, tmp_path):
    # given a location in Velsen (cluster 2) whose municipality has no polygon yet
    holland = Province.objects.create(code="PV27", name="Noord-Holland")
    velsen = Municipality.objects.create(code="GM0453", name="Velsen", province=holland)
    location = ProductionLocationFactory(
        latitude=52.46, longitude=4.62, province=holland, municipality=velsen, cluster_derived=2
    )
    provinces = tmp_path / "provincies.geojson"
    provinces.write_text(
        json.dumps(feature_collection([feature("PV27", "Noord-Holland", square(4.4, 52.2, 0.8))]))
    )

    # when only the province polygons are imported
    report = run_import("boundaries", provinces)

    # then the location keeps its municipality and so its cluster
    assert report["status"] == "applied"
    location.refresh_from_db()
    assert (location.municipality_id, location.province_id, location.cluster) == (velsen.pk, holland.pk, 2)
