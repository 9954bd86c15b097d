"""Writing to the audit logs. Every service calls audit_record in its own transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from cluster6.accounts.models import User

from .models import AuditEvent, ReadLog


def _label(actor: User | None) -> str:
    if actor is None:
        return "systeem"
    return actor.get_full_name() or actor.get_username()


def audit_record(
    *,
    actor: User | None,
    verb: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=_label(actor),
        verb=verb,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:300] if target is not None else "",
        changes=changes or {},
    )


def read_log_record(
    *, actor: User, owner_id: int, target: models.Model, purpose: str = "", channel: str = "web"
) -> ReadLog | None:
    """Log a read of `owner`'s confidential data, unless the reader belongs to that organisation."""
    own = {m.organisation_id for m in actor.active_memberships}
    if owner_id in own:
        return None
    reader_org = actor.active_memberships[0].organisation if actor.active_memberships else None
    return ReadLog.objects.create(
        actor=actor,
        actor_label=_label(actor),
        actor_organisation=reader_org,
        owner_id=owner_id,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:300],
        purpose=purpose,
        channel=channel,
    )
