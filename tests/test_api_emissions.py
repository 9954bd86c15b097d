"""The emission endpoints of the API: records of visible locations only, filters, pagination, queries."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from cluster6.accounts.constants import Role
from tests.factories import EmissionRecordFactory, ProductionLocationFactory, user_with_role
from tests.test_api_locations import VISIBLE

pytestmark = pytest.mark.django_db

URL = "/api/emissions/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def rows(response) -> list[tuple[str, int, str, int]]:
    assert response.status_code == 200, response.content
    return [(r["location_name"], r["year"], r["source"], r["tco2e"]) for r in response.json()["results"]]


@pytest.fixture
def national(api_world):
    return client_for(user_with_role(Role.MINISTERIE))


@pytest.mark.parametrize("role", list(VISIBLE))
def test_emissions_are_listed_only_for_locations_the_role_may_see(api_world, api_user, role):
    # given a user of the role
    client = client_for(api_user(role))
    # when it lists every emission record
    response = client.get(URL, {"page_size": 500})
    # then it gets the records of its visible locations, all of them, and nothing else
    listed = {name for name, *_ in rows(response)}
    assert listed == VISIBLE[role]
    expected = sum(loc.emissions.count() for n, loc in api_world["locs"].items() if n in VISIBLE[role])
    assert response.json()["count"] == expected


def test_the_anonymous_public_gets_401(api_world):
    assert APIClient().get(URL).status_code == 401


def test_filtering_on_an_invisible_location_gives_an_empty_list(api_world, api_user):
    client = client_for(api_user(Role.BEDRIJF))
    response = client.get(URL, {"location": api_world["locs"]["cluster3"].pk})
    assert rows(response) == []


def test_records_are_ordered_by_location_year_and_source_priority(api_world, national):
    own = api_world["locs"]["own"]
    assert rows(national.get(URL, {"location": own.pk})) == [
        ("own", 2021, "eu_ets", 110_000),
        ("own", 2022, "eu_ets", 100_000),
        ("own", 2022, "nea", 90_000),
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"year": 2021}, {("own", 2021)}),
        ({"year_min": 2021, "year_max": 2021}, {("own", 2021)}),
        ({"year_max": 2020}, {("other_gld", 2020)}),
        ({"year_min": 2022, "source": "nea"}, {("own", 2022)}),
        ({"source": "bedrijf"}, {("daughter", 2022)}),
    ],
)
def test_the_list_filters(national, params, expected):
    assert {(name, year) for name, year, *_ in rows(national.get(URL, params))} == expected


@pytest.mark.parametrize(
    "params",
    [{"year": 1989}, {"year_min": "twee"}, {"source": "gok"}, {"location": -3}, {"year_max": 2101}],
)
def test_an_invalid_filter_is_a_400_naming_the_parameter(national, params):
    response = national.get(URL, params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_a_reversed_year_range_is_a_400(national):
    response = national.get(URL, {"year_min": 2022, "year_max": 2020})
    assert response.status_code == 400
    assert "year_max" in response.json()


def test_the_list_is_paginated(national):
    first = national.get(URL, {"page_size": 4}).json()
    assert first["count"] == 7
    assert len(first["results"]) == 4
    second = national.get(first["next"]).json()
    assert len(second["results"]) == 3
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert len(set(ids)) == 7


def test_the_list_uses_a_bounded_number_of_queries(api_world, national, django_assert_max_num_queries):
    for i in range(40):
        EmissionRecordFactory(location=ProductionLocationFactory(), year=2000 + i % 20)
    with django_assert_max_num_queries(5):  # session, user, memberships, count, page
        response = national.get(URL, {"page_size": 500})
    assert response.json()["count"] == 47


# --- /api/locations/{id}/emissions/ --------------------------------------------------------------------


@pytest.mark.parametrize("role", list(VISIBLE))
def test_the_emissions_of_a_location_are_404_unless_the_role_may_see_it(api_world, api_user, role):
    client = client_for(api_user(role))
    for name, loc in api_world["locs"].items():
        response = client.get(f"/api/locations/{loc.pk}/emissions/")
        if name in VISIBLE[role]:
            assert response.status_code == 200
            assert len(response.json()) == loc.emissions.count()
            assert {r["location"] for r in response.json()} == {loc.pk}
        else:
            assert response.status_code == 404


def test_the_emissions_of_a_location_are_filtered_and_not_paginated(api_world, national):
    own = api_world["locs"]["own"]
    data = national.get(f"/api/locations/{own.pk}/emissions/", {"year_min": 2022}).json()
    assert [(r["year"], r["source"], r["source_label"], r["verified"]) for r in data] == [
        (2022, "eu_ets", "EU ETS (EUTL)", True),
        (2022, "nea", "NEa emissiecijfers", True),
    ]
    response = national.get(f"/api/locations/{own.pk}/emissions/", {"source": "onzin"})
    assert response.status_code == 400
