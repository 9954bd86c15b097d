"""Lockout after repeated wrong passwords (django-axes): the client's address, and the answer to a
locked-out client: a Dutch page for the web, `{"detail": ...}` with status 429 for the API."""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or with CLUSTER6_TRUSTED_PROXY_COUNT = n > 0 the n-th address
    from the right of X-Forwarded-For (the one our own proxies saw), so that a client cannot choose its
    address by sending the header itself."""
    proxies = int(settings.CLUSTER6_TRUSTED_PROXY_COUNT)
    remote = str(request.META.get("REMOTE_ADDR", ""))
    if proxies <= 0:
        return remote
    forwarded = [a.strip() for a in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if a.strip()]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote


def cooloff_minutes() -> int:
    return math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)


def _message() -> str:
    return _(
        "Te veel mislukte inlogpogingen. Deze gebruikersnaam is vanaf dit adres %(minutes)d minuten "
        "geblokkeerd."
    ) % {"minutes": cooloff_minutes()}


def _with_retry_after[R: HttpResponse](response: R) -> R:
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


def lockout_json(request: HttpRequest) -> JsonResponse:
    return _with_retry_after(JsonResponse({"detail": _message()}, status=429))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: JSON under /api/, otherwise the Dutch lockout page; status 429."""
    if request.path.startswith("/api/"):
        return lockout_json(request)
    return _with_retry_after(
        render(
            request,
            "accounts/lockout.html",
            {"message": _message(), "minutes": cooloff_minutes()},
            status=429,
        )
    )
