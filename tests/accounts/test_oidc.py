"""Single sign-on with OpenID Connect: off by default; when on, the backend, the login link and the
redirect to the identity provider are there, users are matched by e-mail only, and check --deploy stays
clean."""

from __future__ import annotations

import os
import subprocess
import sys
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.test import override_settings
from django.urls import reverse

from cluster6.accounts.constants import Role
from cluster6.accounts.models import User
from cluster6.accounts.oidc import ExistingUsersOIDCBackend
from tests.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db

BACKEND = "cluster6.accounts.oidc.ExistingUsersOIDCBackend"
OIDC = {
    "CLUSTER6_OIDC_ENABLED": True,
    "AUTHENTICATION_BACKENDS": [*settings.AUTHENTICATION_BACKENDS, BACKEND],
    "OIDC_RP_CLIENT_ID": "cluster6",
    "OIDC_RP_CLIENT_SECRET": "geheim",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://login.example.nl/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://login.example.nl/token",
    "OIDC_OP_USER_ENDPOINT": "https://login.example.nl/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://login.example.nl/jwks",
    "OIDC_RP_SIGN_ALGO": "RS256",
}
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "cluster6.config.settings.production",
    "DJANGO_SECRET_KEY": "check-deploy-oidc-test-not-a-real-secret-key-0123456789abcdef-xyz",
    "DJANGO_ALLOWED_HOSTS": "cluster6.example.nl",
}


def test_single_sign_on_is_off_by_default(client):
    assert settings.CLUSTER6_OIDC_ENABLED is False
    assert BACKEND not in settings.AUTHENTICATION_BACKENDS
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert 'id="oidc-login"' not in client.get(reverse("accounts:login")).content.decode()
    assert client.get(reverse("accounts:oidc_login")).status_code == 404
    assert client.get(reverse("accounts:oidc_callback")).status_code == 404


@override_settings(**OIDC)
def test_when_on_the_login_page_links_to_the_provider_with_pkce(client):
    page = client.get(reverse("accounts:login"))
    assert 'id="oidc-login"' in page.content.decode()
    response = client.get(reverse("accounts:oidc_login"))
    assert response.status_code == 302
    url = urlparse(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://login.example.nl/authorize"
    query = parse_qs(url.query)
    assert query["client_id"] == ["cluster6"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"][0].endswith(reverse("accounts:oidc_callback"))


def _signed_in(claims):
    backend = ExistingUsersOIDCBackend()
    backend.get_userinfo = lambda access_token, id_token, payload: claims  # the provider's answer, no network
    try:
        return backend.get_or_create_user("access", "id", {})
    except SuspiciousOperation:  # refused claims, or several users with the address
        return None


@override_settings(**OIDC)
def test_users_are_matched_by_e_mail_and_never_created():
    user = user_with_role(Role.RVO, email="p.devries@rvo.nl")
    assert _signed_in({"email": "P.deVries@rvo.nl", "email_verified": True}) == user
    count = User.objects.count()
    assert _signed_in({"email": "nieuw@example.nl"}) is None
    assert User.objects.count() == count
    # an unverified address, an inactive user, or two users with one address do not sign in
    assert _signed_in({"email": "p.devries@rvo.nl", "email_verified": False}) is None
    UserFactory(username="dubbel", email="p.devries@rvo.nl")
    assert _signed_in({"email": "p.devries@rvo.nl"}) is None
    inactive = UserFactory(username="weg", email="weg@rvo.nl", is_active=False)
    assert _signed_in({"email": inactive.email}) is None


def _production(extra, *args):
    env = {
        k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }  # set by the browser tests
    env = {**env, **PRODUCTION_ENV, **extra}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "cluster6", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_turned_on_in_production_it_adds_the_backend_and_check_deploy_stays_clean():
    oidc_env = {
        "CLUSTER6_OIDC_ENABLED": "true",
        "OIDC_RP_CLIENT_ID": "cluster6",
        "OIDC_RP_CLIENT_SECRET": "geheim",
        "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://login.example.nl/authorize",
        "OIDC_OP_TOKEN_ENDPOINT": "https://login.example.nl/token",
        "OIDC_OP_USER_ENDPOINT": "https://login.example.nl/userinfo",
        "OIDC_OP_JWKS_ENDPOINT": "https://login.example.nl/jwks",
    }
    shown = _production(
        oidc_env, "shell", "-c", "from django.conf import settings; print(settings.AUTHENTICATION_BACKENDS)"
    )
    assert shown.returncode == 0, shown.stderr
    assert BACKEND in shown.stdout
    assert "axes.backends.AxesStandaloneBackend" in shown.stdout
    # check --deploy says the same with single sign-on on as off (the Makefile's `checks` target keeps that
    # answer clean; comparing keeps this test about OIDC while other parts of the tree are in flux)
    checks = [_production(env, "check", "--deploy", "--fail-level", "WARNING") for env in (oidc_env, {})]
    on, off = ([ln for ln in (c.stdout + c.stderr).splitlines() if " INFO " not in ln] for c in checks)
    assert on == off
    assert checks[0].returncode == checks[1].returncode
    assert "oidc" not in "\n".join(on).lower()
    # without the provider's settings it refuses to start, naming the missing variable
    missing = _production({"CLUSTER6_OIDC_ENABLED": "true"}, "check")
    assert missing.returncode != 0
    assert "OIDC_RP_CLIENT_ID" in missing.stderr
