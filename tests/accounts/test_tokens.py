"""API tokens: named, several per user, stored as a hash, expiring, revocable (API and web page), audited."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cluster6.accounts.constants import Role
from cluster6.accounts.models import ApiToken
from cluster6.audit.models import AuditEvent
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def obtain(user, **extra):
    response = APIClient().post(
        "/api/auth/token/", {"username": user.username, "password": PASSWORD, **extra}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def api(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_is_stored_only_as_a_hash_and_expires_after_30_days():
    user = user_with_role(Role.RVO)
    before = timezone.now()
    data = obtain(user, name="nachtelijke export")
    token = ApiToken.objects.get(user=user)
    assert token.name == data["name"] == "nachtelijke export"
    assert token.key_hash == hashlib.sha256(data["token"].encode()).hexdigest()
    assert data["token"] not in {token.key_hash, token.prefix, token.name}
    assert token.prefix == data["token"][:8]
    assert timedelta(days=30) <= token.expires_at - before <= timedelta(days=30, minutes=1)
    assert AuditEvent.objects.filter(verb="api_token.created", actor=user, target_id=str(token.pk)).exists()


def test_an_expired_token_gives_401_in_the_api_format():
    user = user_with_role(Role.RVO)
    key = obtain(user)["token"]
    assert api(key).get("/api/me/").status_code == 200
    ApiToken.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = api(key).get("/api/me/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Dit token is verlopen. Vraag een nieuw token aan."}
    assert response["WWW-Authenticate"] == "Token"


@override_settings(CLUSTER6_API_TOKEN_DAYS=1)
def test_the_lifetime_comes_from_the_settings():
    user = user_with_role(Role.RVO)
    obtain(user)
    token = ApiToken.objects.get(user=user)
    assert token.expires_at - token.created_at < timedelta(days=1, minutes=1)


def test_the_current_token_is_revoked_through_the_api_and_the_others_keep_working():
    user = user_with_role(Role.PROVINCIE)
    first, second = obtain(user)["token"], obtain(user)["token"]
    response = api(first).post("/api/auth/token/revoke/")
    assert response.status_code == 204
    assert api(first).get("/api/me/").status_code == 401
    assert api(first).get("/api/me/").json() == {"detail": "Dit token is ingetrokken."}
    assert api(second).get("/api/me/").status_code == 200
    assert AuditEvent.objects.filter(verb="api_token.revoked", actor=user).count() == 1


def test_revoking_needs_the_token_itself_not_a_session():
    client = APIClient()
    client.force_login(user_with_role(Role.RVO))
    assert client.post("/api/auth/token/revoke/").status_code == 401


def test_last_use_is_recorded():
    user = user_with_role(Role.RVO)
    key = obtain(user)["token"]
    assert ApiToken.objects.get(user=user).last_used_at is None
    api(key).get("/api/me/")
    assert ApiToken.objects.get(user=user).last_used_at is not None


def test_the_token_page_creates_a_token_shown_once_and_revokes_it(client):
    user = user_with_role(Role.NETBEHEERDER)
    client.force_login(user)
    # when the user makes a token on the page
    response = client.post(reverse("accounts:tokens"), {"name": "Koppeling netplanning", "days": "7"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = response.context["new_key"]
    token = ApiToken.objects.get(user=user)
    assert token.name == "Koppeling netplanning"
    assert timedelta(days=6, hours=23) < token.expires_at - token.created_at <= timedelta(days=7)
    assert key in response.content.decode()
    assert api(key).get("/api/me/").status_code == 200
    # then the key is not shown again
    page = client.get(reverse("accounts:tokens"))
    assert key not in page.content.decode()
    assert "Koppeling netplanning" in page.content.decode()
    # and revoking it on the page stops it
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert api(key).get("/api/me/").status_code == 401


def test_the_page_refuses_more_days_than_allowed(client):
    user = user_with_role(Role.RVO)
    client.force_login(user)
    response = client.post(reverse("accounts:tokens"), {"name": "lang", "days": "1000"})
    assert response.context["form"].errors["days"]
    assert not ApiToken.objects.exists()


def test_a_user_cannot_revoke_or_see_another_users_token(client):
    owner = user_with_role(Role.RVO)
    obtain(owner)
    token = ApiToken.objects.get(user=owner)
    client.force_login(user_with_role(Role.BEDRIJF))
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    assert list(client.get(reverse("accounts:tokens")).context["tokens"]) == []
    token.refresh_from_db()
    assert token.revoked_at is None
