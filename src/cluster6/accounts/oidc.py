"""OpenID Connect single sign-on (mozilla-django-oidc), off unless CLUSTER6_OIDC_ENABLED.

A person signs in at the identity provider; the platform matches the verified e-mail address to one
existing, active user (case-insensitive). It never creates users: roles come from memberships, which the
ministry assigns in the admin. An unknown or ambiguous address does not sign in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.http import Http404, HttpRequest, HttpResponseBase
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .models import User


class ExistingUsersOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """Matches the provider's verified e-mail address to one existing active user; creates nobody."""

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        email = str(claims.get("email") or "").strip()
        return bool(email) and claims.get("email_verified", True) is not False

    def filter_users_by_claims(self, claims: dict[str, Any]) -> models.QuerySet[User]:
        email = str(claims.get("email") or "").strip()
        if not email:
            return User.objects.none()
        return User.objects.filter(email__iexact=email, is_active=True)

    def create_user(self, claims: dict[str, Any]) -> None:  # never: OIDC_CREATE_USER is False as well
        return None


def _enabled() -> None:
    if not settings.CLUSTER6_OIDC_ENABLED:
        raise Http404


class OIDCLoginView(OIDCAuthenticationRequestView):  # type: ignore[misc]
    """Sends the browser to the identity provider (404 while single sign-on is off)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _enabled()
        super().__init__(*args, **kwargs)


class OIDCCallbackView(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    """Where the identity provider sends the browser back (404 while single sign-on is off)."""

    def get(self, request: HttpRequest) -> HttpResponseBase:
        _enabled()
        return super().get(request)  # type: ignore[no-any-return]
