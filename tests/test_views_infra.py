"""The grid pages with the Django test client: service-area list and page, and the map's GeoJSON layers."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cluster6.accounts.constants import Role
from cluster6.infra.constants import CongestionLayer, OperatorType
from cluster6.infra.models import CongestionZone
from tests.factories import (
    GridOperatorFactory,
    GridProjectFactory,
    GridServiceAreaFactory,
    ProductionLocationFactory,
    ProvinceFactory,
    ProvinceOrganisationFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[5.0, 51.8], [5.5, 51.8], [5.5, 52.1], [5.0, 52.1], [5.0, 51.8]]],
}


@pytest.fixture
def grid():
    gelderland = ProvinceFactory(code="PV25", name="Gelderland")
    liander = GridOperatorFactory(name="Liander")
    congested = GridServiceAreaFactory(
        code="NMG",
        name="Nijmegen",
        operators=[liander],
        operator_names="Liander",
        province=gelderland,
        status_withdrawal=3,
        queue_withdrawal_mw=80.5,
        queue_requests_withdrawal=31,
        existing_capacity_withdrawal_mw=210.0,
        congestion_end_withdrawal_rnb=2032,
        congestion_end_withdrawal_tennet=2034,
        bbox_west=5.7,
        bbox_south=51.8,
        bbox_east=5.9,
        bbox_north=51.9,
    )
    free = GridServiceAreaFactory(
        code="ZTP",
        name="Zutphen",
        province=gelderland,
        status_withdrawal=0,
        queue_withdrawal_mw=0.0,
        queue_requests_withdrawal=0,
        congestion_end_withdrawal_rnb=None,
        geometry=SQUARE,
    )
    tennet = GridServiceAreaFactory(
        code="TN1", name="Ede TenneT", operator_type=OperatorType.TENNET, queue_withdrawal_mw=5.0
    )
    GridProjectFactory(area=congested, name="Uitbreiding Nijmegen-Noord", completion_year=2028)
    GridProjectFactory(area=congested, name="Nieuw station Dukenburg", completion_year=2027)
    GridProjectFactory(area=free, name="Vervanging trafo", completion_year=2030)
    return {
        "congested": congested,
        "free": free,
        "tennet": tennet,
        "gelderland": gelderland,
        "liander": liander,
    }


@pytest.fixture
def user(grid):
    return user_with_role(Role.PROVINCIE, ProvinceOrganisationFactory(province=grid["gelderland"]))


def area_names(html: str) -> list[str]:
    return re.findall(r'class="strong" href="/infra/netgebieden/\d+/">([^<]+)</a>', html)


def test_area_list_shows_capacity_queue_end_years_and_project_counts(client, grid, user):
    client.force_login(user)
    html = client.get(reverse("infra:area_list")).text

    assert area_names(html) == ["Ede TenneT", "Nijmegen", "Zutphen"]
    row = html.split(">Nijmegen</a>")[1].split("</tr>")[0]
    assert "Tekort, wachtrij" in row
    assert "210,0" in row
    assert "80,5" in row
    assert "(31)" in row
    assert "2032 / 2034" in row
    assert re.search(r'<td class="num">2</td>', row)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"congestie": "ja"}, ["Ede TenneT", "Nijmegen"]),
        ({"congestie": "nee"}, ["Zutphen"]),
        ({"soort": "tennet"}, ["Ede TenneT"]),
        ({"provincie": "PV25"}, ["Nijmegen", "Zutphen"]),
        ({"q": "nijm"}, ["Nijmegen"]),
        ({"sortering": "-wachtrij"}, ["Nijmegen", "Ede TenneT", "Zutphen"]),
        ({"sortering": "-projecten"}, ["Nijmegen", "Zutphen", "Ede TenneT"]),
    ],
)
def test_area_list_filters_and_sorts(client, grid, user, query, expected):
    client.force_login(user)
    assert area_names(client.get(reverse("infra:area_list"), query).text) == expected


def test_area_list_htmx_gets_the_table_fragment_and_bad_input_a_message(client, grid, user):
    client.force_login(user)
    fragment = client.get(
        reverse("infra:area_list"),
        {"congestie": "nee"},
        headers={"HX-Request": "true", "HX-Target": "area-results"},
    )
    assert "<html" not in fragment.text
    assert area_names(fragment.text) == ["Zutphen"]

    bad = client.get(reverse("infra:area_list"), {"provincie": "Gelre", "congestie": "misschien"})
    assert bad.status_code == 200
    assert "Kies een provincie uit de lijst." in bad.text
    assert "Selecteer een geldige keuze" in bad.text


def test_area_page_shows_its_projects_and_visible_locations(client, grid, user):
    area = grid["congested"]
    ProductionLocationFactory(name="Zichtbare fabriek", province=grid["gelderland"], grid_service_area=area)
    ProductionLocationFactory(name="Onzichtbare fabriek", grid_service_area=area)  # other province
    client.force_login(user)

    html = client.get(reverse("infra:area_detail", args=[area.pk])).text

    assert html.index("Nieuw station Dukenburg") < html.index("Uitbreiding Nijmegen-Noord")  # soonest first
    assert "2 geplande netprojecten" in html
    assert "Zichtbare fabriek" in html
    assert "Onzichtbare fabriek" not in html
    assert '"isBbox": true' in html
    assert "area-map-data" in html


def test_area_page_is_404_for_an_unknown_area(client, grid, user):
    client.force_login(user)
    assert client.get(reverse("infra:area_detail", args=[987654])).status_code == 404


def test_area_geojson_uses_the_geometry_or_else_the_bounding_box(client, grid, user):
    client.force_login(user)
    features = {
        f["properties"]["code"]: f for f in client.get(reverse("infra:area_features")).json()["features"]
    }

    assert set(features) == {"NMG", "ZTP"}  # the TenneT area has neither geometry nor box
    assert features["ZTP"]["geometry"] == SQUARE
    assert features["ZTP"]["properties"]["is_bbox"] is False
    box = features["NMG"]
    assert box["properties"]["is_bbox"] is True
    assert box["geometry"]["coordinates"][0] == [
        [5.7, 51.8],
        [5.9, 51.8],
        [5.9, 51.9],
        [5.7, 51.9],
        [5.7, 51.8],
    ]
    assert box["properties"]["status"] == 3
    assert box["properties"]["projects"] == 2
    assert box["properties"]["queue_mw"] == 80.5


def test_congestion_zones_geojson_by_layer(client, grid, user):
    CongestionZone.objects.create(layer=CongestionLayer.RNB_WITHDRAWAL, colour=3, geometry=SQUARE)
    CongestionZone.objects.create(layer=CongestionLayer.TENNET_WITHDRAWAL, colour=2, geometry=SQUARE)
    client.force_login(user)

    default = client.get(reverse("infra:zone_features")).json()
    tennet = client.get(reverse("infra:zone_features"), {"laag": "tennet_afname"}).json()

    assert [f["properties"]["colour"] for f in default["features"]] == [3]
    assert [f["properties"]["colour"] for f in tennet["features"]] == [2]
    assert client.get(reverse("infra:zone_features"), {"laag": "x"}).status_code == 400


def test_grid_json_needs_login(client, grid):
    assert client.get(reverse("infra:area_features")).status_code == 302
    assert client.get(reverse("infra:zone_features")).status_code == 302
