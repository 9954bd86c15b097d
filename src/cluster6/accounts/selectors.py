"""Reads of accounts data, scoped to the actor."""

from __future__ import annotations

import hashlib

from django.db import models
from django.http import Http404

from .models import ApiToken, User


def token_hash(key: str) -> str:
    """The stored form of a key. Keys are 160 random bits, so an unsalted SHA-256 cannot be reversed."""
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_list(*, actor: User) -> models.QuerySet[ApiToken]:
    """The actor's own tokens, newest first (every user manages only its own)."""
    return ApiToken.objects.filter(user=actor)


def api_token_get(*, actor: User, token_id: int | str) -> ApiToken:
    """One of the actor's tokens; 404 for any other."""
    try:
        return api_token_list(actor=actor).get(pk=token_id)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def api_token_for_key(key: str) -> ApiToken | None:
    """The token a key belongs to, with its user, whether or not it is still valid."""
    return ApiToken.objects.select_related("user").filter(key_hash=token_hash(key)).first()
