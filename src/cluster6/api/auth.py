"""Obtaining and revoking API tokens. Obtaining goes through `authenticate(request=...)`, so django-axes
counts wrong passwords and locks the user name + address out (429), and a per-address rate limit
(CLUSTER6_API_TOKEN_THROTTLE_RATE) slows down guessing across user names."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpResponseBase
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from cluster6.accounts.lockout import lockout_json
from cluster6.accounts.models import User
from cluster6.accounts.services import api_token_create, api_token_revoke

from .authentication import ApiTokenAuthentication, token_of
from .errors import BAD_REQUEST, UNAUTHORIZED, ErrorSerializer

TOO_MANY = OpenApiResponse(
    ErrorSerializer,
    description="Too many attempts: the user name is locked out from this address after repeated wrong "
    "passwords (for CLUSTER6_AXES_COOLOFF_MINUTES), or this address sent too many requests.",
)


class TokenObtainThrottle(SimpleRateThrottle):
    """Per client address; the rate is read from the settings on each request (so tests can change it)."""

    scope = "token"

    def get_rate(self) -> str | None:
        return str(settings.CLUSTER6_API_TOKEN_THROTTLE_RATE) or None

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenObtainSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=150, help_text="The user name.")
    password = serializers.CharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}, help_text="The password."
    )
    name = serializers.CharField(
        max_length=100,
        required=False,
        default="API",
        help_text="A name for the token, to recognise it on the token page (default `API`).",
    )


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(help_text="The key: shown only now, the platform keeps only its hash.")
    name = serializers.CharField()
    expires_at = serializers.DateTimeField(help_text="After this moment the token gives 401.")


class TokenObtainView(APIView):
    """Public: exchanges a user name and password for a new API token."""

    authentication_classes: list[type[Any]] = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenObtainThrottle]

    @extend_schema(
        summary="Obtain an API token",
        description="Public endpoint. Send the user name and password; the answer holds a new token, valid "
        "for CLUSTER6_API_TOKEN_DAYS days (30 by default). Use it as `Authorization: Token <token>`. "
        "The key is shown only in this answer. Wrong credentials or an inactive account give 400; "
        "repeated wrong passwords lock the user name out from the client's address (429).",
        request=TokenObtainSerializer,
        responses={200: TokenSerializer, 400: BAD_REQUEST, 429: TOO_MANY},
        auth=[],
    )
    def post(self, request: Request) -> HttpResponseBase:
        data = TokenObtainSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The Django request, not DRF's wrapper: django-axes flags the request it is given, and its
        # middleware reads the flag from the Django request.
        http_request = request._request
        user = authenticate(
            request=http_request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None:
            if getattr(http_request, "axes_locked_out", False):
                return lockout_json(http_request)
            raise ValidationError(
                {"non_field_errors": [_("Kan niet inloggen met de opgegeven gegevens.")]},
                code="authorization",
            )
        assert isinstance(user, User)
        token, key = api_token_create(user=user, actor=user, name=data.validated_data["name"], channel="api")
        answer = {"token": key, "name": token.name, "expires_at": token.expires_at}
        return Response(TokenSerializer(answer).data)


class TokenRevokeView(APIView):
    """Revokes the token the request is made with."""

    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Revoke the current API token",
        description="Revokes the token in the `Authorization` header; it gives 401 from then on. Other "
        "tokens of the user stay valid (manage them on the token page of the web interface).",
        request=None,
        responses={204: None, 401: UNAUTHORIZED},
    )
    def post(self, request: Request) -> Response:
        token = token_of(request)
        assert token is not None  # ApiTokenAuthentication only
        assert isinstance(request.user, User)
        api_token_revoke(token=token, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
