"""Authentication of the API: tokens (obtain, use), sessions, and /api/me/."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from cluster6.accounts.constants import Role
from tests.factories import MembershipFactory, OrganisationFactory, user_with_role
from tests.test_api_locations import VISIBLE

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory


def obtain_token(username: str, password: str = PASSWORD):
    return APIClient().post("/api/auth/token/", {"username": username, "password": password}, format="json")


def test_a_user_obtains_a_token_and_uses_it_in_the_authorization_header(api_world, api_user):
    # given a company user
    user = api_user(Role.BEDRIJF)
    # when it exchanges its user name and password for a token
    response = obtain_token(user.username)
    assert response.status_code == 200
    token = response.json()["token"]
    # then the token authenticates it, with its own visibility
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    listed = client.get("/api/locations/")
    assert listed.status_code == 200
    assert {r["name"] for r in listed.json()["results"]} == VISIBLE[Role.BEDRIJF]
    assert client.get("/api/me/").json()["username"] == user.username
    # and asking again gives a second, separate token (named tokens, each shown once; tests/accounts)
    second = obtain_token(user.username).json()["token"]
    assert second != token
    client.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert client.get("/api/me/").status_code == 200


def test_a_token_is_also_obtained_with_a_form_post(api_world):
    user = user_with_role(Role.RVO)
    response = APIClient().post("/api/auth/token/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    assert len(response.json()["token"]) == 40


@pytest.mark.parametrize(
    "body",
    [{"username": "nobody", "password": PASSWORD}, {"username": "{user}", "password": "wrong-password"}],
)
def test_wrong_credentials_give_400_without_a_token(body):
    user = user_with_role(Role.RVO)
    response = APIClient().post(
        "/api/auth/token/", {**body, "username": body["username"].format(user=user.username)}, format="json"
    )
    assert response.status_code == 400
    assert "token" not in response.json()
    assert "non_field_errors" in response.json()


def test_missing_fields_give_400_naming_them():
    response = APIClient().post("/api/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


def test_an_inactive_user_gets_no_token_and_its_old_token_stops_working():
    user = user_with_role(Role.MINISTERIE)
    token = obtain_token(user.username).json()["token"]
    user.is_active = False
    user.save()
    assert obtain_token(user.username).status_code == 400
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/locations/").status_code == 401


def test_an_unknown_token_is_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = client.get("/api/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_the_token_endpoint_ignores_a_session_so_a_browser_needs_no_csrf_token():
    user = user_with_role(Role.RVO)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/api/auth/token/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200


def test_a_session_authenticates_too(api_world, api_user):
    client = APIClient()
    client.force_login(api_user(Role.PROVINCIE))
    response = client.get("/api/locations/")
    assert {r["name"] for r in response.json()["results"]} == VISIBLE[Role.PROVINCIE]


def test_me_shows_the_roles_and_organisations(api_world, api_user):
    user = api_user(Role.PROVINCIE)
    MembershipFactory(user=user, organisation=OrganisationFactory(name="Aardappel B.V."), role=Role.BEDRIJF)
    MembershipFactory(
        user=user, organisation=OrganisationFactory(name="Oud B.V."), role=Role.BEDRIJF, is_active=False
    )
    client = APIClient()
    client.force_login(user)
    data = client.get("/api/me/").json()
    assert data["id"] == user.pk
    assert data["roles"] == ["bedrijf", "provincie"]
    assert data["memberships"] == [
        {
            "organisation": {
                "id": user.memberships.get(role=Role.BEDRIJF, is_active=True).organisation_id,
                "name": "Aardappel B.V.",
            },
            "organisation_kind": "bedrijf",
            "role": "bedrijf",
            "role_label": "Bedrijf",
            "province": None,
        },
        {
            "organisation": {
                "id": user.memberships.get(role=Role.PROVINCIE).organisation_id,
                "name": "Provincie Gelderland",
            },
            "organisation_kind": "provincie",
            "role": "provincie",
            "role_label": "Provincie",
            "province": {"code": "PV25", "name": "Gelderland"},
        },
    ]
    assert (data["sees_everything"], data["can_import"]) == (False, False)


@pytest.mark.parametrize(
    ("role", "sees_everything", "can_import"),
    [(Role.MINISTERIE, True, True), (Role.CLUSTERREGISSEUR, False, True), (Role.NETBEHEERDER, False, False)],
)
def test_me_says_what_the_user_may_do(role, sees_everything, can_import):
    client = APIClient()
    client.force_login(user_with_role(role))
    data = client.get("/api/me/").json()
    assert (data["roles"], data["sees_everything"], data["can_import"]) == (
        [role.value],
        sees_everything,
        can_import,
    )


def test_me_is_401_for_the_anonymous_public():
    assert APIClient().get("/api/me/").status_code == 401
