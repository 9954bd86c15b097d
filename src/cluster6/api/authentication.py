"""Authentication of the API by the platform's own tokens (cluster6.accounts.ApiToken): named, expiring,
revocable, stored as a hash. `Authorization: Token <key>`, as with DRF's TokenAuthentication."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from cluster6.accounts.models import ApiToken, User
from cluster6.accounts.selectors import api_token_for_key
from cluster6.accounts.services import api_token_touch


class ApiTokenAuthentication(BaseAuthentication):
    """401 (in the API's `{"detail": ...}` format) for an unknown, expired or revoked token and for an
    inactive user."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() != self.keyword.lower().encode():
            return None
        if len(auth) != 2:
            raise exceptions.AuthenticationFailed(_("Ongeldige tokenkop: geef precies één token."))
        try:
            key = auth[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Ongeldig token.")) from None
        token = api_token_for_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Ongeldig token."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("Dit token is ingetrokken."))
        if not token.is_active:
            raise exceptions.AuthenticationFailed(_("Dit token is verlopen. Vraag een nieuw token aan."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Gebruiker inactief of verwijderd."))
        api_token_touch(token=token)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


def token_of(request: Any) -> ApiToken | None:
    """The token a request was authenticated with, if any."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None


class ApiTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """The token in the OpenAPI schema, under the name DRF's TokenAuthentication had."""

    target_class = "cluster6.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Token-based authentication with required prefix "Token"',
        }
