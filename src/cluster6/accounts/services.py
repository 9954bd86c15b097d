"""Writes to accounts: API tokens and password events. Keyword-only, one transaction, audited."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cluster6.audit.services import audit_record

from .models import ApiToken, User
from .selectors import token_hash

#: Update `last_used_at` at most this often per token, so that API calls do not each write a row.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def token_lifetime(days: int | None = None) -> timedelta:
    """The lifetime of a new token: `days` (at most CLUSTER6_API_TOKEN_MAX_DAYS), else the default."""
    maximum = int(settings.CLUSTER6_API_TOKEN_MAX_DAYS)
    chosen = int(settings.CLUSTER6_API_TOKEN_DAYS) if days is None else days
    return timedelta(days=max(1, min(chosen, maximum)))


@transaction.atomic
def api_token_create(
    *, user: User, actor: User, name: str, days: int | None = None, channel: str = "web"
) -> tuple[ApiToken, str]:
    """Make a token for `user`. Returns the token and its key; the key is not stored and cannot be shown
    again."""
    key = secrets.token_hex(20)
    token = ApiToken(
        user=user,
        name=name.strip()[:100] or "API",
        prefix=key[:8],
        key_hash=token_hash(key),
        expires_at=timezone.now() + token_lifetime(days),
    )
    token.full_clean()
    token.save()
    audit_record(
        actor=actor,
        verb="api_token.created",
        target=token,
        changes={"name": token.name, "expires_at": token.expires_at.isoformat(), "channel": channel},
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke a token (idempotent: an already revoked token keeps its first revocation time)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, verb="api_token.revoked", target=token, changes={"name": token.name})
    return token


@transaction.atomic
def api_tokens_revoke_all(*, user: User, actor: User | None, reason: str) -> int:
    """Revoke every active token of `user` (after a password reset)."""
    now = timezone.now()
    count = ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now).update(
        revoked_at=now
    )
    if count:
        audit_record(
            actor=actor, verb="api_token.revoked_all", target=user, changes={"count": count, "reason": reason}
        )
    return count


def api_token_touch(*, token: ApiToken) -> None:
    """Record that the token was used (at most once per LAST_USED_RESOLUTION; not audited)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


@transaction.atomic
def password_event_record(*, user: User, verb: str) -> None:
    """Audit a password change or reset (never the password itself)."""
    audit_record(actor=user, verb=verb, target=user)
