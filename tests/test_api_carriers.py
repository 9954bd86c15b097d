"""The carrier-rollout endpoints of the API (public information for every signed-in user): the list with its
filters and pagination, one rollout with its network points, 404, authentication, the documented contract;
and the timeline fields that the grid-area and grid-project endpoints now carry."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from rest_framework.test import APIClient

from cluster6.accounts.constants import Role
from cluster6.infra.constants import Certainty, CongestionColour, OperatorType
from tests.factories import GridProjectFactory, GridServiceAreaFactory, user_with_role
from tests.test_api_conformance import Contract, _params
from tests.test_views_infra_timeline import CarrierRolloutFactory, NetworkPointFactory, make_carriers

pytestmark = pytest.mark.django_db

URL = "/api/carrier-rollouts/"
ALL = ["H2-GLD", "H2-NL", "CO2-PORTHOS", "CO2-SCHIP", "GG-ZLD", "W-GLD"]


@pytest.fixture
def carriers():
    return make_carriers()


@pytest.fixture
def client(carriers):
    client = APIClient()
    client.force_login(user_with_role(Role.BEDRIJF))
    return client


@pytest.fixture
def contract() -> Contract:
    return Contract(json.loads(APIClient().get("/api/schema/", {"format": "json"}).content))


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["code"] for r in response.json()["results"]]


# --- authentication ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_every_signed_in_role_sees_every_rollout(carriers, role):
    client = APIClient()
    client.force_login(user_with_role(role))
    # by carrier (hydrogen, CO2, green gas, heat), then year and code
    assert codes(client.get(URL)) == ALL


@pytest.mark.parametrize("path", [URL, f"{URL}{{id}}/"])
def test_the_anonymous_public_gets_401(carriers, path):
    response = APIClient().get(path.format(id=carriers["h2_nl"].pk))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_token_works_like_a_session(carriers):
    user = user_with_role(Role.NETBEHEERDER)
    token = APIClient().post(
        "/api/auth/token/", {"username": user.username, "password": "correct-horse-battery"}, format="json"
    )
    client = APIClient(headers={"Authorization": f"Token {token.json()['token']}"})
    assert codes(client.get(URL)) == ALL


# --- the list --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"carrier": "co2"}, ["CO2-PORTHOS", "CO2-SCHIP"]),
        ({"carrier": "warmte"}, ["W-GLD"]),
        # a province: its own rollouts and the national ones
        ({"province": "PV25"}, ["H2-GLD", "H2-NL", "CO2-PORTHOS", "CO2-SCHIP", "W-GLD"]),
        ({"province": "PV29"}, ["H2-NL", "CO2-PORTHOS", "CO2-SCHIP", "GG-ZLD"]),
        ({"province": "PV31"}, ["H2-NL", "CO2-PORTHOS", "CO2-SCHIP"]),
        ({"certainty": "onzeker"}, ["H2-GLD", "CO2-SCHIP", "W-GLD"]),
        ({"certainty": "vast"}, ["CO2-PORTHOS"]),
        ({"carrier": "waterstof", "province": "PV25", "certainty": "gepland"}, ["H2-NL"]),
    ],
)
def test_the_list_filters_by_carrier_province_and_certainty(client, params, expected):
    assert codes(client.get(URL, params)) == expected


@pytest.mark.parametrize(
    "params",
    [
        {"carrier": "hydrogen"},  # the engine's name: the API takes the platform's carrier codes
        {"province": "Gelderland"},
        {"certainty": "zeker"},
        {"carrier": "x", "certainty": "y"},
    ],
)
def test_an_invalid_filter_is_a_400_naming_the_parameter(client, params):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_the_list_is_paginated(client):
    first = client.get(URL, {"page_size": 4}).json()
    second = client.get(URL, {"page_size": 4, "page": 2}).json()
    assert first["count"] == 6
    assert [r["code"] for r in first["results"] + second["results"]] == ALL
    assert "page=2" in first["next"]
    assert second["next"] is None
    assert client.get(URL, {"page": 9}).status_code == 404


def test_each_rollout_comes_with_its_network_points_and_labels(carriers, client):
    rows = {r["code"]: r for r in client.get(URL).json()["results"]}
    national = rows["H2-NL"]
    assert national["province"] is None
    assert (national["carrier"], national["carrier_label"]) == ("waterstof", "Waterstof")
    assert (national["year"], national["certainty"], national["mode"]) == (2030, "gepland", "net")
    assert (national["is_alternative"], national["open_access"]) == (False, True)
    assert national["source"] == "Hynetwork netwerkplanning dec 2024"
    assert [(p["code"], p["name"], p["lon"], p["lat"]) for p in national["points"]] == [
        ("P1", "Arnhem", 5.9, 52.0),
        ("P2", "Vlissingen", 3.6, 51.45),
    ]
    assert rows["H2-GLD"]["province"] == {"code": "PV25", "name": "Gelderland"}
    assert rows["CO2-PORTHOS"]["open_access"] is False
    ship = rows["CO2-SCHIP"]
    assert (ship["mode"], ship["mode_label"], ship["is_alternative"], ship["points"]) == (
        "schip",
        "Per schip",
        True,
        [],
    )


def test_the_list_uses_a_bounded_number_of_queries(carriers, client, django_assert_max_num_queries):
    for k in range(30):
        NetworkPointFactory(rollout=CarrierRolloutFactory(code=f"EXTRA-{k}"))
    # session, user, memberships, count, page, points (one prefetch for the whole page)
    with django_assert_max_num_queries(6):
        response = client.get(URL, {"page_size": 500})
    assert response.json()["count"] == 36


# --- one rollout -----------------------------------------------------------------------------------------


def test_the_detail_is_the_list_entry(carriers, client):
    listed = {r["code"]: r for r in client.get(URL).json()["results"]}
    for key in ("h2_nl", "porthos", "ship"):
        rollout = carriers[key]
        detail = client.get(f"{URL}{rollout.pk}/")
        assert detail.status_code == 200
        assert detail.json() == listed[rollout.code]


@pytest.mark.parametrize("pk", ["999999", "x"])
def test_a_missing_rollout_is_a_json_404(client, pk):
    response = client.get(f"{URL}{pk}/")
    assert response.status_code == 404
    assert "detail" in response.json()


# --- the contract ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.BEDRIJF, Role.MINISTERIE, None])
def test_the_endpoints_answer_as_documented(carriers, contract, role):
    client = APIClient()
    if role is not None:
        client.force_login(user_with_role(role))
    calls = [
        (URL, URL),
        (URL, f"{URL}?province=PV25&carrier=waterstof"),
        (URL, f"{URL}?certainty=misschien"),
        (URL, f"{URL}?page=99"),
        (f"{URL}{{id}}/", f"{URL}{carriers['h2_nl'].pk}/"),
        (f"{URL}{{id}}/", f"{URL}{carriers['ship'].pk}/"),
        (f"{URL}{{id}}/", f"{URL}999999/"),
    ]
    statuses = set()
    for template, url in calls:
        response = client.get(url)
        statuses.add(response.status_code)
        contract.check(template, response)
    assert statuses == ({401} if role is None else {200, 400, 404})


def test_fuzzed_query_parameters_never_break_the_contract(carriers, contract):
    client = APIClient()
    client.force_login(user_with_role(Role.PROVINCIE))

    @settings(
        max_examples=60,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(params=_params(contract.operation(URL)))
    def check(params: dict[str, str]) -> None:
        response = client.get(URL, params)
        assert response.status_code in (200, 400, 404), (params, response.status_code)
        contract.check(URL, response)

    check()


# --- the timeline fields of the grid endpoints -----------------------------------------------------------


def test_the_grid_areas_carry_the_timeline_the_analysis_uses(contract):
    tennet = GridServiceAreaFactory(
        code="T-GLD",
        name="TenneT Gelderland",
        operator_type=OperatorType.TENNET,
        tennet_congestion_end_certainty=Certainty.UNCERTAIN,
    )
    stored = GridServiceAreaFactory(
        code="STORED",
        available_capacity_withdrawal_mw=12.5,
        congestion_end_certainty=Certainty.FIRM,
        tennet_region=tennet,
    )
    GridServiceAreaFactory(
        code="FREE",
        congestion_end_withdrawal_rnb=None,
        status_withdrawal=CongestionColour.AVAILABLE,
        existing_capacity_withdrawal_mw=100.0,
        required_capacity_withdrawal_mw=60.0,
        queue_withdrawal_mw=0.0,
    )
    GridServiceAreaFactory(
        code="UNKNOWN",
        congestion_end_withdrawal_rnb=None,
        existing_capacity_withdrawal_mw=None,
        queue_withdrawal_mw=0.0,
    )
    # a waiting list without any year: congested (0 MW free) with an unknown end (rule 8)
    GridServiceAreaFactory(
        code="LIST",
        congestion_end_withdrawal_rnb=None,
        status_withdrawal=CongestionColour.AVAILABLE,
        existing_capacity_withdrawal_mw=100.0,
        required_capacity_withdrawal_mw=60.0,
        queue_withdrawal_mw=6.0,
    )
    GridProjectFactory(area=stored, name="Zonder capaciteit", added_capacity_mw=None)
    GridProjectFactory(
        area=stored, name="Met capaciteit", added_capacity_mw=25.0, certainty=Certainty.UNCERTAIN
    )
    client = APIClient()
    client.force_login(user_with_role(Role.BEDRIJF))

    response = client.get("/api/grid-areas/")
    contract.check("/api/grid-areas/", response)
    rows = {r["code"]: r for r in response.json()["results"]}

    s = rows["STORED"]
    assert (s["available_capacity_withdrawal_mw"], s["capacity_now_mw"], s["capacity_now_basis"]) == (
        12.5,
        12.5,
        "stored",
    )
    assert (s["congestion_end_certainty"], s["tennet_congestion_end_certainty"], s["tennet_region"]) == (
        "vast",
        "gepland",
        "T-GLD",
    )
    f = rows["FREE"]
    assert (f["available_capacity_withdrawal_mw"], f["capacity_now_mw"], f["capacity_now_basis"]) == (
        None,
        40.0,
        "existing_minus_required",
    )
    assert f["tennet_region"] is None
    assert (rows["UNKNOWN"]["capacity_now_mw"], rows["UNKNOWN"]["capacity_now_basis"]) == (None, "unknown")
    assert not f["congestion_end_unknown"]
    listed = rows["LIST"]
    assert (listed["capacity_now_mw"], listed["capacity_now_basis"], listed["congestion_end_unknown"]) == (
        0.0,
        "congested",
        True,
    )
    t = rows["T-GLD"]
    assert (t["capacity_now_mw"], t["capacity_now_basis"], t["tennet_congestion_end_certainty"]) == (
        0.0,
        "congested",
        "onzeker",
    )

    detail = client.get(f"/api/grid-areas/{stored.pk}/")
    contract.check("/api/grid-areas/{id}/", detail)
    projects = {p["name"]: p for p in detail.json()["projects"]}
    assert (
        projects["Zonder capaciteit"]["added_capacity_mw"],
        projects["Zonder capaciteit"]["certainty"],
    ) == (
        None,
        "gepland",
    )
    assert (projects["Met capaciteit"]["added_capacity_mw"], projects["Met capaciteit"]["certainty"]) == (
        25.0,
        "onzeker",
    )
