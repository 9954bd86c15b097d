"""The location endpoints of the API: visibility role by role, filters, ordering, pagination, queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from cluster6.accounts.constants import Role
from cluster6.registry.constants import EmissionSource, Sector
from tests.factories import (
    EmissionRecordFactory,
    GridOperatorFactory,
    GridServiceAreaFactory,
    OrganisationFactory,
    ProductionLocationFactory,
    ProvinceFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

URL = "/api/locations/"
ALL = {"own", "daughter", "other_gld", "cluster3"}

#: What each role sees in `api_world` (the same sets as tests/test_authz_locations.py).
VISIBLE = {
    Role.MINISTERIE: ALL,
    Role.RVO: ALL,
    Role.CLUSTERREGISSEUR: ALL - {"cluster3"},
    Role.REGIOMANAGER: ALL - {"cluster3"},
    Role.PROVINCIE: {"own", "other_gld"},
    Role.NETBEHEERDER: {"own"},
    Role.BEDRIJF: {"own", "daughter"},
}


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


@pytest.fixture
def national(api_world):
    return client_for(user_with_role(Role.MINISTERIE))


# --- Visibility ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(VISIBLE))
def test_the_list_returns_exactly_the_locations_the_role_may_see(api_user, role):
    # given a user of the role
    client = client_for(api_user(role))
    # when it lists the locations
    response = client.get(URL)
    # then it gets exactly its visible set, and the count says so
    assert set(names(response)) == VISIBLE[role]
    assert response.json()["count"] == len(VISIBLE[role])


def test_a_grid_operator_sees_the_locations_of_its_own_service_areas(api_world):
    client = client_for(user_with_role(Role.NETBEHEERDER, api_world["enexis"]))
    assert set(names(client.get(URL))) == {"daughter", "cluster3"}


@pytest.mark.parametrize("path", ["", "{id}/", "{id}/emissions/"])
def test_the_anonymous_public_gets_401_with_a_token_challenge(api_world, path):
    loc = api_world["locs"]["own"]
    response = APIClient().get(URL + path.format(id=loc.pk))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert set(response.json()) == {"detail"}


def test_an_inactive_user_is_not_authenticated(api_world):
    user = user_with_role(Role.MINISTERIE)
    client = client_for(user)
    user.is_active = False
    user.save()
    assert client.get(URL).status_code == 401


@pytest.mark.parametrize("role", list(VISIBLE))
def test_the_detail_of_an_invisible_location_is_404_and_of_a_visible_one_200(api_world, api_user, role):
    client = client_for(api_user(role))
    for name, loc in api_world["locs"].items():
        response = client.get(f"{URL}{loc.pk}/")
        if name in VISIBLE[role]:
            assert response.status_code == 200
            assert response.json()["name"] == name
        else:
            assert response.status_code == 404
            assert set(response.json()) == {"detail"}


@pytest.mark.parametrize("pk", ["999999", "abc", "-1", str(2**70)])
def test_a_missing_or_malformed_id_is_a_json_404(national, pk):
    response = national.get(f"{URL}{pk}/")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_the_detail_shows_the_full_record_with_the_preferred_emission_figure(api_world, national):
    loc = api_world["locs"]["own"]
    data = national.get(f"{URL}{loc.pk}/").json()
    assert data["operator"] == {"id": api_world["group"].pk, "name": "Groep", "kvk_number": "12345678"}
    assert data["province"] == {"code": "PV25", "name": "Gelderland"}
    assert data["municipality"]["code"] == loc.municipality.code
    assert data["grid_operator"] == {"id": api_world["liander"].pk, "name": "Liander"}
    assert data["grid_service_area"] == {"id": api_world["area_l"].pk, "code": "L1", "name": "Station L1"}
    assert data["business_park"] is None
    assert data["sector"] == "glas"
    assert data["sector_label"] == "Glas"
    assert (data["cluster"], data["cluster_derived"], data["cluster_override"]) == (6, 6, None)
    assert data["cluster_label"] == "6 Cluster 6"
    assert data["in_lces_scope"] is True
    assert data["gas_use_m3"] == 2_000_000
    assert (data["latitude"], data["longitude"]) == (52.0, 5.5)
    # EU ETS (100 kt) wins over NEa (90 kt) for 2022, the default year
    assert (data["emission_year"], data["emission_tco2e"]) == (2022, 100_000)


def test_the_detail_gives_the_emission_figure_of_the_requested_year(api_world, national):
    loc = api_world["locs"]["own"]
    data = national.get(f"{URL}{loc.pk}/", {"emission_year": 2021}).json()
    assert (data["emission_year"], data["emission_tco2e"]) == (2021, 110_000)
    data = national.get(f"{URL}{loc.pk}/", {"emission_year": 2015}).json()
    assert data["emission_tco2e"] is None


def test_a_location_with_a_cluster_override_shows_it_with_its_reason(national):
    loc = ProductionLocationFactory(cluster_override=3, cluster_override_reason="Op de grens van Moerdijk")
    data = national.get(f"{URL}{loc.pk}/").json()
    assert (data["cluster"], data["cluster_derived"], data["cluster_override"]) == (3, 6, 3)
    assert data["cluster_override_reason"] == "Op de grens van Moerdijk"


# --- Filters -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "OWN"}, {"own"}),  # name, case-insensitive
        ({"q": "ander bedrijf"}, {"other_gld", "cluster3"}),  # operator name
        ({"q": "arnhem"}, {"own"}),  # city
        ({"sector": "keramiek"}, {"daughter"}),
        ({"province": "PV25"}, {"own", "other_gld"}),
        ({"cluster": 3}, {"cluster3"}),
        ({"cluster": 6}, ALL - {"cluster3"}),
        ({"is_ets": "false"}, {"daughter"}),
        ({"is_ets": "true"}, ALL - {"daughter"}),
        ({"in_lces_scope": "true"}, {"own"}),
        ({"in_lces_scope": "false"}, ALL - {"own"}),
        ({"province": "PV30", "is_ets": "true"}, {"cluster3"}),
    ],
)
def test_the_list_filters(national, params, expected):
    assert set(names(national.get(URL, params))) == expected


def test_the_list_filters_by_grid_operator(api_world, national):
    assert set(names(national.get(URL, {"grid_operator": api_world["enexis"].pk}))) == {
        "daughter",
        "cluster3",
    }


def test_the_list_searches_an_exact_ets_installation_id(national):
    ProductionLocationFactory(name="Glasfabriek", ets_installation_id="NL_144")
    assert names(national.get(URL, {"q": "NL_144"})) == ["Glasfabriek"]
    assert names(national.get(URL, {"q": "NL_14"})) == []


def test_filters_apply_within_the_visible_set_only(api_user):
    client = client_for(api_user(Role.BEDRIJF))
    assert set(names(client.get(URL, {"province": "PV30"}))) == {"daughter"}


def test_the_emission_year_sets_the_figure_in_the_list(national):
    rows = {r["name"]: r for r in national.get(URL, {"emission_year": 2020}).json()["results"]}
    assert rows["other_gld"]["emission_tco2e"] == 55_000
    assert rows["own"]["emission_tco2e"] is None
    assert {r["emission_year"] for r in rows.values()} == {2020}


@pytest.mark.parametrize(
    "params",
    [
        {"sector": "steenkool"},
        {"province": "Gelderland"},
        {"cluster": 7},
        {"is_ets": "misschien"},
        {"grid_operator": "abc"},
        {"grid_operator": 0},
        {"emission_year": 1800},
        {"ordering": "operator"},
        {"q": "x" * 201},
    ],
)
def test_an_invalid_filter_is_a_400_naming_the_parameter(national, params):
    response = national.get(URL, params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


# --- Ordering and pagination ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("name", ["cluster3", "daughter", "other_gld", "own"]),
        ("-name", ["own", "other_gld", "daughter", "cluster3"]),
        ("emission_tco2e", ["daughter", "other_gld", "own", "cluster3"]),
        ("-emission_tco2e", ["cluster3", "own", "other_gld", "daughter"]),
        ("sector", ["cluster3", "own", "daughter", "other_gld"]),  # chemie, glas, keramiek, voeding
        ("province", ["other_gld", "own", "cluster3", "daughter"]),  # Gelderland, then Noord-Brabant
        ("-province", ["cluster3", "daughter", "other_gld", "own"]),  # ties by name, ascending
    ],
)
def test_the_list_is_ordered(national, ordering, expected):
    assert names(national.get(URL, {"ordering": ordering})) == expected


@pytest.mark.parametrize("ordering", ["emission_tco2e", "-emission_tco2e"])
def test_locations_without_an_emission_figure_come_last_either_way(national, ordering):
    ProductionLocationFactory(name="zonder uitstoot")
    assert names(national.get(URL, {"ordering": ordering}))[-1] == "zonder uitstoot"


def test_the_list_is_paginated(national):
    first = national.get(URL, {"page_size": 3}).json()
    assert first["count"] == 4
    assert [r["name"] for r in first["results"]] == ["cluster3", "daughter", "other_gld"]
    assert first["previous"] is None
    assert "page=2" in first["next"]
    second = national.get(first["next"]).json()
    assert [r["name"] for r in second["results"]] == ["own"]
    assert second["next"] is None
    assert national.get(URL, {"page": 3, "page_size": 3}).status_code == 404


def test_the_page_size_is_capped(national):
    ProductionLocationFactory.create_batch(3)
    response = national.get(URL, {"page_size": 100_000})
    assert response.json()["count"] == 7
    assert len(response.json()["results"]) == 7


# --- Query count ---------------------------------------------------------------------------------------


def _fill(n: int, **location: object) -> None:
    """n locations, each with its own operator, province, municipality, grid operator, area and two
    emission records (unless `location` fixes some of them)."""
    for i in range(n):
        grid_operator = GridOperatorFactory()
        kwargs = {
            "operator": OrganisationFactory(),
            "province": ProvinceFactory(code=f"PV{50 + i:02d}"),
            "grid_operator": grid_operator,
            "grid_service_area": GridServiceAreaFactory(operators=[grid_operator]),
            "sector": list(Sector)[i % len(Sector)],
            **location,
        }
        loc = ProductionLocationFactory(**kwargs)
        EmissionRecordFactory(location=loc, year=2022, source=EmissionSource.EU_ETS)
        EmissionRecordFactory(location=loc, year=2022, source=EmissionSource.NEA)


def _queries(client: APIClient, params: dict[str, object]) -> tuple[int, int]:
    """(number of queries, number of locations listed)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()["count"]


@pytest.mark.parametrize("role", [Role.MINISTERIE, Role.PROVINCIE, Role.NETBEHEERDER, Role.BEDRIJF])
def test_the_list_uses_a_bounded_number_of_queries(django_assert_max_num_queries, role):
    # given a user of the role and three locations it may see
    user = user_with_role(role)
    org = user.memberships.get().organisation
    visible = {
        Role.MINISTERIE: {},
        Role.PROVINCIE: {"province": org.province},
        Role.NETBEHEERDER: {"grid_operator": org},
        Role.BEDRIJF: {"operator": org},
    }[role]
    client = client_for(user)
    _fill(3, **visible)
    few, listed = _queries(client, {"ordering": "-emission_tco2e"})
    assert listed == 3
    # when the data it sees grows tenfold, the number of queries does not
    _fill(30, **visible)
    many, listed = _queries(client, {"ordering": "-emission_tco2e"})
    assert listed == 33
    assert many == few
    with django_assert_max_num_queries(5):  # session, user, memberships, count, page
        client.get(URL, {"ordering": "-emission_tco2e", "page_size": 500})
