"""The grid endpoints of the API: service areas and planned projects (public information for every
signed-in user), filters, the detail with its projects, and query counts."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from cluster6.accounts.constants import Role
from cluster6.infra.constants import CongestionColour, OperatorType, ProjectPhase
from tests.factories import (
    GridOperatorFactory,
    GridProjectFactory,
    GridServiceAreaFactory,
    ProvinceFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

URL = "/api/grid-areas/"


@pytest.fixture
def grid():
    """Four areas: one with a waiting list, one with a shortage status only, one free, one unknown."""
    gelderland = ProvinceFactory(code="PV25", name="Gelderland")
    liander = GridOperatorFactory(name="Liander")
    tennet = GridOperatorFactory(name="TenneT")
    queue = GridServiceAreaFactory(code="Q", name="Arnhem Noord", operators=[liander], province=gelderland)
    shortage = GridServiceAreaFactory(
        code="S",
        name="Bommelerwaard",
        operators=[liander, tennet],
        queue_withdrawal_mw=0,
        status_injection=CongestionColour.SHORTAGE,
    )
    free = GridServiceAreaFactory(
        code="F",
        name="Coevorden",
        operator_type=OperatorType.TENNET,
        operators=[tennet],
        queue_withdrawal_mw=0,
        status_withdrawal=CongestionColour.AVAILABLE,
        bbox_west=6.5,
        bbox_south=52.6,
        bbox_east=6.9,
        bbox_north=52.8,
    )
    unknown = GridServiceAreaFactory(code="U", name="Dodewaard", queue_withdrawal_mw=None)
    GridProjectFactory(area=queue, name="Versterking B", completion_year=2030, phase=ProjectPhase.APPROVED)
    GridProjectFactory(area=queue, name="Versterking A", completion_year=2027)
    GridProjectFactory(area=queue, name="Onbekend", completion_year=None)
    GridProjectFactory(
        area=free, name="Nieuw station", completion_year=2028, operator_type=OperatorType.TENNET
    )
    return {
        "gelderland": gelderland,
        "liander": liander,
        "tennet": tennet,
        "queue": queue,
        "shortage": shortage,
        "free": free,
        "unknown": unknown,
    }


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["code"] for r in response.json()["results"]]


@pytest.fixture
def client(grid):
    client = APIClient()
    client.force_login(user_with_role(Role.BEDRIJF))
    return client


@pytest.mark.parametrize("role", list(Role))
def test_every_signed_in_role_sees_every_area(grid, role):
    client = APIClient()
    client.force_login(user_with_role(role))
    assert codes(client.get(URL)) == ["Q", "S", "F", "U"]  # by name


@pytest.mark.parametrize("path", [URL, "/api/grid-projects/", "/api/grid-areas/{id}/"])
def test_the_anonymous_public_gets_401(grid, path):
    assert APIClient().get(path.format(id=grid["queue"].pk)).status_code == 401


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"congested": "true"}, ["Q", "S"]),
        ({"congested": "false"}, ["F", "U"]),  # an unknown queue is not a queue
        ({"operator_type": "tennet"}, ["F"]),
        ({"province": "PV25"}, ["Q"]),
        ({"q": "noord"}, ["Q"]),
        ({"q": "s"}, ["S"]),  # the exact code, or part of a name: "Bommelerwaard" has no s
    ],
)
def test_the_area_list_filters(client, params, expected):
    assert codes(client.get(URL, params)) == expected


def test_the_area_list_filters_by_operator(grid, client):
    assert codes(client.get(URL, {"operator": grid["tennet"].pk})) == ["S", "F"]
    assert codes(client.get(URL, {"operator": grid["liander"].pk})) == ["Q", "S"]


@pytest.mark.parametrize("params", [{"congested": "ja graag"}, {"operator_type": "x"}, {"operator": 0}])
def test_an_invalid_area_filter_is_a_400(client, params):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_the_area_list_shows_the_capacity_map_fields(grid, client):
    rows = {r["code"]: r for r in client.get(URL).json()["results"]}
    queue = rows["Q"]
    assert queue["operators"] == [{"id": grid["liander"].pk, "name": "Liander"}]
    assert queue["province"] == {"code": "PV25", "name": "Gelderland"}
    assert (queue["queue_withdrawal_mw"], queue["congestion_end_withdrawal_rnb"]) == (20.0, 2029)
    assert (queue["is_congested"], queue["project_count"], queue["bbox"]) == (True, 3, None)
    assert [o["name"] for o in rows["S"]["operators"]] == ["Liander", "TenneT"]
    assert (rows["S"]["is_congested"], rows["S"]["status_injection"]) == (True, 3)
    assert (rows["F"]["is_congested"], rows["F"]["bbox"]) == (False, [6.5, 52.6, 6.9, 52.8])
    assert rows["U"]["is_congested"] is False
    assert "geometry" not in queue
    assert "projects" not in queue


def test_the_area_detail_holds_its_projects_soonest_first(grid, client):
    data = client.get(f"{URL}{grid['queue'].pk}/").json()
    assert data["code"] == "Q"
    assert data["geometry"] is None
    assert [(p["name"], p["completion_year"]) for p in data["projects"]] == [
        ("Versterking A", 2027),
        ("Versterking B", 2030),
        ("Onbekend", None),
    ]


@pytest.mark.parametrize("pk", ["999999", "x"])
def test_a_missing_area_is_a_json_404(client, pk):
    response = client.get(f"{URL}{pk}/")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_the_area_list_uses_a_bounded_number_of_queries(grid, client, django_assert_max_num_queries):
    for _ in range(30):
        GridProjectFactory(area=GridServiceAreaFactory(operators=[GridOperatorFactory()]))
    # session, user, memberships, count, page, operators (one prefetch for the whole page)
    with django_assert_max_num_queries(6):
        response = client.get(URL, {"page_size": 500})
    assert response.json()["count"] == 34


# --- /api/grid-projects/ -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Versterking A", "Nieuw station", "Versterking B", "Onbekend"]),
        ({"operator_type": "tennet"}, ["Nieuw station"]),
        ({"phase": "approved"}, ["Versterking B"]),
        ({"completion_year_min": 2028, "completion_year_max": 2029}, ["Nieuw station"]),
    ],
)
def test_the_project_list_filters(client, params, expected):
    response = client.get("/api/grid-projects/", params)
    assert [p["name"] for p in response.json()["results"]] == expected


def test_the_project_list_filters_by_area_and_shows_one_project(grid, client):
    response = client.get("/api/grid-projects/", {"area": grid["free"].pk})
    (project,) = response.json()["results"]
    assert project["area"] == grid["free"].pk
    detail = client.get(f"/api/grid-projects/{project['id']}/").json()
    assert detail == project
    assert client.get("/api/grid-projects/999999/").status_code == 404
